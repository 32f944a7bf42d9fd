/* Draws the book's charts with the Vega bundle shipped in _static/, in the page's colour mode.
 *
 * Each chart is a <figure class="book-chart"> holding its Vega-Lite spec in a JSON script tag.
 * The Vega bundle is fetched only when a chart comes near the screen (the page's text never waits
 * for it), and each chart is drawn as it approaches; `window.bookCharts.drawAll()` draws every
 * chart at once (the browser tests call it). Charts are redrawn when the reader switches between the light
 * and dark themes and when the column's width changes much; a redraw keeps the values the reader
 * set on sliders and buttons. Titles are wrapped to the width the chart has. In dark mode each
 * colour of the book's palette is swapped for its dark-page twin, listed in the spec's
 * usermeta.darkColours by the renderer (analyses/charts.py). Until a chart is drawn, and for
 * readers without JavaScript, the static SVG written at build time stands in for it.
 */
(function () {
  "use strict";

  var REDRAW_WIDTH_CHANGE = 24;  // pixels of column width change that re-wrap titles
  var NEAR_SCREEN = "800px 0px";  // how far below (or above) the screen a chart starts being drawn
  var script = document.currentScript;
  var BUNDLE = new URL((script && script.dataset.vegaBundle) || "vega-bundle.js",
                       (script && script.src) || document.baseURI).href;
  var bundleLoading = null;
  var MIN_WRAP_WIDTH = 200;      // pixels: a narrower column is not laid out yet
  var measure = document.createElement("canvas").getContext("2d");

  function mode() {
    return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
  }

  function swapped(value, colours) {
    if (typeof value === "string") {
      return Object.prototype.hasOwnProperty.call(colours, value) ? colours[value] : value;
    }
    if (Array.isArray(value)) {
      return value.map(function (item) { return swapped(item, colours); });
    }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (key) {
        out[key] = key === "datasets" || key === "usermeta" ? value[key] : swapped(value[key], colours);
      });
      return out;
    }
    return value;
  }

  function wrapped(text, font, width) {
    measure.font = font;
    var lines = [];
    var line = "";
    String(text).split(/[ \t\n\r]+/).forEach(function (word) {  // never at a non-breaking space
      var candidate = line ? line + " " + word : word;
      if (line && measure.measureText(candidate).width > width) {
        lines.push(line);
        line = word;
      } else {
        line = candidate;
      }
    });
    if (line) {
      lines.push(line);
    }
    return withoutOrphans(lines);
  }

  /* No line of a single word after the first: it reads badly, and Vega takes a title line that
     is exactly "if" for a signal name and fails to draw the chart. */
  function withoutOrphans(lines) {
    for (var i = lines.length - 1; i > 0; i--) {
      if (lines[i].indexOf(" ") < 0) {
        var previous = lines[i - 1].split(" ");
        if (previous.length > 1) {
          lines[i] = previous.pop() + " " + lines[i];
          lines[i - 1] = previous.join(" ");
        } else {
          lines[i - 1] = lines[i - 1] + " " + lines[i];
          lines.splice(i, 1);
        }
      }
    }
    return lines;
  }

  function fitTitle(spec, width) {
    if (!spec.title) {
      return;
    }
    var title = typeof spec.title === "object" && !Array.isArray(spec.title) ? spec.title : { text: spec.title };
    var config = spec.config || {};
    var style = config.title || {};
    var font = style.font || config.font || "sans-serif";
    var join = function (text) { return Array.isArray(text) ? text.join(" ") : text; };
    title.text = wrapped(join(title.text), "bold " + (style.fontSize || 13) + "px " + font, width);
    if (title.subtitle) {
      title.subtitle = wrapped(join(title.subtitle), (style.subtitleFontSize || 12) + "px " + font, width);
    }
    spec.title = title;
  }

  function boundParams(spec) {
    var found = [];
    (function walk(node) {
      (node.params || []).forEach(function (param) {
        if (param.bind) {
          found.push(param);
        }
      });
      (node.layer || []).forEach(walk);
    })(spec);
    return found;
  }

  function readerValues(figure) {
    var chart = figure.bookChart;
    var values = {};
    if (!chart) {
      return values;
    }
    boundParams(chart.spec).forEach(function (param) {
      values[param.name] = chart.view.signal(param.name);
    });
    return values;
  }

  function draw(figure) {
    var view = figure.querySelector(".book-chart-view");
    var source = figure.querySelector('script[type="application/json"]');
    if (!view || !source || typeof window.vegaEmbed !== "function") {
      return;
    }
    var kept = readerValues(figure);
    var spec = JSON.parse(source.textContent);
    var theme = mode();
    var width = view.clientWidth;
    if (theme === "dark") {
      spec = swapped(spec, (spec.usermeta && spec.usermeta.darkColours) || {});
      spec.background = null;
    }
    boundParams(spec).forEach(function (param) {
      if (Object.prototype.hasOwnProperty.call(kept, param.name)) {
        param.value = kept[param.name];
      }
    });
    // Before the page is laid out the column may measure nothing: wrapping to it would put every
    // word on a line of its own (and Vega then misreads a one-word line such as "if"). Wrap to
    // the window instead; the resize observer re-wraps once the column has its width.
    fitTitle(spec, (width >= MIN_WRAP_WIDTH ? width : Math.max(window.innerWidth - 40, MIN_WRAP_WIDTH)) - 10);
    if (figure.bookChart) {
      figure.bookChart.view.finalize();
    }
    // No styles injected into the page (the page policy allows only the book's style sheets):
    // book.css styles the chart and its tooltip.
    return window.vegaEmbed(view, spec, { actions: false, renderer: "svg", defaultStyle: false, ast: true,
                                   tooltip: { theme: theme, disableDefaultStyle: true } })
      .then(function (result) {
        figure.bookChart = { view: result.view, spec: spec, vgSpec: result.vgSpec, width: width };
        figure.classList.add("book-chart-live");
        figure.dataset.chartTheme = theme;
      }).catch(function (error) {
        view.textContent = (document.documentElement.lang === "fr" ? "Le graphique n’a pas pu être dessiné : "
            : "The chart could not be drawn: ") + error.message;
        console.error(error);
      });
  }

  function figures() {
    return document.querySelectorAll("figure.book-chart");
  }

  function redrawWhenNeeded() {
    new MutationObserver(function () {
      figures().forEach(function (figure) {
        if (figure.dataset.chartTheme && figure.dataset.chartTheme !== mode()) {
          draw(figure);
        }
      });
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    if (typeof ResizeObserver === "function") {
      var resized = new ResizeObserver(function (entries) {
        entries.forEach(function (entry) {
          var figure = entry.target.closest("figure.book-chart");
          var chart = figure && figure.bookChart;
          if (chart && Math.abs(entry.target.clientWidth - chart.width) > REDRAW_WIDTH_CHANGE) {
            draw(figure);
          }
        });
      });
      document.querySelectorAll("figure.book-chart .book-chart-view").forEach(function (view) {
        resized.observe(view);
      });
    }
  }

  /* vega-tooltip puts a tooltip beside the pointer and, when neither side has room (a phone),
     lets it run off the screen: move it back inside, a margin from each edge. */
  function keepTooltipsOnScreen() {
    var MARGIN = 8;
    function clamp(tip) {
      var box = tip.getBoundingClientRect();
      var widest = window.innerWidth - box.width - MARGIN;
      var left = Math.max(MARGIN, Math.min(box.left, widest));
      if (Math.abs(left - box.left) > 0.5) {
        tip.style.left = left + "px";  // the tooltip is position: fixed
      }
    }
    function watch(tip) {
      new MutationObserver(function () { clamp(tip); })
        .observe(tip, { attributes: true, attributeFilter: ["style", "class"] });
    }
    var existing = document.getElementById("vg-tooltip-element");
    if (existing) {
      watch(existing);
      return;
    }
    var waiting = new MutationObserver(function () {
      var tip = document.getElementById("vg-tooltip-element");
      if (tip) {
        waiting.disconnect();
        watch(tip);
        clamp(tip);
      }
    });
    waiting.observe(document.body, { childList: true });
  }

  /* The Vega bundle, fetched once, the first time a chart is needed. */
  function withBundle() {
    if (typeof window.vegaEmbed === "function") {
      return Promise.resolve();
    }
    if (!bundleLoading) {
      bundleLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = BUNDLE;
        tag.onload = resolve;
        tag.onerror = function () { reject(new Error("the chart library could not be loaded")); };
        document.head.appendChild(tag);
      });
    }
    return bundleLoading;
  }

  function drawSoon(figure) {
    if (figure.dataset.chartRequested) {
      return figure.bookChartDrawn;
    }
    figure.dataset.chartRequested = "yes";
    figure.bookChartDrawn = withBundle().then(function () { return draw(figure); });
    return figure.bookChartDrawn;
  }

  function drawAll() {
    return Promise.all(Array.prototype.map.call(figures(), drawSoon));
  }

  function drawNearScreen() {
    if (typeof IntersectionObserver !== "function") {
      drawAll();
      return;
    }
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          near.unobserve(entry.target);
          drawSoon(entry.target);
        }
      });
    }, { rootMargin: NEAR_SCREEN });
    figures().forEach(function (figure) { near.observe(figure); });
  }

  /* On a chart's own page (_static/charts/<name>.html): the embed code names the address the
     reader has the page at, and is hidden when the page is itself shown in another page. */
  function fillEmbedCode() {
    document.querySelectorAll("textarea[data-embed-snippet]").forEach(function (box) {
      var address = location.href.split("#")[0];
      box.value = box.value.replace(/src="[^"]*"/, 'src="' + address + '"');
      if (window.top !== window.self) {
        box.parentNode.hidden = true;
      }
    });
  }

  function start() {
    fillEmbedCode();
    drawNearScreen();
    redrawWhenNeeded();
    keepTooltipsOnScreen();
  }

  window.bookCharts = { drawAll: drawAll };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

/* Draws the book's charts with the Vega bundle shipped in _static/, in the page's colour mode.
 *
 * Each chart is a <figure class="book-chart"> holding its Vega-Lite spec in a JSON script tag.
 * Charts are drawn once the page has loaded and redrawn when the reader switches between the
 * light and dark themes. Until a chart is drawn, and for readers without JavaScript, the static
 * SVG image written at build time stands in for it.
 */
(function () {
  "use strict";

  var DARK = {
    background: null,
    title: { color: "#e6e6e6", subtitleColor: "#c8c8c8" },
    axis: { labelColor: "#d0d0d0", titleColor: "#e6e6e6", gridColor: "#3a3a3a",
            domainColor: "#8a8a8a", tickColor: "#8a8a8a" },
    legend: { labelColor: "#d0d0d0", titleColor: "#e6e6e6" },
    text: { color: "#e6e6e6" },
    rule: { color: "#bdbdbd" }
  };

  function merged(base, override) {
    var out = Object.assign({}, base);
    Object.keys(override).forEach(function (key) {
      var value = override[key];
      out[key] = value && typeof value === "object" && !Array.isArray(value)
        ? merged(base && typeof base[key] === "object" ? base[key] : {}, value)
        : value;
    });
    return out;
  }

  function mode() {
    return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
  }

  function draw(figure) {
    var view = figure.querySelector(".book-chart-view");
    var source = figure.querySelector('script[type="application/json"]');
    if (!view || !source || typeof window.vegaEmbed !== "function") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var theme = mode();
    if (theme === "dark") {  // the dark colours win over the spec's own theme
      spec.background = null;
      spec.config = merged(spec.config || {}, DARK);
    }
    window.vegaEmbed(view, spec, { actions: false, renderer: "svg" }).then(function () {
      figure.classList.add("book-chart-live");
      figure.dataset.chartTheme = theme;
    }).catch(function (error) {
      view.textContent = "The chart could not be drawn: " + error.message;
      console.error(error);
    });
  }

  function drawAll() {
    document.querySelectorAll("figure.book-chart").forEach(draw);
  }

  function redrawOnThemeChange() {
    new MutationObserver(function () {
      document.querySelectorAll("figure.book-chart").forEach(function (figure) {
        if (figure.dataset.chartTheme && figure.dataset.chartTheme !== mode()) {
          draw(figure);
        }
      });
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  }

  function start() {
    drawAll();
    redrawOnThemeChange();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

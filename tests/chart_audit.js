/* What a reader sees of each chart, checked in the browser (tests/chart_audit.py runs it).
 *
 * For one drawn chart (the live SVG that Vega draws, or the static SVG image made at build time,
 * put into the page for the purpose) it reports, in sentences:
 * - a mark layer that draws no visible mark inside its plot area;
 * - marks of one layer drawn exactly on top of each other;
 * - a colour scale that gives two of its values the same colour (live charts only);
 * - a mark, rule or legend symbol with less than 3:1 contrast against the page, or a text mark
 *   with less than 4.5:1 (WCAG 2.1, criteria 1.4.11 and 1.4.3);
 * - a label cut with an ellipsis, running off the chart's edge, overlapping another label, or
 *   crossed by its axis line;
 * - fewer legends than the fields the spec asks a legend for (live charts only): a legend that
 *   one channel's `legend: null` took away from another channel sharing its field.
 */
window.chartAudit = (function () {
  "use strict";

  var GRAPHIC_CONTRAST = 3;
  var TEXT_CONTRAST = 4.5;
  var EDGE_TOLERANCE = 1;       // pixels a label may overhang the chart's edge (anti-aliasing)
  var TEXT_MARK_REACH = 24;     // pixels a text mark may stand outside the plot (labels above bars)
  var OVERLAP_SHARE = 0.2;      // share of the smaller label's area two labels may overlap

  function parseColour(value) {
    var match = /rgba?\(([^)]+)\)/.exec(value || "");
    if (!match) {
      return null;
    }
    var parts = match[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  }

  function luminance(c) {
    var channel = function (v) {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  }

  function contrast(a, b) {
    var la = luminance(a);
    var lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function over(colour, alpha, background) {
    var mix = function (f, b) { return f * alpha + b * (1 - alpha); };
    return { r: mix(colour.r, background.r), g: mix(colour.g, background.g), b: mix(colour.b, background.b), a: 1 };
  }

  function pageBackground() {
    var candidates = [document.body, document.documentElement].filter(Boolean);
    for (var i = 0; i < candidates.length; i++) {
      var colour = parseColour(getComputedStyle(candidates[i]).backgroundColor);
      if (colour && colour.a > 0) {
        return colour;
      }
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  }

  function opacityOf(element, root) {
    var alpha = 1;
    for (var node = element; node && node !== root.parentNode; node = node.parentNode) {
      if (node.nodeType === 1) {
        alpha *= Number(getComputedStyle(node).opacity);
      }
    }
    return alpha;
  }

  /* The paints of an element that show, as the reader sees them: each colour blended over the
     page. A fill shows only on an area, a stroke on a line of some length. */
  function paints(element, root, background) {
    var style = getComputedStyle(element);
    var alpha = opacityOf(element, root);
    var b = box(element);
    var found = [];
    var fill = parseColour(style.fill);
    var fillAlpha = fill ? fill.a * Number(style.fillOpacity) * alpha : 0;
    if (fillAlpha > 0 && b.width > 0.5 && b.height > 0.5) {
      found.push(over(fill, fillAlpha, background));
    }
    var stroke = parseColour(style.stroke);
    var strokeAlpha = stroke && parseFloat(style.strokeWidth) > 0 ? stroke.a * Number(style.strokeOpacity) * alpha : 0;
    if (strokeAlpha > 0 && (b.width > 0.5 || b.height > 0.5)) {
      found.push(over(stroke, strokeAlpha, background));
    }
    return found;
  }

  function box(element) {
    var r = element.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
  }

  function hasExtent(b) {
    return b.width > 0.5 || b.height > 0.5;
  }

  function intersects(a, b, reach) {
    return a.right >= b.left - reach && a.left <= b.right + reach &&
           a.bottom >= b.top - reach && a.top <= b.bottom + reach;
  }

  function overlapArea(a, b) {
    var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 0 && h > 0 ? w * h : 0;
  }

  /* The plot area a mark layer draws in: the background of the nearest enclosing group item. */
  function plotArea(layer) {
    for (var node = layer.parentNode; node && node.nodeType === 1; node = node.parentNode) {
      for (var i = 0; i < node.children.length; i++) {
        var child = node.children[i];
        if (child.tagName.toLowerCase() === "path" && child.classList.contains("background")) {
          return box(child);
        }
      }
    }
    return null;
  }

  function layerName(layer) {
    var names = Array.prototype.filter.call(layer.classList, function (c) {
      return c.indexOf("mark-") === 0 || (c.indexOf("role-") !== 0 && c !== "mark-group");
    });
    return names.join(" ");
  }

  function items(layer) {
    return Array.prototype.filter.call(layer.children, function (child) {
      return ["path", "rect", "line", "circle", "text", "g"].indexOf(child.tagName.toLowerCase()) >= 0;
    });
  }

  function markProblems(svg, background) {
    var problems = [];
    var drawn = {};  // layer name -> visible marks, summed over the groups a layer is split into
    svg.querySelectorAll("g.role-mark").forEach(function (layer) {
      var area = plotArea(layer);
      var name = layerName(layer);
      var isText = layer.classList.contains("mark-text");
      var shown = items(layer).filter(function (item) {
        var b = box(item);
        return hasExtent(b) && paints(item, svg, background).length > 0 &&
               (!area || intersects(b, area, isText ? TEXT_MARK_REACH : 1));
      });
      drawn[name] = (drawn[name] || 0) + shown.length;
      if (layer.classList.contains("mark-symbol")) {
        var seen = {};
        shown.forEach(function (item) {
          var b = box(item);
          var key = [Math.round(b.left + b.width / 2), Math.round(b.top + b.height / 2), Math.round(b.width)].join(",");
          seen[key] = (seen[key] || 0) + 1;
        });
        var stacked = Object.keys(seen).filter(function (k) { return seen[k] > 1; });
        if (stacked.length) {
          problems.push("mark layer '" + name + "' draws " + stacked.length +
                        " place(s) where marks sit exactly on top of each other");
        }
      }
      shown.forEach(function (item) {
        var needed = isText ? TEXT_CONTRAST : GRAPHIC_CONTRAST;
        var best = Math.max.apply(null, paints(item, svg, background).map(function (p) {
          return contrast(p, background);
        }));
        if (best < needed) {
          problems.push("a mark of layer '" + name + "' has contrast " + best.toFixed(2) +
                        ":1 against the page, below " + needed + ":1");
        }
      });
    });
    Object.keys(drawn).forEach(function (name) {
      if (drawn[name] === 0) {
        problems.push("mark layer '" + name + "' draws no visible mark inside the plot area");
      }
    });
    svg.querySelectorAll("g.role-legend-symbol path").forEach(function (symbol) {
      var found = paints(symbol, svg, background);
      if (!hasExtent(box(symbol)) || found.length === 0) {
        return;
      }
      var best = Math.max.apply(null, found.map(function (p) { return contrast(p, background); }));
      if (best < GRAPHIC_CONTRAST) {
        var entry = symbol.closest("g.role-legend-entry");
        problems.push("legend symbol" + (entry ? " of '" + entry.textContent.trim().slice(0, 40) + "'" : "") +
                      " has contrast " + best.toFixed(2) + ":1 against the page, below 3:1");
      }
    });
    return unique(problems);
  }

  function hasExtentText(t) {
    return t.textContent.trim() && hasExtent(box(t));
  }

  function labelProblems(svg) {
    var problems = [];
    var edge = box(svg);
    var texts = Array.prototype.filter.call(svg.querySelectorAll("text"), function (t) {
      return t.textContent.trim() && hasExtent(box(t)) && Number(getComputedStyle(t).opacity) > 0;
    });
    texts.forEach(function (text) {
      var b = box(text);
      if (text.textContent.indexOf("\u2026") >= 0) {
        problems.push("label '" + text.textContent + "' is cut with an ellipsis");
      }
      if (b.left < edge.left - EDGE_TOLERANCE || b.right > edge.right + EDGE_TOLERANCE) {
        problems.push("label '" + text.textContent.slice(0, 60) + "' runs off the chart's edge");
      }
    });
    var labels = Array.prototype.filter.call(svg.querySelectorAll("g.role-axis-label text"), hasExtentText);
    svg.querySelectorAll(".role-axis-domain line, .role-axis-domain path").forEach(function (line) {
      var d = box(line);
      labels.forEach(function (label) {
        var b = box(label);
        var across = d.height < 1 ? (d.top > b.top + 2 && d.top < b.bottom - 2 && d.left < b.right && d.right > b.left)
                                  : (d.left > b.left + 2 && d.left < b.right - 2 && d.top < b.bottom && d.bottom > b.top);
        if (across) {
          problems.push("axis line runs through the label '" + label.textContent.slice(0, 40) + "'");
        }
      });
    });
    for (var i = 0; i < texts.length; i++) {
      for (var j = i + 1; j < texts.length; j++) {
        var a = box(texts[i]);
        var b = box(texts[j]);
        var smaller = Math.min(a.width * a.height, b.width * b.height);
        if (smaller > 0 && overlapArea(a, b) > OVERLAP_SHARE * smaller) {
          problems.push("labels '" + texts[i].textContent.slice(0, 40) + "' and '" +
                        texts[j].textContent.slice(0, 40) + "' overlap");
        }
      }
    }
    return unique(problems);
  }

  function colourScaleProblems(chart) {
    var problems = [];
    ((chart.vgSpec && chart.vgSpec.scales) || []).forEach(function (scale) {
      if (scale.type !== "ordinal" || !/color|fill|stroke/.test(scale.name)) {
        return;
      }
      var fn = chart.view.scale(scale.name);
      var domain = fn.domain();
      var colours = domain.map(function (value) { return String(fn(value)).toLowerCase(); });
      var distinct = colours.filter(function (c, i) { return colours.indexOf(c) === i; });
      if (distinct.length < domain.length) {
        problems.push("colour scale '" + scale.name + "' has " + domain.length + " values but " +
                      distinct.length + " colours");
      }
    });
    return problems;
  }

  var LEGEND_CHANNELS = ["color", "fill", "stroke", "shape", "size", "opacity", "strokeDash"];

  /* The fields the Vega-Lite spec gives a legend: channels sharing a field share one legend. */
  function legendFields(spec) {
    var fields = {};
    (function walk(node) {
      if (!node || typeof node !== "object") {
        return;
      }
      var encoding = node.encoding || {};
      LEGEND_CHANNELS.forEach(function (channel) {
        var def = encoding[channel];
        var field = def && (def.field || (def.condition && def.condition.field));
        var scaled = def && def.scale !== null && !(def.condition && def.condition.scale === null);
        if (field && scaled && def.legend !== null) {
          fields[field] = true;
        }
      });
      ["layer", "hconcat", "vconcat", "concat"].forEach(function (key) {
        (node[key] || []).forEach(walk);
      });
      if (node.spec) {
        walk(node.spec);
      }
    })(spec);
    return Object.keys(fields);
  }

  function legendProblems(chart, svg) {
    var wanted = legendFields(chart.spec);
    var drawn = svg.querySelectorAll("g.role-legend").length;
    if (drawn < wanted.length) {
      return ["the spec asks for a legend of " + wanted.join(", ") + " but " + drawn + " legend(s) are drawn"];
    }
    return [];
  }

  function unique(list) {
    return list.filter(function (item, i) { return list.indexOf(item) === i; });
  }

  function auditSvg(svg, background) {
    return markProblems(svg, background).concat(labelProblems(svg));
  }

  /* Problems of every live chart on the page, by chart id. */
  function live() {
    var background = pageBackground();
    var report = {};
    document.querySelectorAll("figure.book-chart").forEach(function (figure) {
      var svg = figure.querySelector(".book-chart-view svg.marks");
      var problems = svg ? auditSvg(svg, background) : ["the chart was not drawn"];
      if (figure.bookChart) {
        problems = problems.concat(colourScaleProblems(figure.bookChart));
        if (svg) {
          problems = problems.concat(legendProblems(figure.bookChart, svg));
        }
      }
      report[figure.id] = problems;
    });
    return report;
  }

  /* Problems of every chart's static SVG image, put into the page at its own width, on white. */
  function staticImages() {
    var white = { r: 255, g: 255, b: 255, a: 1 };
    var figures = Array.prototype.slice.call(document.querySelectorAll("figure.book-chart"));
    return Promise.all(figures.map(function (figure) {
      var image = figure.querySelector("img.book-chart-static");
      if (!image) {
        return Promise.resolve([figure.id, ["no static image"]]);
      }
      return fetch(image.src).then(function (response) { return response.text(); }).then(function (text) {
        var holder = document.createElement("div");
        holder.style.cssText = "position:absolute;left:0;top:0;background:#fff;z-index:-1";
        holder.innerHTML = text;
        document.body.appendChild(holder);
        var svg = holder.querySelector("svg");
        var problems = auditSvg(svg, white);
        holder.remove();
        return [figure.id, problems];
      });
    })).then(function (pairs) {
      var report = {};
      pairs.forEach(function (pair) { report[pair[0]] = pair[1]; });
      return report;
    });
  }

  return { live: live, staticImages: staticImages, contrast: contrast, parseColour: parseColour };
})();

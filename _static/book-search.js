/* Search result summaries taken from the text of each page, not from its toolbar.
 *
 * Sphinx's search builds each summary from the page's [role="main"] element, which in this
 * theme begins with the toolbar (the download menu's ".ipynb", ".md"), and looks for the
 * stemmed search terms ("poverti"), which the text does not contain: the summary then showed
 * "....ipynb". This takes the article's text instead and centres the summary on the first word
 * the reader typed that the article contains.
 */
(function () {
  "use strict";

  function patch() {
    if (typeof Search !== "object") {
      return;
    }
    var typed = (new URLSearchParams(window.location.search).get("q") || "")
      .toLowerCase().split(/\s+/).filter(Boolean);

    Search.htmlToText = function (htmlString, anchor) {
      // The pages' toolbar buttons carry onclick handlers, which the page policy reports even
      // in a parsed document that never runs them: they are dropped before parsing.
      var page = new DOMParser().parseFromString(htmlString.replace(/\son[a-z]+="[^"]*"/g, ""), "text/html");
      page.querySelectorAll(".headerlink, script, style, .cell_input").forEach(function (el) { el.remove(); });
      var article = page.querySelector("article.bd-article") || page.querySelector('[role="main"]');
      var block = anchor && article ? article.querySelector(anchor) : null;
      return ((block || article) ? (block || article).textContent : "").replace(/\s+/g, " ").trim();
    };

    Search.makeSearchSummary = function (htmlText, keywords, anchor) {
      var text = Search.htmlToText(htmlText, anchor);
      if (!text) {
        return null;
      }
      var lower = text.toLowerCase();
      var terms = typed.concat(Array.from(keywords || []));
      var found = terms.map(function (t) { return lower.indexOf(t.toLowerCase()); })
        .filter(function (i) { return i > -1; });
      var start = found.length ? Math.max(Math.min.apply(null, found) - 120, 0) : 0;
      var summary = document.createElement("p");
      summary.classList.add("context");
      summary.textContent = (start > 0 ? "\u2026" : "") + text.substr(start, 240).trim() +
        (start + 240 < text.length ? "\u2026" : "");
      return summary;
    };
  }

  // Sphinx's searchtools.js may come after this script: patch once both have run.
  if (typeof Search === "object") {
    patch();
  } else {
    document.addEventListener("DOMContentLoaded", patch);
  }
})();

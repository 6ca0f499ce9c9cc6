/* LaTeX in question texts and options, rendered by the vendored KaTeX auto-render.
 *
 * The server prints the author's text as escaped text inside an element marked `data-katex`;
 * this file turns the `$...$` and `$$...$$` parts (and `\(...\)`, `\[...\]`, which GIFT banks
 * from Moodle use) into KaTeX. Auto-render only ever reads text nodes and adds KaTeX's own
 * output beside them, so the author's text is never parsed as HTML.
 *
 * Runs on page load and after every htmx swap (htmx:load fires for each new piece of content).
 * Loaded after katex.min.js and contrib/auto-render.min.js, all deferred.
 *
 * window.examhallKatex.renderText(element, text) puts `text` into `element` as a text node and
 * renders its maths: the editor's live preview uses it.
 */
(function () {
  "use strict";

  var OPTIONS = {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "\\[", right: "\\]", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
    ],
    throwOnError: false, // a typo shows in red where it is, instead of stopping the page
    strict: "ignore", // no console warnings for unicode in maths
    trust: false, // no \href, \url, \includegraphics from question text
    errorCallback: function () {},
  };
  var DONE = "data-katex-rendered";

  function available() {
    return typeof window.renderMathInElement === "function";
  }

  function renderElement(el) {
    if (!available() || el.hasAttribute(DONE)) {
      return;
    }
    window.renderMathInElement(el, OPTIONS);
    el.setAttribute(DONE, "");
  }

  /* Every element marked data-katex in `root` (root included). */
  function render(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    if (root.matches && root.matches("[data-katex]")) {
      renderElement(root);
    }
    var nodes = root.querySelectorAll("[data-katex]");
    for (var i = 0; i < nodes.length; i++) {
      renderElement(nodes[i]);
    }
  }

  /* `text` as a text node in `el`, then its maths rendered. Never innerHTML. */
  function renderText(el, text) {
    el.textContent = text || "";
    if (available()) {
      window.renderMathInElement(el, OPTIONS);
    }
  }

  window.examhallKatex = { render: render, renderText: renderText, options: OPTIONS };

  document.addEventListener("htmx:load", function (event) {
    render(event.detail && event.detail.elt ? event.detail.elt : event.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      render(document.body);
    });
  } else {
    render(document.body);
  }
})();

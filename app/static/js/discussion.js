/* The discussion panel (templates/discussion/panel.html). A refused change (not allowed, gone,
 * or the one-comment-per-10-seconds limit) comes back as the panel with its message and the
 * error status; app.js swaps only 400s in, so let the panel's own answers in too. A full error
 * page (signed out, say) still goes to app.js, which announces it.
 */
(function () {
  "use strict";

  var SWAPPED = [403, 404, 409, 429];

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var target = detail.target;
    if (!target || !target.closest || !target.closest(".discussion")) {
      return;
    }
    var text = detail.serverResponse || "";
    if (SWAPPED.indexOf(detail.xhr.status) !== -1 && !/^\s*<!doctype/i.test(text)) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });
})();

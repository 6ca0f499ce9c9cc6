// Starts ReDoc on /redoc. It lives in a file because the CSP allows no inline script.
(function () {
  "use strict";
  var root = document.getElementById("redoc");
  if (!root || !window.Redoc) {
    return;
  }
  window.Redoc.init(root.dataset.specUrl, { scrollYOffset: ".api-docs-nav" }, root);
})();

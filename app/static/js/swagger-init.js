// Starts Swagger UI on /docs. It lives in a file because the CSP allows no inline script.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrf = document.querySelector('meta[name="csrf-token"]');
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No badge fetched from the public validator: nothing leaves this site.
    validatorUrl: null,
    // "Try it out" with the session cookie is a cookie-authenticated request, so state changes
    // carry the CSRF token like any page's (docs/api-notes.md, "CSRF").
    requestInterceptor: function (req) {
      if (csrf && req.method && !/^(GET|HEAD|OPTIONS)$/i.test(req.method)) {
        req.headers["X-CSRFToken"] = csrf.content;
      }
      return req;
    },
  });
})();

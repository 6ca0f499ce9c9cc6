/* Examhall page glue, loaded on every page after htmx (both deferred, so this runs before
 * DOMContentLoaded and before htmx reads its configuration).
 *
 * The Content-Security-Policy is script-src 'self': no inline scripts and no eval. htmx is told
 * not to evaluate code (hx-on, js: values and event filters are therefore unavailable; use
 * listeners in a static file instead) and not to inject its inline indicator <style> (app.css
 * carries those rules). hx-confirm keeps htmx's default: the browser's own confirm dialog.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function statusRegion() {
    return document.getElementById("request-status");
  }

  /* Say something to the user in the page's live region (screen readers announce it). */
  function announce(message, kind) {
    var region = statusRegion();
    if (!region) {
      return;
    }
    region.textContent = "";
    if (!message) {
      return;
    }
    var p = document.createElement("p");
    p.className = "flash flash-" + (kind || "info");
    p.textContent = message;
    region.appendChild(p);
  }

  /* fetch() for later pages: same-origin, session cookie, CSRF header, JSON in and out.
   * Resolves with the parsed body; rejects with an Error carrying .status and .body. */
  function api(url, options) {
    var opts = Object.assign({ method: "GET" }, options || {});
    var headers = new Headers(opts.headers || {});
    headers.set("Accept", "application/json");
    headers.set("X-CSRFToken", csrfToken());
    if (opts.json !== undefined) {
      headers.set("Content-Type", "application/json");
      opts.body = JSON.stringify(opts.json);
      delete opts.json;
    }
    opts.headers = headers;
    opts.credentials = "same-origin";
    return fetch(url, opts).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var body = type.indexOf("application/json") !== -1 ? response.json() : response.text();
      return body.then(function (data) {
        if (!response.ok) {
          var message = (data && (data.message || data.error || data.detail)) || response.statusText;
          var err = new Error(typeof message === "string" ? message : "Request failed");
          err.status = response.status;
          err.body = data;
          throw err;
        }
        return data;
      });
    });
  }

  window.examhall = { api: api, csrfToken: csrfToken, announce: announce };

  /* The preference is applied at once after the preferences form is saved. */
  function applyTheme(theme) {
    var root = document.documentElement;
    var scheme = document.querySelector('meta[name="color-scheme"]');
    if (theme === "light" || theme === "dark") {
      root.setAttribute("data-theme", theme);
    } else if (theme) {
      root.removeAttribute("data-theme");
    }
    if (scheme && theme) {
      scheme.setAttribute("content", theme === "auto" ? "light dark" : theme);
    }
  }

  if (!window.htmx) {
    return; // htmx failed to load: plain forms still work.
  }
  var htmx = window.htmx;

  htmx.config.allowEval = false;
  htmx.config.allowScriptTags = false;
  htmx.config.includeIndicatorStyles = false;
  htmx.config.selfRequestsOnly = true;
  htmx.config.historyCacheSize = 0; // pages hold personal data; do not keep copies in localStorage
  // Validation errors come back as 400 (or 422) with the re-rendered form: swap those in. Other
  // errors are not swapped; the handler below reports them.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "^(400|422)$", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false },
  ];

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  document.addEventListener("htmx:beforeRequest", function () {
    announce("");
  });

  /* A full HTML document (an error page) never belongs inside a page region. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var text = detail.serverResponse || "";
    if (detail.xhr.status >= 400 && /^\s*<!doctype/i.test(text)) {
      detail.shouldSwap = false;
      reportError(detail.xhr.status, text);
    }
  });

  function reportError(status, text) {
    var message = "";
    if (text) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var node = doc.querySelector("[data-error-message]");
      message = node ? node.textContent.trim() : "";
    }
    if (status === 401) {
      message = "You are signed out. Reload the page to sign in again.";
    } else if (status === 403 && !message) {
      message = "You do not have permission to do that.";
    } else if (!message) {
      message = "Something went wrong (" + status + "). Please try again.";
    }
    announce(message, "error");
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    reportError(xhr.status, xhr.responseText);
  });

  document.addEventListener("htmx:sendError", function () {
    announce("Could not reach the server. Check your connection and try again.", "error");
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    // After an outerHTML swap the old element is detached; its replacement keeps the id.
    if (target && !target.isConnected && target.id) {
      target = document.getElementById(target.id);
    }
    if (!target || !target.querySelector) {
      return;
    }
    var themed = target.matches("[data-applied-theme]") ? target : target.querySelector("[data-applied-theme]");
    if (themed) {
      applyTheme(themed.getAttribute("data-applied-theme"));
    }
    // After a swap, keyboard and screen-reader users land on the first invalid field, or on
    // the confirmation message.
    var invalid = target.querySelector('[aria-invalid="true"]');
    var focusable = invalid || target.querySelector("[data-focus-after-swap]");
    if (focusable) {
      if (!invalid && !focusable.hasAttribute("tabindex")) {
        focusable.setAttribute("tabindex", "-1");
      }
      focusable.focus();
    }
  });
})();

/* Exam authoring pages: small enhancements; every form works without them.
 *
 * - The result delay field shows only when the result mode is "delayed".
 * - The delete button stays disabled until the exam's name is typed exactly (the server checks
 *   the typed name too).
 * - A form marked data-reset-on-success is cleared after htmx reports success (the new
 *   category form, which lives outside the panel it updates).
 *
 * Listeners are delegated from the document, so panels swapped in by htmx need no set-up.
 */
(function () {
  "use strict";

  function syncResultDelay(root) {
    (root || document).querySelectorAll("[data-result-mode]").forEach(function (select) {
      var form = select.form;
      if (!form) {
        return;
      }
      form.querySelectorAll("[data-shows-for-result-mode]").forEach(function (box) {
        box.hidden = box.getAttribute("data-shows-for-result-mode") !== select.value;
      });
    });
  }

  function syncDeleteButton(form) {
    var expected = form.getAttribute("data-confirm-name");
    var input = form.querySelector('input[name="confirm_name"]');
    var button = form.querySelector('button[type="submit"]');
    if (input && button) {
      button.disabled = input.value.trim() !== expected;
    }
  }

  function syncAll(root) {
    syncResultDelay(root);
    (root || document).querySelectorAll("form[data-confirm-name]").forEach(syncDeleteButton);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-result-mode]")) {
      syncResultDelay(event.target.form);
    }
  });

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-confirm-name")) {
      syncDeleteButton(form);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.successful && elt && elt.matches && elt.matches("form[data-reset-on-success]")) {
      elt.reset();
    }
  });

  // htmx:load fires for every element htmx puts in the page, before it settles.
  document.addEventListener("htmx:load", function () {
    syncAll(document);
  });

  document.addEventListener("DOMContentLoaded", function () {
    syncAll(document);
  });
})();

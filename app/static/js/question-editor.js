/* Question pages: the editor's type switch, option rows and live preview, and the question
 * list's bulk selection. Plain listeners on document (CSP script-src 'self', htmx allowEval off:
 * no inline script, no hx-on), so forms that htmx swaps in need no re-wiring.
 *
 * The forms work without this file: the server renders the inputs for the saved type, and
 * validates everything again.
 */
(function () {
  "use strict";

  var LETTERS = "ABCDEFGH";
  var MIN_OPTIONS = 2;
  var PREVIEW_DELAY = 150;

  function editorOf(node) {
    return node && node.closest ? node.closest("[data-question-editor]") : null;
  }

  function currentType(editor) {
    var checked = editor.querySelector("[data-question-type]:checked");
    return checked ? checked.value : "MCQ";
  }

  function rows(editor) {
    return Array.prototype.slice.call(editor.querySelectorAll("[data-option-row]"));
  }

  /* Type switch ------------------------------------------------------------------------------ */

  function applyType(editor) {
    var type = currentType(editor);
    var options = editor.querySelector("[data-options-section]");
    var numeric = editor.querySelector("[data-numeric-section]");
    var isNumeric = type === "NUMERIC";
    // A hidden section is also disabled: its inputs leave the tab order and the submitted form,
    // and keep their values for when the author switches back.
    if (options) {
      options.hidden = isNumeric;
      options.disabled = isNumeric;
    }
    if (numeric) {
      numeric.hidden = !isNumeric;
      numeric.disabled = !isNumeric;
    }
    var markerType = type === "MSQ" ? "checkbox" : "radio";
    var markers = Array.prototype.slice.call(editor.querySelectorAll("[data-correct]"));
    if (markers.length && markers[0].type !== markerType) {
      // Read the ticks first: a checked radio joining the group would untick the others.
      var ticked = markers.map(function (marker) {
        return marker.checked;
      });
      var seen = false;
      markers.forEach(function (marker) {
        marker.checked = false;
        marker.type = markerType;
      });
      markers.forEach(function (marker, i) {
        // One correct answer for MCQ: the first one ticked under MSQ stays ticked.
        marker.checked = ticked[i] && !(markerType === "radio" && seen);
        seen = seen || ticked[i];
      });
    }
    editor.querySelectorAll("[data-type-hint]").forEach(function (hint) {
      hint.hidden = hint.getAttribute("data-type-hint") !== type;
    });
    schedulePreview(editor, 0);
  }

  /* Option rows ------------------------------------------------------------------------------ */

  function relabel(editor) {
    var all = rows(editor);
    all.forEach(function (row, i) {
      var letter = LETTERS.charAt(i);
      var lower = letter.toLowerCase();
      row.setAttribute("data-letter", letter);
      var badge = row.querySelector("[data-option-letter]");
      if (badge) {
        badge.textContent = letter;
      }
      var label = row.querySelector("[data-option-label]");
      var text = row.querySelector("[data-option-text]");
      if (text) {
        text.id = "f-option_" + lower;
        text.name = "option_" + lower;
      }
      if (label) {
        label.setAttribute("for", "f-option_" + lower);
        label.textContent = "Option " + letter;
      }
      var marker = row.querySelector("[data-correct]");
      if (marker) {
        marker.value = letter;
        marker.id = "f-correct_" + lower;
      }
      var markerLabel = row.querySelector("[data-correct-label]");
      if (markerLabel) {
        markerLabel.setAttribute("for", "f-correct_" + lower);
        var sr = markerLabel.querySelector(".visually-hidden");
        if (sr) {
          sr.textContent = " (option " + letter + ")";
        }
      }
      var remove = row.querySelector("[data-remove-option]");
      if (remove) {
        remove.setAttribute("aria-label", "Remove option " + letter);
        remove.disabled = all.length <= MIN_OPTIONS;
      }
    });
    var add = editor.querySelector("[data-add-option]");
    if (add) {
      add.disabled = all.length >= LETTERS.length;
    }
    var count = editor.querySelector("[data-option-count]");
    if (count) {
      count.textContent = all.length + " of " + LETTERS.length + " options";
    }
  }

  function addOption(editor) {
    var all = rows(editor);
    if (all.length >= LETTERS.length || all.length === 0) {
      return;
    }
    var template = all[all.length - 1];
    var row = template.cloneNode(true);
    row.querySelectorAll("[data-option-text]").forEach(function (el) {
      el.value = "";
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    row.querySelectorAll(".field-error").forEach(function (el) {
      el.remove();
    });
    row.querySelectorAll("[data-correct]").forEach(function (el) {
      el.checked = false;
    });
    template.parentNode.appendChild(row);
    relabel(editor);
    var input = row.querySelector("[data-option-text]");
    if (input) {
      input.focus();
    }
    announce("Option " + row.getAttribute("data-letter") + " added.");
    schedulePreview(editor, 0);
  }

  function removeOption(editor, row) {
    var all = rows(editor);
    if (all.length <= MIN_OPTIONS) {
      return;
    }
    var index = all.indexOf(row);
    var letter = row.getAttribute("data-letter");
    row.remove();
    relabel(editor);
    var rest = rows(editor);
    var next = rest[Math.min(index, rest.length - 1)];
    var focus = next && next.querySelector("[data-option-text]");
    if (focus) {
      focus.focus();
    }
    announce("Option " + letter + " removed; the options after it moved up a letter.");
    schedulePreview(editor, 0);
  }

  function announce(message) {
    if (window.examhall && window.examhall.announce) {
      window.examhall.announce(message, "info");
    }
  }

  /* Live preview ----------------------------------------------------------------------------- */

  var timers = new WeakMap();

  function schedulePreview(editor, delay) {
    clearTimeout(timers.get(editor));
    timers.set(
      editor,
      setTimeout(function () {
        renderPreview(editor);
      }, delay === undefined ? PREVIEW_DELAY : delay)
    );
  }

  function setText(el, text) {
    if (window.examhallKatex) {
      window.examhallKatex.renderText(el, text);
    } else {
      el.textContent = text;
    }
  }

  function valueOf(editor, selector) {
    var el = editor.querySelector(selector);
    return el ? el.value.trim() : "";
  }

  function renderPreview(editor) {
    var preview = editor.querySelector("[data-preview]");
    if (!preview) {
      return;
    }
    var type = currentType(editor);
    var text = valueOf(editor, "[data-preview-source=text]");
    var textOut = preview.querySelector("[data-preview-text]");
    if (textOut) {
      if (text) {
        setText(textOut, text);
        textOut.classList.remove("muted");
      } else {
        textOut.textContent = "The question text appears here as students will see it.";
        textOut.classList.add("muted");
      }
    }
    var list = preview.querySelector("[data-preview-options]");
    if (list) {
      list.textContent = "";
      list.hidden = type === "NUMERIC";
      if (type !== "NUMERIC") {
        rows(editor).forEach(function (row) {
          var input = row.querySelector("[data-option-text]");
          var marker = row.querySelector("[data-correct]");
          var li = document.createElement("li");
          var letter = document.createElement("span");
          letter.className = "option-letter";
          letter.textContent = row.getAttribute("data-letter");
          var body = document.createElement("span");
          body.className = "option-body";
          setText(body, input ? input.value.trim() : "");
          li.appendChild(letter);
          li.appendChild(body);
          if (marker && marker.checked) {
            li.className = "correct";
            var tag = document.createElement("span");
            tag.className = "badge badge-ok";
            tag.textContent = "correct";
            li.appendChild(tag);
          }
          list.appendChild(li);
        });
      }
    }
    var answer = preview.querySelector("[data-preview-answer]");
    if (answer) {
      answer.hidden = type !== "NUMERIC";
      var value = valueOf(editor, "[data-numeric-value]");
      var tolerance = valueOf(editor, "[data-numeric-tolerance]");
      answer.textContent =
        "Answer: " + (value || "—") + (tolerance && Number(tolerance) !== 0 ? " ± " + tolerance : "");
    }
    var explanation = preview.querySelector("[data-preview-explanation]");
    if (explanation) {
      var expl = valueOf(editor, "[data-preview-source=explanation]");
      explanation.parentNode.hidden = !expl;
      setText(explanation, expl);
    }
  }

  /* Wiring ----------------------------------------------------------------------------------- */

  function init(root) {
    var editors = [];
    if (root.matches && root.matches("[data-question-editor]")) {
      editors.push(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("[data-question-editor]").forEach(function (el) {
        editors.push(el);
      });
      root.querySelectorAll("[data-bulk-form]").forEach(updateBulk);
    }
    editors.forEach(function (editor) {
      editor.classList.add("js-ready");
      relabel(editor);
      applyType(editor);
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var editor = editorOf(target);
    if (editor && target.matches("[data-question-type]")) {
      applyType(editor);
    } else if (editor) {
      schedulePreview(editor);
    }
    if (target.matches("[data-select-all]")) {
      selectAll(target);
    } else if (target.matches("[data-bulk-item]") || target.matches("[data-select-all]")) {
      updateBulk(document.getElementById(target.getAttribute("form")));
    }
  });

  document.addEventListener("input", function (event) {
    var editor = editorOf(event.target);
    if (editor) {
      schedulePreview(editor);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button") : null;
    if (!button) {
      return;
    }
    var editor = editorOf(button);
    if (editor && button.matches("[data-add-option]")) {
      event.preventDefault();
      addOption(editor);
    } else if (editor && button.matches("[data-remove-option]")) {
      event.preventDefault();
      removeOption(editor, button.closest("[data-option-row]"));
    }
  });

  /* Question list: select all, and a confirmation that says how many ---------------------- */

  function bulkItems(form) {
    if (!form || !form.id) {
      return [];
    }
    return Array.prototype.slice.call(
      document.querySelectorAll('[data-bulk-item][form="' + form.id + '"]')
    );
  }

  function selectAll(box) {
    var form = document.getElementById(box.getAttribute("data-select-all"));
    bulkItems(form).forEach(function (item) {
      item.checked = box.checked;
    });
    updateBulk(form);
  }

  function selectedCount(form) {
    return bulkItems(form).filter(function (item) {
      return item.checked;
    }).length;
  }

  function updateBulk(form) {
    if (!form || !form.matches || !form.matches("[data-bulk-form]")) {
      return;
    }
    var items = bulkItems(form);
    var n = selectedCount(form);
    var label = form.querySelector("[data-bulk-count]");
    if (label) {
      label.textContent = n === 0 ? "No questions selected" : n + " selected";
    }
    var submit = form.querySelector("[data-bulk-submit]");
    if (submit) {
      submit.disabled = n === 0;
    }
    var all = document.querySelector('[data-select-all="' + form.id + '"]');
    if (all) {
      all.checked = items.length > 0 && n === items.length;
      all.indeterminate = n > 0 && n < items.length;
    }
  }

  // htmx asks before a request with hx-confirm; the bulk form's question names the count.
  document.addEventListener("htmx:confirm", function (event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("[data-bulk-form]")) {
      return;
    }
    event.preventDefault();
    var n = selectedCount(form);
    if (n === 0) {
      announce("Select at least one question first.");
      return;
    }
    var noun = n === 1 ? "question" : "questions";
    if (window.confirm("Delete " + n + " selected " + noun + "? This cannot be undone.")) {
      event.detail.issueRequest(true);
    }
  });

  document.addEventListener("htmx:load", function (event) {
    init(event.detail && event.detail.elt ? event.detail.elt : event.target);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      init(document.body);
    });
  } else {
    init(document.body);
  }
})();

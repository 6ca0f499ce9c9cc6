/* The study assistant page: sends the question with fetch and shows the answer as it streams.
 *
 * POST data-stream-url with {"message"} answers server-sent events: `start` (questions left),
 * `delta` (text as the model writes it), then `done` (the whole answer as HTML that the server
 * rendered from Markdown and sanitised with nh3) or `error`. While streaming, the text goes in
 * with textContent, so nothing the model writes is ever parsed as HTML here; only the server's
 * sanitised HTML is, at the end. A refusal before streaming (too short, daily limit, no AI key)
 * comes back as a JSON error with its status.
 *
 * Without JavaScript the form posts to /assistant and the page reloads with the answer.
 */
(function () {
  "use strict";

  var form = document.getElementById("assistant-form");
  if (!form || !window.fetch || !window.TextDecoder) {
    return;
  }
  var textarea = document.getElementById("assistant-message");
  var send = document.getElementById("assistant-send");
  var log = document.getElementById("assistant-log");
  var remaining = document.getElementById("assistant-remaining");
  var busy = false;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function setRemaining(n) {
    if (typeof n === "number" && remaining) {
      remaining.textContent = String(n);
    }
  }

  function turn(kind) {
    var li = document.createElement("li");
    li.className = "turn turn-" + kind;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = kind === "user" ? "You asked:" : "Assistant:";
    li.appendChild(hidden);
    li.setAttribute("data-testid", kind === "user" ? "assistant-question" : "assistant-answer");
    log.appendChild(li);
    var empty = document.getElementById("assistant-empty");
    if (empty) {
      empty.remove();
    }
    return li;
  }

  function showError(li, body, message) {
    body.classList.remove("streaming");
    body.textContent = message || "Something went wrong. Please try again.";
    li.classList.add("turn-error");
    li.setAttribute("role", "alert");
  }

  function finish(li, body, data) {
    body.classList.remove("streaming");
    body.innerHTML = data.html; // rendered and sanitised by the server (nh3)
    body.setAttribute("data-katex", "");
    if (window.examhallKatex) {
      window.examhallKatex.render(body);
    }
    li.removeAttribute("aria-busy");
    setRemaining(data.questions_remaining);
    if (data.questions_remaining === 0) {
      textarea.disabled = true;
      send.disabled = true;
    }
  }

  /* Parse "event: x\ndata: {...}" blocks out of the stream and hand each to onEvent. */
  function readEvents(response, onEvent) {
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var buffer = "";
    function pump() {
      return reader.read().then(function (step) {
        buffer += decoder.decode(step.value || new Uint8Array(), { stream: !step.done });
        var cut;
        while ((cut = buffer.indexOf("\n\n")) !== -1) {
          var block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          var event = "message";
          var data = "";
          block.split("\n").forEach(function (line) {
            if (line.indexOf("event: ") === 0) {
              event = line.slice(7);
            } else if (line.indexOf("data: ") === 0) {
              data += line.slice(6);
            }
          });
          if (data) {
            onEvent(event, JSON.parse(data));
          }
        }
        if (!step.done) {
          return pump();
        }
      });
    }
    return pump();
  }

  function ask(message) {
    busy = true;
    send.disabled = true;
    send.setAttribute("aria-busy", "true");
    var question = turn("user");
    var p = document.createElement("p");
    p.className = "turn-text";
    p.textContent = message;
    question.appendChild(p);
    var answer = turn("assistant");
    answer.setAttribute("aria-busy", "true");
    var body = document.createElement("div");
    body.className = "answer streaming";
    body.setAttribute("aria-live", "polite");
    body.textContent = "Thinking…";
    answer.appendChild(body);
    answer.scrollIntoView({ block: "nearest" });
    var started = false;

    return fetch(form.getAttribute("data-stream-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "text/event-stream",
        "X-CSRFToken": csrf(),
      },
      body: JSON.stringify({ message: message }),
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("text/event-stream") === -1) {
          return response
            .json()
            .catch(function () {
              return {};
            })
            .then(function (data) {
              showError(answer, body, data.message);
              if (data.limit_reached) {
                setRemaining(0);
                textarea.disabled = true;
              }
            });
        }
        textarea.value = "";
        return readEvents(response, function (event, data) {
          if (event === "start") {
            setRemaining(data.questions_remaining);
          } else if (event === "delta") {
            if (!started) {
              body.textContent = "";
              started = true;
            }
            body.appendChild(document.createTextNode(data.text));
          } else if (event === "done") {
            finish(answer, body, data);
          } else if (event === "error") {
            showError(answer, body, data.message);
            setRemaining(data.questions_remaining);
          }
        });
      })
      .catch(function () {
        showError(answer, body, "The connection was lost. Please try again.");
      })
      .then(function () {
        busy = false;
        send.removeAttribute("aria-busy");
        answer.removeAttribute("aria-busy");
        if (!textarea.disabled) {
          send.disabled = false;
          textarea.focus();
        }
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var message = textarea.value.trim();
    if (busy || !message) {
      return;
    }
    ask(message);
  });

  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();

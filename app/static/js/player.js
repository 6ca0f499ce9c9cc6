/* The exam player: navigation, the palette, autosave, offline replay, the timer and submission.
 *
 * The server owns the clock and the answers. This file keeps the student's answers in memory and
 * in localStorage, and sends the whole set to /api/sync-exam-answers on every change. Each send
 * carries a sequence number: the moment of the change on the server's clock, in milliseconds
 * (and always above the last one), so the server keeps the newest change whichever window or
 * device made it, and a retried or late send changes nothing. Sends that cannot reach the server
 * wait in a queue in localStorage and are replayed in order when the connection returns (or
 * after a reload). Every 30 s unsent answers are sent again and the attempt's status is read:
 * the deadline (a teacher may add time), and whether another window saved newer answers, in
 * which case this page reloads to show them. The timer counts down to the server's deadline,
 * corrected by the server's clock.
 *
 * No inline script (CSP): the page hands over its state in <script type="application/json">.
 */
(function () {
  "use strict";

  var stateNode = document.getElementById("player-state");
  var root = document.getElementById("player");
  if (!stateNode || !root) {
    return;
  }
  var S = JSON.parse(stateNode.textContent);
  var offset = Date.parse(S.serverNow) - Date.now(); // server clock minus this device's
  var deadline = Date.parse(S.deadline);
  var STORE = "examhall:attempt:" + S.attemptId + ":";
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$/;
  var MAX_QUEUE = 200;

  var questions = Array.prototype.slice.call(root.querySelectorAll("section.question"));
  var paletteItems = Array.prototype.slice.call(root.querySelectorAll(".palette-item"));
  var statusNode = document.getElementById("save-status");
  var timerNode = document.getElementById("timer");
  var warningNode = document.getElementById("time-warning");
  var dialog = document.getElementById("submit-dialog");

  /* ---- local storage, tolerant of private mode and full disks ---- */
  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(STORE + key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }
  function save(key, value) {
    try {
      window.localStorage.setItem(STORE + key, JSON.stringify(value));
    } catch (e) {
      /* storage unavailable: the server copy still holds every acknowledged answer */
    }
  }
  function forgetAll() {
    ["state", "queue", "visited"].forEach(function (key) {
      try {
        window.localStorage.removeItem(STORE + key);
      } catch (e) {
        /* nothing to clean */
      }
    });
  }

  /* ---- the answers ---- */
  var answers = S.answers || {};
  var marked = {};
  (S.marked || []).forEach(function (id) {
    marked[String(id)] = true;
  });
  var seq = S.seq || 0;
  var queue = load("queue", []).filter(function (entry) {
    return entry.seq > S.seq;
  });
  var local = load("state", null);
  if (local && local.seq > seq) {
    // Answers given on this device that the server has not acknowledged (offline, or the page
    // was closed mid-send): they win over the server's older copy and are sent again.
    answers = local.answers || {};
    marked = {};
    (local.marked || []).forEach(function (id) {
      marked[String(id)] = true;
    });
    seq = local.seq;
    if (!queue.length || queue[queue.length - 1].seq < local.seq) {
      queue.push({ seq: local.seq, answers: local.answers, markedForReview: local.marked || [] });
    }
  }
  var visited = {};
  load("visited", []).forEach(function (n) {
    visited[n] = true;
  });

  function markedList() {
    return Object.keys(marked)
      .filter(function (k) {
        return marked[k];
      })
      .map(Number);
  }

  function isAnswered(qid) {
    var value = answers[qid];
    if (value === undefined || value === null) {
      return false;
    }
    return Array.isArray(value) ? value.length > 0 : String(value).trim() !== "";
  }

  /* ---- showing the saved state in the form ---- */
  function applyAnswersToForm() {
    questions.forEach(function (section) {
      var qid = section.getAttribute("data-qid");
      var value = answers[qid];
      var inputs = section.querySelectorAll("input[data-answer]");
      Array.prototype.forEach.call(inputs, function (input) {
        if (input.type === "radio" || input.type === "checkbox") {
          var chosen = Array.isArray(value) ? value : value ? [value] : [];
          input.checked = chosen.indexOf(input.value) !== -1;
        } else {
          input.value = value || "";
        }
      });
      var mark = section.querySelector('[data-action="mark"]');
      if (mark) {
        mark.setAttribute("aria-pressed", marked[qid] ? "true" : "false");
      }
    });
  }

  function readQuestion(section) {
    var qid = section.getAttribute("data-qid");
    var type = section.getAttribute("data-type");
    if (type === "NUMERIC") {
      var input = section.querySelector("input[data-answer]");
      var text = input.value.trim();
      var hint = section.querySelector(".hint");
      if (text === "" || (text.length <= 40 && NUMBER.test(text))) {
        input.removeAttribute("aria-invalid");
        hint.textContent = "A number, such as 42.5, -3 or 6.02e23.";
        if (text === "") {
          delete answers[qid];
        } else {
          answers[qid] = text;
        }
        return true;
      }
      input.setAttribute("aria-invalid", "true");
      hint.textContent = "That is not a number yet, so it is not saved. Your last number is kept.";
      return false;
    }
    var checked = Array.prototype.slice
      .call(section.querySelectorAll("input[data-answer]:checked"))
      .map(function (input) {
        return input.value;
      });
    if (!checked.length) {
      delete answers[qid];
    } else if (type === "MCQ") {
      answers[qid] = checked[0];
    } else {
      answers[qid] = checked.sort();
    }
    return true;
  }

  /* ---- saving ---- */
  var inflight = false;
  var retryTimer = null;
  var retryDelay = 2000;
  var closed = false;

  function setStatus(state, text) {
    statusNode.setAttribute("data-state", state);
    statusNode.textContent = text;
  }

  function clock(date) {
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function remember() {
    save("state", { seq: seq, answers: answers, marked: markedList() });
    save("queue", queue);
  }

  function nextSeq() {
    // Tabs of this browser share localStorage: a change here must outrank one just made there.
    var shared = load("state", null);
    var floor = shared && shared.seq ? shared.seq : 0;
    seq = Math.max(seq + 1, floor + 1, Math.floor(Date.now() + offset));
    return seq;
  }

  function snapshot() {
    if (closed) {
      return;
    }
    nextSeq();
    queue.push({ seq: seq, answers: JSON.parse(JSON.stringify(answers)), markedForReview: markedList() });
    if (queue.length > MAX_QUEUE) {
      // Each entry is the whole answer set, so the newest ones carry everything.
      queue = queue.slice(queue.length - MAX_QUEUE);
    }
    remember();
    refreshPalette();
    flush();
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response
        .json()
        .catch(function () {
          return {};
        })
        .then(function (data) {
          return { status: response.status, data: data };
        });
    });
  }

  function scheduleRetry() {
    if (retryTimer || closed) {
      return;
    }
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  function offline(text) {
    setStatus("offline", text || "Offline: your answers are kept on this device and will be sent when the connection returns.");
    scheduleRetry();
  }

  function newerElsewhere() {
    // Another window or device saved a later change: show the server's answers rather than
    // keep editing an older copy of them.
    closed = true;
    queue = [];
    save("queue", queue);
    try {
      window.localStorage.removeItem(STORE + "state");
    } catch (e) {
      /* nothing to clean */
    }
    setStatus("saving", "Your answers were changed in another window; loading the latest…");
    window.setTimeout(function () {
      window.location.reload();
    }, 1500);
  }

  function acknowledge(data, entry) {
    var acked = data.seq || 0;
    if (data.saved === false && entry && acked > entry.seq) {
      newerElsewhere();
      return;
    }
    if (acked > seq) {
      seq = acked;
    }
    queue = queue.filter(function (item) {
      return item.seq > acked;
    });
    remember();
    if (data.server_time) {
      syncClock(data.server_time, data.deadline_at);
    }
    if (!queue.length) {
      var at = data.saved_at ? new Date(data.saved_at + "Z") : new Date();
      setStatus("saved", "Saved at " + clock(at));
    }
  }

  function flush() {
    // While submitting, the submission carries the answers itself; a sync sent after it would
    // only meet a closed attempt.
    if (inflight || closed || submitting || !queue.length) {
      return;
    }
    if (navigator.onLine === false) {
      offline();
      return;
    }
    inflight = true;
    var entry = queue[0];
    setStatus("saving", "Saving…");
    post(S.syncUrl, entry)
      .then(function (res) {
        inflight = false;
        if (res.status === 200) {
          retryDelay = 2000;
          acknowledge(res.data, entry);
          flush();
        } else if (res.status === 409) {
          ended(res.data.message || "This attempt is over.");
        } else if (res.status === 401) {
          offline("You are signed out. Sign in again in another tab: your answers are kept on this device until then.");
        } else if (res.status === 400) {
          // The server refused this set (it should not happen): drop it, keep going with newer ones.
          queue = queue.filter(function (e) {
            return e.seq !== entry.seq;
          });
          remember();
          setStatus("error", "An answer could not be saved: " + (res.data.message || "it was refused") + ".");
          flush();
        } else {
          offline("The server is busy; your answers are kept on this device and will be sent again shortly.");
        }
      })
      .catch(function () {
        inflight = false;
        offline();
      });
  }

  window.addEventListener("online", function () {
    retryDelay = 2000;
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    flush();
  });
  window.addEventListener("offline", function () {
    offline();
  });
  window.addEventListener("beforeunload", function (event) {
    if (queue.length && !closed) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  /* ---- the attempt ends ---- */
  function ended(message) {
    closed = true;
    forgetAll();
    setStatus("closed", message);
    warningNode.textContent = message + " Taking you to the exam page…";
    window.setTimeout(function () {
      window.location.assign(S.examUrl);
    }, 3000);
  }

  var submitting = false;
  function submit(auto) {
    if (submitting) {
      return;
    }
    submitting = true;
    if (dialog.open) {
      dialog.close();
    }
    whenIdle(function () {
      sendSubmit(auto);
    });
  }

  // A sync already on its way is let finish first, so it never lands after the submission.
  function whenIdle(fn) {
    if (!inflight) {
      fn();
    } else {
      window.setTimeout(function () {
        whenIdle(fn);
      }, 50);
    }
  }

  function sendSubmit(auto) {
    var body = { answers: answers, markedForReview: markedList(), seq: nextSeq() };
    queue.push({ seq: seq, answers: JSON.parse(JSON.stringify(answers)), markedForReview: body.markedForReview });
    remember();
    setStatus("saving", auto ? "Time is up: submitting your answers…" : "Submitting…");
    root.setAttribute("aria-busy", "true");
    post(S.submitUrl, body)
      .then(function (res) {
        if (res.status === 200 && res.data.redirect_url) {
          closed = true;
          forgetAll();
          window.location.assign(res.data.redirect_url);
          return;
        }
        submitting = false;
        root.removeAttribute("aria-busy");
        if (res.status >= 500 || res.status === 0) {
          retrySubmit(auto);
        } else {
          setStatus("error", res.data.message || "Could not submit (" + res.status + ").");
        }
      })
      .catch(function () {
        submitting = false;
        root.removeAttribute("aria-busy");
        retrySubmit(auto);
      });
  }

  function retrySubmit(auto) {
    setStatus(
      "offline",
      "Could not reach the server to submit. Your answers are kept on this device; trying again…"
    );
    window.setTimeout(function () {
      submit(auto);
    }, 5000);
  }

  /* ---- the timer ---- */
  var warned = {};

  function syncClock(serverTime, deadlineAt) {
    // server_time is whole seconds: it only corrects a clock that is out by more than that.
    var server = Date.parse(serverTime + "Z");
    if (!isNaN(server)) {
      var measured = server - Date.now();
      if (measured > offset || measured < offset - 1000) {
        offset = measured + (measured < offset - 1000 ? 500 : 0);
      }
    }
    if (deadlineAt) {
      var next = Date.parse(deadlineAt + "Z");
      if (!isNaN(next)) {
        deadline = next;
      }
    }
  }

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)) + ":" + String(s).padStart(2, "0");
    return h ? h + ":" + mm : mm;
  }

  function tick() {
    var left = Math.max(0, Math.floor((deadline - (Date.now() + offset)) / 1000));
    timerNode.textContent = format(left);
    S.warnings.forEach(function (at) {
      if (left <= at && left > 0 && !warned[at]) {
        warned[at] = true;
        var minutes = Math.round(at / 60);
        warningNode.textContent =
          minutes + (minutes === 1 ? " minute" : " minutes") + " left. Your answers are saved as you go.";
        root.setAttribute("data-warning", String(at));
      }
    });
    if (left <= 0 && !closed && !submitting) {
      warningNode.textContent = "Time is up. Your answers are being submitted.";
      submit(true);
    }
  }

  /* ---- moving around ---- */
  var current = 1;

  function refreshPalette() {
    var counts = { answered: 0, marked: 0, skipped: 0, unvisited: 0 };
    paletteItems.forEach(function (button) {
      var qid = button.getAttribute("data-qid");
      var number = Number(button.getAttribute("data-goto"));
      var answered = isAnswered(qid);
      var state = marked[qid] ? "marked" : answered ? "answered" : visited[number] ? "skipped" : "unvisited";
      counts[state] += 1;
      button.className = "palette-item state-" + state + (answered ? " is-answered" : "");
      var words = [answered ? "answered" : "not answered"];
      if (marked[qid]) {
        words.push("marked for review");
      }
      if (!visited[number] && !answered) {
        words = ["not visited"];
      }
      button.setAttribute("aria-label", "Question " + number + ": " + words.join(", "));
      if (number === current) {
        button.setAttribute("aria-current", "step");
      } else {
        button.removeAttribute("aria-current");
      }
    });
    Object.keys(counts).forEach(function (key) {
      var node = root.querySelector('[data-count="' + key + '"]');
      if (node) {
        node.textContent = counts[key];
      }
    });
  }

  function show(number, focus) {
    number = Math.max(1, Math.min(questions.length, number));
    questions.forEach(function (section) {
      section.hidden = Number(section.getAttribute("data-number")) !== number;
    });
    current = number;
    visited[number] = true;
    save("visited", Object.keys(visited).map(Number));
    var section = questions[number - 1];
    var key = section.getAttribute("data-section");
    Array.prototype.forEach.call(root.querySelectorAll(".section-tabs [data-section]"), function (tab) {
      if (tab.getAttribute("data-section") === key) {
        tab.setAttribute("aria-current", "true");
      } else {
        tab.removeAttribute("aria-current");
      }
    });
    root.querySelector('[data-action="prev"]').disabled = number === 1;
    root.querySelector('[data-action="next"]').disabled = number === questions.length;
    refreshPalette();
    if (focus) {
      var heading = section.querySelector("h2");
      if (heading) {
        heading.focus();
      }
    }
  }

  function toggleMark(section) {
    var qid = section.getAttribute("data-qid");
    marked[qid] = !marked[qid];
    section.querySelector('[data-action="mark"]').setAttribute("aria-pressed", marked[qid] ? "true" : "false");
    snapshot();
  }

  function clearAnswer(section) {
    Array.prototype.forEach.call(section.querySelectorAll("input[data-answer]"), function (input) {
      if (input.type === "radio" || input.type === "checkbox") {
        input.checked = false;
      } else {
        input.value = "";
      }
    });
    readQuestion(section);
    snapshot();
  }

  function listOf(numbers, title) {
    var box = document.createDocumentFragment();
    if (!numbers.length) {
      return box;
    }
    var p = document.createElement("p");
    p.textContent = title;
    box.appendChild(p);
    var ul = document.createElement("ul");
    ul.className = "submit-jump";
    numbers.forEach(function (n) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary outline";
      b.textContent = String(n);
      b.setAttribute("aria-label", "Go to question " + n);
      b.setAttribute("data-jump", String(n));
      li.appendChild(b);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  function openSubmit() {
    var unanswered = [];
    var flagged = [];
    questions.forEach(function (section) {
      var qid = section.getAttribute("data-qid");
      var n = Number(section.getAttribute("data-number"));
      if (!isAnswered(qid)) {
        unanswered.push(n);
      }
      if (marked[qid]) {
        flagged.push(n);
      }
    });
    var answered = questions.length - unanswered.length;
    document.getElementById("submit-summary").textContent =
      "You have answered " + answered + " of " + questions.length + " questions.";
    var un = document.getElementById("submit-unanswered");
    var mk = document.getElementById("submit-marked");
    un.textContent = "";
    mk.textContent = "";
    un.appendChild(listOf(unanswered, "Not answered (" + unanswered.length + "):"));
    mk.appendChild(listOf(flagged, "Marked for review (" + flagged.length + "):"));
    dialog.showModal();
    dialog.querySelector('[data-action="cancel-submit"]').focus();
  }

  root.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-answer]")) {
      return;
    }
    var section = input.closest("section.question");
    if (readQuestion(section)) {
      snapshot();
    }
  });

  var typing = null;
  root.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches('input[data-answer="numeric"]')) {
      return;
    }
    window.clearTimeout(typing);
    typing = window.setTimeout(function () {
      if (readQuestion(input.closest("section.question"))) {
        snapshot();
      }
    }, 600);
  });

  document.getElementById("answers").addEventListener("submit", function (event) {
    event.preventDefault(); // Enter in a number box saves, it never leaves the page
  });

  root.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) {
      return;
    }
    var action = target.getAttribute("data-action");
    var section = questions[current - 1];
    if (target.hasAttribute("data-goto")) {
      show(Number(target.getAttribute("data-goto")), true);
    } else if (target.hasAttribute("data-jump")) {
      dialog.close();
      show(Number(target.getAttribute("data-jump")), true);
    } else if (action === "prev") {
      show(current - 1, true);
    } else if (action === "next") {
      show(current + 1, true);
    } else if (action === "mark") {
      toggleMark(section);
    } else if (action === "clear") {
      clearAnswer(section);
    } else if (action === "cancel-submit") {
      dialog.close();
    } else if (action === "confirm-submit") {
      submit(false);
    } else if (target.id === "open-submit") {
      openSubmit();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || dialog.open) {
      return;
    }
    var tag = (event.target.tagName || "").toLowerCase();
    if ((tag === "input" && event.target.type === "text") || tag === "textarea") {
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "n") {
      show(current + 1, true);
    } else if (key === "p") {
      show(current - 1, true);
    } else if (key === "m") {
      toggleMark(questions[current - 1]);
    } else {
      return;
    }
    event.preventDefault();
  });

  /* ---- start ---- */
  applyAnswersToForm();
  show(1, false);
  if (queue.length) {
    setStatus("saving", "Sending answers kept on this device…");
    flush();
  } else if (S.seq) {
    setStatus("saved", "All answers saved");
  } else {
    setStatus("idle", "Answers are saved as you go");
  }
  tick();
  window.setInterval(tick, 500);
  function heartbeat() {
    if (closed || submitting) {
      return;
    }
    if (queue.length) {
      flush(); // the 30-second autosave: anything not yet acknowledged goes again
      return;
    }
    fetch(S.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (!status || closed || queue.length) {
          return;
        }
        if (!status.has_active_attempt || status.attempt_id !== S.attemptId) {
          ended("This attempt is over.");
        } else if (status.seq > seq) {
          newerElsewhere();
        } else if (status.deadline_at) {
          deadline = Date.parse(status.deadline_at + "Z");
        }
      })
      .catch(function () {
        /* offline: the next change or heartbeat tries again */
      });
  }
  window.setInterval(heartbeat, S.autosaveSeconds * 1000);
})();

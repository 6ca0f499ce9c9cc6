// The chat page: conversations, messages, requests and groups from the chat endpoints, kept live
// over the /chat Socket.IO namespace (the session cookie authenticates it). Every piece of user
// text goes into the page through textContent; links are built as elements, never as HTML.
(function () {
  "use strict";

  const root = document.getElementById("chat");
  if (!root) return;
  const me = Number(root.dataset.userId);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const $ = (id) => document.getElementById(id);
  const state = {
    conversations: [],
    current: null, // conversation object
    oldestId: null,
    loadingOlder: false,
    replyTo: null,
    typingTimers: {},
    lastTypingSent: 0,
  };

  // --- HTTP ---------------------------------------------------------------------------------
  async function api(method, path, body) {
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (method !== "GET") options.headers["X-CSRFToken"] = csrf;
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = {};
    try {
      data = await response.json();
    } catch (e) {
      data = { success: false, message: "Unexpected answer from the server" };
    }
    if (!response.ok) {
      const error = new Error(data.message || "Request failed");
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // --- rendering helpers --------------------------------------------------------------------
  const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;

  // Text with its web addresses as safe anchors; everything else stays plain text.
  function linkified(text) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(URL_RE)) {
      let url = match[0].replace(/[.,;:!?)\]]+$/, "");
      if (match.index > last) fragment.append(text.slice(last, match.index));
      const a = document.createElement("a");
      a.href = url;
      a.textContent = url;
      a.rel = "noopener nofollow ugc";
      a.target = "_blank";
      fragment.append(a);
      last = match.index + url.length;
    }
    if (last < text.length) fragment.append(text.slice(last));
    return fragment;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("data")) node.setAttribute(key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function timeLabel(iso) {
    if (!iso) return "";
    const date = new Date(iso + "Z");
    return date.toLocaleString([], { dateStyle: "short", timeStyle: "short" });
  }

  function setStatus(text) {
    $("live-status").textContent = text;
  }

  // --- conversations ------------------------------------------------------------------------
  function renderConversations() {
    const list = $("conversation-list");
    list.replaceChildren();
    let total = 0;
    for (const conv of state.conversations) {
      total += conv.unread;
      const badge = conv.unread
        ? el("span", { class: "badge", "data-testid": "unread", "aria-label": `${conv.unread} unread` }, String(conv.unread))
        : null;
      const dot = el("span", {
        class: "presence" + (conv.online ? " online" : ""),
        "aria-label": conv.online ? "online" : "offline",
        role: "img",
      });
      const last = conv.last_message ? el("span", { class: "last muted", text: conv.last_message.message }) : null;
      const button = el(
        "button",
        {
          type: "button",
          class: "conversation" + (state.current && state.current.id === conv.id ? " current" : ""),
          "aria-current": state.current && state.current.id === conv.id ? "true" : null,
          "data-testid": "conversation",
          "data-conv-id": String(conv.id),
        },
        dot,
        el("span", { class: "name", text: conv.name + (conv.is_group ? " (group)" : "") }),
        badge,
        last,
      );
      button.addEventListener("click", () => openConversation(conv.id));
      list.append(el("li", {}, button));
    }
    $("conversations-empty").hidden = state.conversations.length > 0;
    const totalBadge = $("total-unread");
    totalBadge.hidden = total === 0;
    totalBadge.textContent = total ? String(total) : "";
  }

  async function loadConversations() {
    const data = await api("GET", "/api/chat/conversations");
    state.conversations = data.conversations;
    if (state.current) {
      const still = state.conversations.find((c) => c.id === state.current.id);
      if (!still) closeConversation();
      else state.current = still;
    }
    renderConversations();
  }

  // --- messages -----------------------------------------------------------------------------
  function messageNode(msg) {
    const own = msg.sender_id === me;
    const item = el("li", {
      class: "message" + (own ? " own" : "") + (msg.is_deleted ? " deleted" : ""),
      "data-message-id": String(msg.id),
      "data-testid": "message",
    });
    const head = el(
      "div",
      { class: "message-head" },
      el("strong", { class: "sender", text: own ? "You" : msg.sender_name }),
      " ",
      el("time", { datetime: msg.created_at, class: "muted", text: timeLabel(msg.created_at) }),
    );
    if (msg.is_edited && !msg.is_deleted) head.append(" ", el("span", { class: "muted edited", text: "(edited)" }));
    item.append(head);
    if (msg.reply_to_text !== null && msg.reply_to_text !== undefined) {
      item.append(
        el("blockquote", { class: "quote", "data-testid": "quote" }, el("strong", { text: (msg.reply_to_name || "") + ": " }), msg.reply_to_text),
      );
    }
    const body = el("p", { class: "text", "data-testid": "message-text" });
    if (msg.is_deleted) body.append(el("em", { text: "This message was deleted" }));
    else body.append(linkified(msg.message));
    item.append(body);
    if (!msg.is_deleted) {
      const actions = el("div", { class: "message-actions" });
      const reply = el("button", { type: "button", class: "secondary outline small", "data-testid": "reply" }, "Reply");
      reply.addEventListener("click", () => startReply(msg));
      actions.append(reply);
      if (own) {
        const edit = el("button", { type: "button", class: "secondary outline small", "data-testid": "edit" }, "Edit");
        edit.addEventListener("click", () => startEdit(item, msg));
        const del = el("button", { type: "button", class: "secondary outline small", "data-testid": "delete" }, "Delete");
        del.addEventListener("click", () => deleteMessage(msg));
        actions.append(edit, del);
      }
      item.append(actions);
    }
    item._message = msg;
    return item;
  }

  function nearBottom() {
    const list = $("message-list");
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollToBottom() {
    const list = $("message-list");
    list.scrollTop = list.scrollHeight;
  }

  async function openConversation(convId) {
    const conv = state.conversations.find((c) => c.id === convId);
    if (!conv) return;
    state.current = conv;
    state.oldestId = null;
    cancelReply();
    $("conv-title").textContent = conv.name;
    $("unfriend").hidden = conv.is_group;
    $("chat-pane").hidden = false;
    $("chat-placeholder").hidden = true;
    root.classList.add("pane-open");
    $("typing").textContent = "";
    $("message-list").replaceChildren();
    const data = await api("GET", `/api/chat/messages/${convId}`);
    for (const msg of data.messages) $("message-list").append(messageNode(msg));
    state.oldestId = data.messages.length ? data.messages[0].id : null;
    $("load-older").hidden = data.messages.length < 40;
    scrollToBottom();
    conv.unread = 0;
    renderConversations();
    $("message-input").focus();
  }

  function closeConversation() {
    state.current = null;
    $("chat-pane").hidden = true;
    $("chat-placeholder").hidden = false;
    root.classList.remove("pane-open");
    renderConversations();
  }

  async function loadOlder() {
    if (!state.current || !state.oldestId || state.loadingOlder) return;
    state.loadingOlder = true;
    const list = $("message-list");
    const before = list.scrollHeight;
    try {
      const data = await api("GET", `/api/chat/messages/${state.current.id}?before_id=${state.oldestId}`);
      const fragment = document.createDocumentFragment();
      for (const msg of data.messages) fragment.append(messageNode(msg));
      list.prepend(fragment);
      if (data.messages.length) state.oldestId = data.messages[0].id;
      $("load-older").hidden = data.messages.length < 40;
      if (data.messages.length < 40) state.oldestId = null;
      list.scrollTop += list.scrollHeight - before; // keep what the reader was looking at
    } finally {
      state.loadingOlder = false;
    }
  }

  function findMessageNode(id) {
    return $("message-list").querySelector(`[data-message-id="${Number(id)}"]`);
  }

  function startReply(msg) {
    state.replyTo = msg;
    $("reply-preview-text").textContent = `Replying to ${msg.sender_name}: ${msg.message.slice(0, 100)}`;
    $("reply-preview").hidden = false;
    $("message-input").focus();
  }

  function cancelReply() {
    state.replyTo = null;
    $("reply-preview").hidden = true;
  }

  function startEdit(item, msg) {
    const body = item.querySelector(".text");
    const form = el("form", { class: "edit-form", "data-testid": "edit-form" });
    const label = el("label", { class: "visually-hidden", for: `edit-${msg.id}`, text: "Edit message" });
    const input = el("textarea", { id: `edit-${msg.id}`, maxlength: "1000", rows: "2", required: true, "data-testid": "edit-input" });
    input.value = msg.message;
    const save = el("button", { type: "submit", class: "small", "data-testid": "edit-save" }, "Save");
    const cancel = el("button", { type: "button", class: "secondary outline small" }, "Cancel");
    form.append(label, input, save, cancel);
    body.replaceWith(form);
    input.focus();
    const restore = () => form.replaceWith(body);
    cancel.addEventListener("click", restore);
    input.addEventListener("keydown", (e) => {
      if (e.key === "Escape") restore();
      else if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      try {
        const data = await api("PUT", `/api/chat/messages/${msg.id}/edit`, { message: input.value });
        applyEdit({ id: msg.id, message: data.message });
      } catch (err) {
        $("composer-error").textContent = err.message;
        restore();
      }
    });
  }

  function applyEdit(data) {
    const node = findMessageNode(data.id);
    if (!node) return;
    const msg = Object.assign({}, node._message, { message: data.message, is_edited: true });
    node.replaceWith(messageNode(msg));
  }

  async function deleteMessage(msg) {
    if (!window.confirm("Delete this message? Everyone in the conversation will see that it was deleted.")) return;
    try {
      await api("DELETE", `/api/chat/messages/${msg.id}`);
      applyDelete({ id: msg.id });
    } catch (err) {
      $("composer-error").textContent = err.message;
    }
  }

  function applyDelete(data) {
    const node = findMessageNode(data.id);
    if (!node) return;
    const msg = Object.assign({}, node._message, { message: "", is_deleted: true });
    node.replaceWith(messageNode(msg));
  }

  async function send(event) {
    event.preventDefault();
    if (!state.current) return;
    const input = $("message-input");
    const text = input.value;
    if (!text.trim()) return;
    $("composer-error").textContent = "";
    const body = { message: text };
    if (state.replyTo) body.reply_to_id = state.replyTo.id;
    try {
      const data = await api("POST", `/api/chat/messages/${state.current.id}`, body);
      input.value = "";
      cancelReply();
      addMessage(data.message);
      sendTyping(false);
    } catch (err) {
      $("composer-error").textContent = err.status === 429 ? "Slow down: one message every 2 seconds." : err.message;
    }
  }

  function addMessage(msg) {
    if (findMessageNode(msg.id)) return; // our own message, already shown from the response
    const stick = nearBottom() || msg.sender_id === me;
    $("message-list").append(messageNode(msg));
    if (stick) scrollToBottom();
  }

  // --- typing -------------------------------------------------------------------------------
  function sendTyping(typing) {
    if (!state.current || !socket || !socket.connected) return;
    socket.emit("typing", { conv_id: state.current.id, typing });
  }

  function onInput() {
    const now = Date.now();
    if (now - state.lastTypingSent > 2000) {
      state.lastTypingSent = now;
      sendTyping(true);
    }
  }

  function showTyping(data) {
    if (!state.current || data.conv_id !== state.current.id) return;
    const key = String(data.user_id);
    clearTimeout(state.typingTimers[key]);
    if (data.typing) {
      $("typing").textContent = `${data.name} is typing…`;
      state.typingTimers[key] = setTimeout(() => ($("typing").textContent = ""), 4000);
    } else {
      $("typing").textContent = "";
    }
  }

  // --- requests, people, groups -------------------------------------------------------------
  async function loadRequests() {
    const data = await api("GET", "/api/chat/requests/inbox");
    const list = $("request-list");
    list.replaceChildren();
    for (const req of data.requests) {
      const accept = el("button", { type: "button", class: "small", "data-testid": "accept" }, "Accept");
      const reject = el("button", { type: "button", class: "secondary outline small", "data-testid": "reject" }, "Decline");
      accept.addEventListener("click", () => answer(req.conn_id, "accept"));
      reject.addEventListener("click", () => answer(req.conn_id, "reject"));
      list.append(el("li", { "data-testid": "request" }, el("span", { text: req.from_name }), " ", accept, " ", reject));
    }
    $("requests-empty").hidden = data.requests.length > 0;
    const count = $("request-count");
    count.hidden = data.requests.length === 0;
    count.textContent = String(data.requests.length);
    if (data.requests.length) $("requests-panel").open = true;
  }

  async function answer(connId, action) {
    const data = await api("PUT", `/api/chat/request/${connId}`, { action });
    await loadRequests();
    await loadConversations();
    await loadFriends();
    if (data.conv_id) {
      if (socket && socket.connected) socket.emit("join", { conv_id: data.conv_id });
      openConversation(data.conv_id);
    }
  }

  async function searchPeople(event) {
    event.preventDefault();
    const q = $("people-query").value.trim();
    const data = await api("GET", `/api/chat/people?q=${encodeURIComponent(q)}`);
    const list = $("people-list");
    list.replaceChildren();
    if (!data.users.length) list.append(el("li", { class: "muted", text: q.length < 2 ? "Type at least 2 letters." : "Nobody found." }));
    for (const user of data.users) {
      const button = el("button", { type: "button", class: "small", "data-testid": "connect" }, "Connect");
      const note = el("span", { class: "muted", role: "status" });
      button.addEventListener("click", async () => {
        try {
          await api("POST", "/api/chat/request", { recipient_id: user.id });
          note.textContent = " Request sent.";
          button.disabled = true;
        } catch (err) {
          note.textContent = " " + err.message;
        }
      });
      list.append(el("li", {}, el("span", { text: `${user.name} (${user.username})` }), " ", button, note));
    }
  }

  async function loadFriends() {
    const data = await api("GET", "/api/chat/friends");
    const box = $("group-members");
    box.querySelectorAll(".member").forEach((n) => n.remove());
    $("group-no-friends").hidden = data.friends.length > 0;
    for (const friend of data.friends) {
      const id = `member-${friend.id}`;
      box.append(
        el("label", { class: "member", for: id }, el("input", { type: "checkbox", id, value: String(friend.id), name: "member_ids" }), " ", friend.name),
      );
    }
  }

  async function createGroup(event) {
    event.preventDefault();
    const ids = Array.from($("group-members").querySelectorAll("input:checked")).map((i) => Number(i.value));
    try {
      const data = await api("POST", "/api/chat/group", { name: $("group-name").value, member_ids: ids });
      $("group-form").reset();
      $("group-panel").open = false;
      await loadConversations();
      openConversation(data.conv_id);
    } catch (err) {
      window.alert(err.message);
    }
  }

  async function unfriend() {
    const conv = state.current;
    if (!conv || conv.is_group || !conv.member_ids.length) return;
    if (!window.confirm(`Remove ${conv.name} from your connections? Your conversation with them is deleted for both of you.`)) return;
    await api("DELETE", `/api/chat/friend/${conv.member_ids[0]}`);
    closeConversation();
    await loadConversations();
    await loadFriends();
  }

  // --- live ---------------------------------------------------------------------------------
  let socket = null;

  function connectLive() {
    if (typeof window.io !== "function") {
      setStatus("Live updates are unavailable; reload to see new messages.");
      return;
    }
    // WebSocket only: with several realtime processes behind nginx, long-polling would need
    // sticky sessions (README, deployment).
    socket = window.io("/chat", { transports: ["websocket"] });
    socket.on("connect", () => {
      setStatus("Live");
      loadConversations();
    });
    socket.on("disconnect", () => setStatus("Reconnecting…"));
    socket.on("connect_error", () => setStatus("Cannot reach the live service; retrying…"));
    socket.on("message", (msg) => {
      if (state.current && msg.conv_id === state.current.id) {
        addMessage(msg);
        if (msg.sender_id !== me) {
          socket.emit("read", { conv_id: msg.conv_id });
          const key = String(msg.sender_id);
          clearTimeout(state.typingTimers[key]);
          $("typing").textContent = "";
        }
      } else if (msg.sender_id !== me) {
        const conv = state.conversations.find((c) => c.id === msg.conv_id);
        if (conv) conv.unread += 1;
      }
      const conv = state.conversations.find((c) => c.id === msg.conv_id);
      if (conv) {
        conv.last_message = { message: msg.message, created_at: msg.created_at };
        state.conversations = [conv, ...state.conversations.filter((c) => c !== conv)];
      }
      renderConversations();
    });
    socket.on("message_edited", applyEdit);
    socket.on("message_deleted", applyDelete);
    socket.on("typing", showTyping);
    socket.on("read", (data) => {
      if (!state.current || data.conv_id !== state.current.id || data.user_id === me) return;
      const list = $("message-list");
      list.querySelectorAll(".seen").forEach((n) => n.remove());
      const own = Array.from(list.querySelectorAll(".message.own")).filter((n) => Number(n.dataset.messageId) <= data.last_read_id);
      if (own.length) own[own.length - 1].append(el("span", { class: "seen muted", "data-testid": "seen", text: "Seen" }));
    });
    socket.on("presence", (data) => {
      let changed = false;
      for (const conv of state.conversations) {
        if (conv.member_ids.includes(data.user_id) && !conv.is_group) {
          conv.online = data.online;
          changed = true;
        }
      }
      if (changed) renderConversations();
    });
    socket.on("conversation", async (data) => {
      socket.emit("join", { conv_id: data.conv_id });
      await loadConversations();
      await loadFriends();
    });
    socket.on("conversation_removed", async () => {
      await loadConversations();
      await loadFriends();
    });
    socket.on("request", loadRequests);
  }

  // --- wiring -------------------------------------------------------------------------------
  $("composer").addEventListener("submit", send);
  $("message-input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $("composer").requestSubmit();
    } else if (e.key === "Escape") {
      cancelReply();
    }
  });
  $("message-input").addEventListener("input", onInput);
  $("message-list").addEventListener("scroll", () => {
    if ($("message-list").scrollTop < 40) loadOlder();
  });
  $("load-older").addEventListener("click", loadOlder);
  $("reply-cancel").addEventListener("click", cancelReply);
  $("chat-back").addEventListener("click", closeConversation);
  $("people-form").addEventListener("submit", searchPeople);
  $("group-form").addEventListener("submit", createGroup);
  $("unfriend").addEventListener("click", unfriend);

  loadConversations();
  loadRequests();
  loadFriends();
  connectLive();
})();

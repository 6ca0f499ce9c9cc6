"""A fake Groq (OpenAI-compatible chat completions) server on loopback, for tests.

The real `groq` client talks to it over real HTTP, so the tests exercise the same code paths as
production: JSON replies, streamed SSE replies (`data: {...}` chunks then `data: [DONE]`), provider
errors, garbled bodies and slow answers. Tests queue what the next requests get; with an empty
queue every request gets "OK".
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/openai/v1/chat/completions"


@dataclass
class _Reply:
    kind: str  # "text" | "error" | "malformed" | "slow"
    text: str = "OK"
    status: int = 200
    body: Any = None
    seconds: float = 0.0
    chunk_delay: float = 0.0


@dataclass
class _State:
    queue: deque[_Reply] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


def split_chunks(text: str, parts: int = 4) -> list[str]:
    """Split text into a few pieces (at least two when it has two characters), like a model's
    deltas: joined back together they are exactly the text."""
    if len(text) < 2:
        return [text]
    size = max(1, -(-len(text) // parts))
    return [text[i : i + size] for i in range(0, len(text), size)]


class FakeGroq:
    """Owns the server thread; `reset()` between tests forgets queued replies and requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = _State()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

            def do_POST(self) -> None:
                # A client that gave up (a timeout test) gets nothing more.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="fake-groq", daemon=True
        )
        self._thread.start()

    # --- what tests call -----------------------------------------------------------------------

    def reply(self, text: str, *, chunk_delay: float = 0.0) -> None:
        """Queue an answer: JSON, or SSE in several chunks (`chunk_delay` seconds apart) when the
        request streams."""
        self._push(_Reply("text", text=text, chunk_delay=chunk_delay))

    def reply_error(self, status: int, body: Any = None) -> None:
        self._push(_Reply("error", status=status, body=body))

    def reply_malformed(self) -> None:
        """A 200 whose body (or first SSE chunk) is not JSON."""
        self._push(_Reply("malformed"))

    def reply_slow(self, seconds: float, text: str) -> None:
        """Wait `seconds` before answering anything (not even headers)."""
        self._push(_Reply("slow", text=text, seconds=seconds))

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._state.requests)

    def reset(self) -> None:
        with self._lock:
            self._state.release.set()  # wake handlers still sleeping for a previous test
            self._state = _State()

    def close(self) -> None:
        self.reset()
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)

    # --- the server side -----------------------------------------------------------------------

    def _push(self, reply: _Reply) -> None:
        with self._lock:
            self._state.queue.append(reply)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length)
        if handler.path.split("?")[0] != PATH:
            self._send_json(handler, 404, {"error": {"message": "Unknown path"}})
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send_json(handler, 400, {"error": {"message": "Body is not JSON"}})
            return
        with self._lock:
            state = self._state
            state.requests.append(body)
            reply = state.queue.popleft() if state.queue else _Reply("text")
        streaming = bool(body.get("stream"))
        model = str(body.get("model") or "fake-model")

        if reply.kind == "slow":
            state.release.wait(reply.seconds)
        if reply.kind == "error":
            payload = reply.body
            if payload is None:
                payload = {"error": {"message": f"Fake error {reply.status}", "type": "fake"}}
            self._send_json(handler, reply.status, payload)
            return
        if reply.kind == "malformed":
            if streaming:
                self._send_sse(handler, ["{this is not json"], model, raw_events=True)
            else:
                self._send_raw(handler, 200, b'{"choices": [ {"message": ', "application/json")
            return
        if streaming:
            self._send_sse(handler, split_chunks(reply.text), model, delay=reply.chunk_delay)
        else:
            self._send_json(handler, 200, _completion(reply.text, model))

    def _send_raw(
        self, handler: BaseHTTPRequestHandler, status: int, data: bytes, content_type: str
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _send_json(self, handler: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
        self._send_raw(handler, status, json.dumps(payload).encode(), "application/json")

    def _send_sse(
        self,
        handler: BaseHTTPRequestHandler,
        pieces: list[str],
        model: str,
        *,
        delay: float = 0.0,
        raw_events: bool = False,
    ) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()  # HTTP/1.0: the body ends when the connection closes
        events = pieces if raw_events else [json.dumps(_chunk(p, model)) for p in pieces]
        if not raw_events:
            events.append(json.dumps(_chunk(None, model, finish="stop")))
        for index, event in enumerate(events):
            if delay and index:
                time.sleep(delay)
            handler.wfile.write(f"data: {event}\n\n".encode())
            handler.wfile.flush()
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()


def _completion(text: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(piece: str | None, model: str, finish: str | None = None) -> dict[str, Any]:
    delta: dict[str, Any] = {} if piece is None else {"role": "assistant", "content": piece}
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }

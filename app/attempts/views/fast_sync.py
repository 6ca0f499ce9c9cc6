"""The answer sync's ordinary case, answered before Flask routes the request.

On exam day every student saves every few seconds, and nearly all of those requests are
ordinary: valid credentials, the documented body, an attempt this process already knows, an
UPDATE that saves. For those, Flask's request machinery (routing, request and response objects,
a dozen hooks) cost about as much as the work. Measured in bench/exam_day.py, the sync reached
0.46x the bare endpoint's throughput through Flask and 0.5-0.57x here (bench/README.md).

This layer answers exactly that case and hands everything else to Flask untouched, body
included: missing or bad credentials, a missing CSRF token, a body not in the documented shape,
answers that do not validate, a stale sequence number, a closed or unknown attempt, any error.
Nothing is written before it hands over (the UPDATE is the last step, and changes nothing when
it does not match), so the view in api.py owns every refusal and every rare path, with one set
of messages. On success it does what the view and the hooks do:

- a Bearer token is checked by `token_identity`, as the view's `claimed_identity` does;
- a session cookie is opened and refreshed by the app's own session interface, read by
  `session_identity` as `claimed_identity` reads it, and must carry its CSRF token in a header,
  checked as Flask-WTF checks it (`header_csrf_passes`; in any doubt, the view decides);
- the same reply (`sync_reply`), security headers and request metrics.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response

from app.attempts.schemas import MAX_SEQ
from app.attempts.services import save_if_open
from app.attempts.views.api import sync_reply
from app.core.auth import ClaimedIdentity, session_identity, token_identity
from app.core.security import header_csrf_passes, security_headers
from app.core.surfaces import bearer_in
from app.system.metrics import record

PATH = re.compile(r"/api/sync-exam-answers/([1-9][0-9]{0,17})\Z")
ROUTE = "/api/sync-exam-answers/<int:exam_id>"  # the metrics label Flask's own rule gives
MAX_BODY = 1024 * 1024  # a whole paper's answers are a few KiB; anything larger is Flask's

WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]
Reply = tuple[bytes, list[tuple[str, str]]]


class FastSync:
    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        match = None
        if environ.get("REQUEST_METHOD") == "POST":
            match = PATH.match(environ.get("PATH_INFO") or "")
        if match is None:
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        reply = None
        body = _take_body(environ)
        if body is not None:
            try:
                reply = self._answer(environ, int(match.group(1)), body)
            except Exception:  # whatever it was, the view answers it
                reply = None
        if reply is None:
            return self.wsgi_app(environ, start_response)
        data, headers = reply
        start_response("200 OK", headers)
        record(self.app, "POST", ROUTE, 200, time.perf_counter() - started)
        return [data]

    def _answer(self, environ: dict[str, Any], exam_id: int, body: bytes) -> Reply | None:
        fields = _ordinary(self.app.json.loads(body))
        if fields is None:
            return None
        answers, marked, seq = fields
        token = bearer_in(environ.get("HTTP_AUTHORIZATION", ""))
        with self.app.app_context():
            cookie_session = None
            if token is not None:
                identity = token_identity(token)
            else:
                found = self._from_cookie(environ)
                if found is None:
                    return None
                identity, cookie_session = found
            saved = save_if_open(identity, exam_id, answers, marked=marked, seq=seq)
            if saved is None:
                return None
            data = self.app.json.dumps(sync_reply(saved)).encode() + b"\n"
            headers = [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(data))),
                *security_headers(self.app),
            ]
            if cookie_session is not None:
                headers.extend(self._session_headers(cookie_session))
            return data, headers

    def _session_headers(self, cookie_session: Any) -> list[tuple[str, str]]:
        """What Flask's session interface adds to the response: Vary: Cookie, and the cookie
        itself when it is due to be sent again."""
        interface = self.app.session_interface
        if not interface.should_set_cookie(self.app, cookie_session):
            return [("Vary", "Cookie")]
        response = Response()
        interface.save_session(self.app, cookie_session, response)
        return [(k, v) for k, v in response.headers.items() if k in ("Vary", "Set-Cookie")]

    def _from_cookie(self, environ: dict[str, Any]) -> tuple[ClaimedIdentity, Any] | None:
        """The signed-in browser: its session (Flask's own session interface), and the CSRF
        token every cookie-authenticated change must carry."""
        request = self.app.request_class(environ)
        request.trusted_hosts = self.app.config.get("TRUSTED_HOSTS")
        cookie_session = self.app.session_interface.open_session(self.app, request)
        if cookie_session is None:
            return None
        cookie_session.accessed = True  # as Flask's `session` proxy marks it: Vary: Cookie
        identity = session_identity(cookie_session.get("_user_id", ""))
        if not header_csrf_passes(self.app, request, cookie_session):
            return None
        return identity, cookie_session


def _take_body(environ: dict[str, Any]) -> bytes | None:
    """A JSON body of a stated length, read once and put back for Flask; None otherwise (then
    nothing was read)."""
    mimetype = (environ.get("CONTENT_TYPE") or "").partition(";")[0].strip().lower()
    if mimetype != "application/json" or environ.get("HTTP_TRANSFER_ENCODING"):
        return None
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    return body if len(body) == length else None


def _ordinary(payload: Any) -> tuple[dict, list | None, int | None] | None:
    """The documented body in its plain form, as the view's schema (SyncIn) would take it;
    None for anything it might coerce, refuse or explain."""
    if not isinstance(payload, dict):
        return None
    answers, marked, seq = (payload.get(k) for k in ("answers", "markedForReview", "seq"))
    if not isinstance(answers, dict):
        return None
    if marked is not None and not isinstance(marked, list):
        return None
    if seq is not None and (type(seq) is not int or not 0 <= seq <= MAX_SEQ):
        return None
    return answers, marked, seq

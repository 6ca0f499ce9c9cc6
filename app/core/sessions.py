"""Flask's signed-cookie sessions, built for a server that answers many small requests.

- Flask builds a new signer for every request, even one that brings no session cookie (every
  Bearer request, every first visit), and again to write the cookie back. The signer depends
  only on the secret keys, so it is built once per set of keys, and a request without a cookie
  gets an empty session without one.
- With a permanent session and SESSION_REFRESH_EACH_REQUEST, Flask signs and sends the cookie
  again on every response, so that the session lasts its lifetime from the last request. The
  exam player saves every few seconds: re-signing was a sixth of an answer sync's time in the
  application (bench/README.md). An unchanged session is now sent again once its cookie is a
  minute old, so a session ends between its lifetime and a minute less after the last request.
- A cookie's signature is checked once per process (see `_verified`).

The cookie format and its signature are Flask's own.
"""

from __future__ import annotations

import functools
import threading
import time
from typing import Any

from flask import Flask, Request
from flask.sessions import (
    SecureCookieSession,
    SecureCookieSessionInterface,
    SessionMixin,
    session_json_serializer,
)
from itsdangerous import BadSignature, URLSafeTimedSerializer

REFRESH_AFTER = 60  # seconds: how old an unchanged session's cookie may be before it is re-sent


class CookieSession(SecureCookieSession):
    signed_at: float | None = None  # when the cookie it came in was signed (epoch seconds)


class CookieSessions(SecureCookieSessionInterface):
    session_class = CookieSession

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        signer = self._signers.get(key)
        if signer is None:
            signer = super().get_signing_serializer(app)
            with self._lock:
                if len(self._signers) > 8:  # keys rotated (tests do it): keep the newest
                    self._signers.clear()
                self._signers[key] = signer  # type: ignore[assignment]
        return signer

    def open_session(self, app: Flask, request: Request) -> CookieSession | None:
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            text, signed_at = _verified(value, signer)
        except BadSignature:
            return self.session_class()
        age = time.time() - signed_at
        if not 0 <= age <= app.permanent_session_lifetime.total_seconds():
            return self.session_class()  # expired, as the signer's max_age would have said
        session = self.session_class(session_json_serializer.loads(text))
        session.signed_at = signed_at
        return session

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at: Any = getattr(session, "signed_at", None)
        return signed_at is None or time.time() - signed_at >= REFRESH_AFTER


@functools.lru_cache(maxsize=8192)
def _verified(value: str, signer: URLSafeTimedSerializer) -> tuple[str, float]:
    """(the session's JSON, when it was signed) for a cookie whose signature checks out. The
    browser sends the same cookie until it is re-sent, so its signature is checked once per
    process, like an access token's (app/core/auth.py); its age is checked on every use, and a
    fresh session is built from the JSON each time, so no request sees another's changes. The
    signer (one per set of secret keys) is part of the key: rotated keys never match."""
    data, signed_at = signer.loads(value, return_timestamp=True)
    return session_json_serializer.dumps(data), signed_at.timestamp()

"""Flask's signed-cookie sessions, built for a server that answers many small requests.

Flask builds a new signer for every request, even one that brings no session cookie (every
Bearer request, every first visit), and again to write the cookie back. The signer depends only
on the secret keys, so it is built once per set of keys; a request without a cookie gets an empty
session without one. The cookie format and its signature are Flask's own.
"""

from __future__ import annotations

import threading

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
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

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)

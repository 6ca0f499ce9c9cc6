"""CSRF for cookie-authenticated state changes, and the security headers every response gets."""

from __future__ import annotations

import functools
import hmac
import time

from flask import Flask, Request, Response, request, session
from flask.sessions import SessionMixin
from flask_wtf.csrf import same_origin
from itsdangerous import BadData, URLSafeTimedSerializer

from app.core.surfaces import Surface, bearer_token, current_surface
from app.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # KaTeX and htmx set style attributes; no inline script is ever allowed.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)


def needs_csrf() -> bool:
    """A Bearer request cannot be forged by another site, and neither can a request that carries
    no session: it has no authority to borrow. Web forms always carry the token (login CSRF too);
    any other state change made with the session cookie must bring it in a field or header."""
    if request.method in SAFE_METHODS or bearer_token():
        return False
    return "_user_id" in session or current_surface() == Surface.WEB


def header_csrf_passes(app: Flask, request: Request, session: SessionMixin) -> bool:
    """Flask-WTF's `protect()` for a JSON request whose token travels in a header, for the one
    caller that runs without a request context (the answer sync's fast path): the same secret,
    salt, time limit and session field, and under https the same same-origin Referer rule. It
    answers False whenever in doubt; that caller then hands the request to Flask, where
    `protect()` itself decides."""
    config = app.config
    token = next((v for h in config["WTF_CSRF_HEADERS"] if (v := request.headers.get(h))), None)
    expected = session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    secret = config.get("WTF_CSRF_SECRET_KEY", app.secret_key)
    if not token or not isinstance(expected, str) or not expected or secret is None:
        return False
    try:
        raw, signed_at = _csrf_token(token, secret)
    except BadData:
        return False
    time_limit = config.get("WTF_CSRF_TIME_LIMIT", 3600)
    if time_limit is not None and not 0 <= time.time() - signed_at <= time_limit:
        return False
    if not isinstance(raw, str) or not hmac.compare_digest(expected, raw):
        return False
    if request.is_secure and config.get("WTF_CSRF_SSL_STRICT", True):
        referrer = request.referrer
        return bool(referrer) and same_origin(referrer, f"https://{request.host}/")
    return True


@functools.lru_cache(maxsize=8192)
def _csrf_token(token: str, secret: str | bytes) -> tuple[object, float]:
    """(the raw token, when it was signed) for a signed CSRF token that checks out; checked once
    per process (the player sends the same token all exam long), its age on every use."""
    raw, signed_at = URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(
        token, return_timestamp=True
    )
    return raw, signed_at.timestamp()


def register_security(app: Flask) -> None:
    @app.before_request
    def csrf_guard() -> None:
        if needs_csrf():
            csrf.protect()

    @app.after_request
    def security_headers(response: Response) -> Response:
        add_security_headers(app, response)
        return response


ALWAYS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
)
UNDER_HTTPS = (*ALWAYS, ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))


def add_security_headers(app: Flask, response: Response) -> None:
    """Each header unless the view set its own, in one pass over the headers (this runs on
    every response)."""
    headers = response.headers
    present = {key.lower() for key, _ in headers.items()}
    headers.extend([(k, v) for k, v in security_headers(app) if k.lower() not in present])


def security_headers(app: Flask) -> tuple[tuple[str, str], ...]:
    return UNDER_HTTPS if app.config.get("PREFERRED_URL_SCHEME") == "https" else ALWAYS

"""Signed, single-use password reset links valid for PASSWORD_RESET_MAX_AGE (1 h)."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.core.errors import Invalid
from app.extensions import db
from app.models import User


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    """Changes with the password, so a link works once. An HMAC, because the token is signed but
    readable, and it travels in e-mails and access logs: no part of the hash may ride along."""
    secret = current_app.config["SECRET_KEY"].encode()
    material = f"{user.id}:{user.password_hash or 'no-password'}".encode()
    return hmac.new(secret, material, hashlib.sha256).hexdigest()[:24]


def reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    expired = Invalid("This reset link is invalid or has expired.", code="reset_token_invalid")
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        raise expired from None
    user = db.session.get(User, data.get("uid", 0))
    if user is None or not hmac.compare_digest(str(data.get("fp", "")), _fingerprint(user)):
        raise expired
    return user

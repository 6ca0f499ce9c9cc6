"""Who is asking: the session cookie (web pages) or a Bearer JWT (every JSON route accepts both).

Decorators here only establish identity and coarse role; object-level checks live in services.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from flask import current_app, g, session
from flask_login import current_user
from jwt import PyJWTError
from sqlalchemy.orm import joinedload

from app.core.errors import Forbidden, Unauthorized
from app.core.surfaces import bearer_token
from app.extensions import db
from app.models import User
from app.models.users import new_auth_stamp

TOKEN_INVALID = "token_expired_or_invalid"


def decode_access_token(token: str) -> dict:
    """Verify signature and expiry. flask-jwt-extended's decode_token parses the token three
    times (header, unverified claims, verified), which was a fifth of the cost of an
    authenticated request; it still issues the tokens, with the same secret and algorithm. A
    token whose signature was verified once is remembered (a student's player sends the same
    token every few seconds); its expiry is checked on every use."""
    cfg = current_app.config
    claims = _verified_claims(token, cfg["JWT_SECRET_KEY"], cfg.get("JWT_ALGORITHM", "HS256"))
    if claims["exp"] <= epoch_now():
        raise jwt.ExpiredSignatureError("Signature has expired")
    return dict(claims)


def epoch_now() -> float:
    """The clock PyJWT checks expiry against (an aware datetime, not `time.time`)."""
    return datetime.now(UTC).timestamp()


@functools.lru_cache(maxsize=8192)
def _verified_claims(token: str, secret: str, algorithm: str) -> dict:
    """The secret is part of the key, so rotating it never serves a token it no longer signs;
    a token that fails verification raises and is not remembered."""
    return jwt.decode(token, secret, algorithms=[algorithm], options={"require": ["exp", "sub"]})


def _user_from_bearer(token: str) -> User:
    try:
        claims = decode_access_token(token)
    except PyJWTError:
        raise Unauthorized(TOKEN_INVALID, code=TOKEN_INVALID) from None
    if claims.get("type") != "access":
        raise Unauthorized(TOKEN_INVALID, code=TOKEN_INVALID)
    user = load_user_with_roles(int(claims.get("uid", 0) or 0))
    if user is None or not hmac.compare_digest(str(claims.get("stamp", "")), user.auth_stamp):
        raise Unauthorized(TOKEN_INVALID, code=TOKEN_INVALID)
    g.jwt_claims = claims
    return user


def user_from_access_token(token: str) -> User:
    """The user an access token names, checked as a Bearer header is (for Socket.IO's connect
    payload, which carries the token outside any header)."""
    return _user_from_bearer(token)


def load_user_with_roles(user_id: int) -> User | None:
    """One query for the user and their roles: every authenticated request pays for this."""
    return db.session.get(User, user_id, options=[joinedload(User.role_rows)])


def user_for_session(session_id: str) -> User | None:
    """Flask-Login's loader: "<id>:<auth stamp>". A stamp that no longer matches (password
    changed, account deleted and the id reused) ends the session."""
    user_id, _, stamp = session_id.partition(":")
    if not user_id.isdigit() or not stamp:
        return None
    user = load_user_with_roles(int(user_id))
    if user is None or not hmac.compare_digest(stamp, user.auth_stamp):
        return None
    return user


def rotate_auth_stamp(user: User) -> None:
    """Sign the account out everywhere: every session cookie and access token stops working."""
    user.auth_stamp = new_auth_stamp()


def current_actor() -> User | None:
    """The signed-in user for this request, or None. A Bearer header that is present but bad is
    an error, never a silent fall-back to the cookie."""
    if "actor" in g:
        return g.actor
    token = bearer_token()
    if token:
        actor: User | None = _user_from_bearer(token)
        g.via_bearer = True
    else:
        actor = current_user._get_current_object() if current_user.is_authenticated else None
    g.actor = actor
    return actor


@dataclass(frozen=True)
class ClaimedIdentity:
    """Who a request says it is, proved only by a signature (the JWT's, or the session
    cookie's), not yet by the database. For hot paths that check the auth stamp inside their
    own statement instead of loading the user first (answer sync)."""

    user_id: int
    stamp: str
    via_bearer: bool

    def refused(self) -> Unauthorized:
        return (
            Unauthorized(TOKEN_INVALID, code=TOKEN_INVALID) if self.via_bearer else Unauthorized()
        )


def token_identity(token: str) -> ClaimedIdentity:
    """Who an access token says it is (signature and expiry checked; the stamp is not)."""
    try:
        claims = decode_access_token(token)
    except PyJWTError:
        raise Unauthorized(TOKEN_INVALID, code=TOKEN_INVALID) from None
    user_id = claims.get("uid")
    if claims.get("type") != "access" or not isinstance(user_id, int):
        raise Unauthorized(TOKEN_INVALID, code=TOKEN_INVALID)
    return ClaimedIdentity(user_id, str(claims.get("stamp", "")), True)


def claimed_identity() -> ClaimedIdentity:
    token = bearer_token()
    if token:
        return token_identity(token)
    return session_identity(session.get("_user_id", ""))


def session_identity(value: object) -> ClaimedIdentity:
    """Who a session's `_user_id` ("<id>:<auth stamp>") says it is (the stamp is not checked)."""
    user_id, _, stamp = str(value).partition(":")
    if not user_id.isdigit() or not stamp:
        raise Unauthorized()
    return ClaimedIdentity(int(user_id), stamp, False)


def verified(identity: ClaimedIdentity) -> User:
    """The user behind a claimed identity, once its stamp matches the database."""
    user = load_user_with_roles(identity.user_id)
    if user is None or not hmac.compare_digest(identity.stamp, user.auth_stamp):
        raise identity.refused()
    return user


def require_actor(*roles: str) -> User:
    actor = current_actor()
    if actor is None:
        raise Unauthorized()
    if roles and not actor.has_role(*roles):
        raise Forbidden()
    return actor


def auth_required(*roles: str) -> Callable:
    """The view gets `actor=`; with roles, holding any one of them is enough."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            kwargs["actor"] = require_actor(*roles)
            return view(*args, **kwargs)

        wrapper.__auth_roles__ = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate

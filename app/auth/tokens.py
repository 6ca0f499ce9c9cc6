"""JWT access tokens (1 h) and opaque, stored refresh tokens (30 d) that logout revokes."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from flask_jwt_extended import create_access_token
from sqlalchemy import select

from app.core import roles as R
from app.core.errors import Unauthorized
from app.extensions import db
from app.models import RefreshToken, User, utcnow
from app.subjects.services import codes_for

REFRESH_INVALID = "refresh_token_invalid"
REFRESH_EXPIRED = "refresh_token_expired"
REFRESH_REVOKED = "refresh_token_revoked"


def access_seconds() -> int:
    return int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())


def issue_access(user: User, *, subject: str | None = None) -> str:
    """Every token carries `uid`, which is what identifies the user; `sub` defaults to the id.
    The Backend document shows `sub` as the username and a `role` claim, so its tokens say so."""
    claims = {
        "uid": user.id,
        "stamp": user.auth_stamp,
        "username": user.username,
        "role": R.surface_role(user.roles, R.BACKEND),
        "roles": R.ordered(user.roles),
        "subjects": codes_for(user),
    }
    return create_access_token(identity=subject or str(user.id), additional_claims=claims)


def pair(user: User) -> dict:
    """SmartAIExam's token block (login and Google sign-in)."""
    return {
        "access_token": issue_access(user),
        "refresh_token": issue_refresh(user, R.SMARTAIEXAM),
        "token_type": "Bearer",
        "expires_in": access_seconds(),
    }


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_refresh(user: User, surface: str) -> str:
    raw = secrets.token_urlsafe(48)
    db.session.add(
        RefreshToken(
            user_id=user.id,
            token_hash=_digest(raw),
            surface=surface,
            expires_at=utcnow() + current_app.config["REFRESH_TOKEN_EXPIRES"],
        )
    )
    db.session.flush()
    return raw


def _lookup(raw: str | None) -> RefreshToken:
    if not raw or not isinstance(raw, str):
        raise Unauthorized(REFRESH_INVALID, code=REFRESH_INVALID)
    token = db.session.scalar(select(RefreshToken).where(RefreshToken.token_hash == _digest(raw)))
    if token is None:
        raise Unauthorized(REFRESH_INVALID, code=REFRESH_INVALID)
    return token


def refresh(raw: str | None) -> tuple[User, str]:
    """A new access token for a live refresh token."""
    token = _lookup(raw)
    if token.revoked_at is not None:
        raise Unauthorized(REFRESH_REVOKED, code=REFRESH_REVOKED)
    if token.expires_at <= utcnow():
        raise Unauthorized(REFRESH_EXPIRED, code=REFRESH_EXPIRED)
    user = db.session.get(User, token.user_id)
    if user is None:
        raise Unauthorized(REFRESH_INVALID, code=REFRESH_INVALID)
    return user, issue_access(user)


def revoke(raw: str | None) -> None:
    """Idempotent: revoking a revoked token succeeds; an unknown one is refresh_token_invalid."""
    token = _lookup(raw)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def revoke_all(user: User) -> None:
    now = utcnow()
    for token in db.session.scalars(
        select(RefreshToken).where(
            RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None)
        )
    ):
        token.revoked_at = now
    db.session.flush()

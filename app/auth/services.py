"""Signing up, signing in (with lockout) and resetting a password, for every surface."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth import lockout, tokens
from app.auth.jobs import send_password_reset_email
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.auth.reset_tokens import user_for_reset_token
from app.core import roles as R
from app.core.errors import Unauthorized
from app.core.jobs import enqueue
from app.extensions import db
from app.models import AccessRequest, User, utcnow
from app.users import services as users

# Verifying against this keeps an unknown username as slow as a wrong password.
_DUMMY_HASH: dict[str, str] = {}


@dataclass
class SignUp:
    user: User
    access_request: AccessRequest | None


def sign_up(
    *,
    username: str,
    email: str,
    password: str,
    full_name: str = "",
    requested_roles: set[str] | None = None,
    reason: str = "",
) -> SignUp:
    """Public sign-up: always a student. Asking for a staff role files a pending access request
    that an admin decides; it never grants the role."""
    user = users.create_user(
        username=username, email=email, password=password, roles={R.STUDENT}, full_name=full_name
    )
    wanted = (requested_roles or set()) & R.STAFF_ROLES
    request = None
    if wanted:
        request = AccessRequest(
            user_id=user.id,
            current_access=R.surface_role(user.roles, R.SMARTAIEXAM) or "user",
            requested_access=R.surface_role(user.roles | wanted, R.SMARTAIEXAM) or "user,admin",
            requested_roles=R.ordered(wanted),
            user_reason=reason or "Requested at sign-up",
        )
        db.session.add(request)
        db.session.flush()
    return SignUp(user=user, access_request=request)


def _invalid_credentials(remaining: int) -> Unauthorized:
    noun = "attempt" if remaining == 1 else "attempts"
    return Unauthorized(
        f"Invalid credentials. {remaining} {noun} remaining.", code="invalid_credentials"
    )


def authenticate(identifier: str, password: str, ip: str | None) -> User:
    """Username or e-mail plus password. Three failures from one IP for one identifier lock
    that pair for 15 minutes (429), including for the right password."""
    lockout.check(ip, identifier)
    user = users.by_login(identifier)
    if user is not None and user.password_hash is None:
        raise Unauthorized("Password not set, use web portal", code="password_not_set")
    if user is None:
        verify_password(_dummy_hash(), password)
    if user is None or not verify_password(user.password_hash, password):
        remaining = lockout.record_failure(ip, identifier)
        if remaining == 0:
            lockout.check(ip, identifier)
        raise _invalid_credentials(remaining)
    lockout.clear(ip, identifier)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def _dummy_hash() -> str:
    if "h" not in _DUMMY_HASH:
        _DUMMY_HASH["h"] = hash_password("not-a-real-password")
    return _DUMMY_HASH["h"]


def mark_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.flush()


# Password reset -------------------------------------------------------------------------------

RESET_MESSAGE = "If an account exists with this email, a reset link has been sent."


def request_password_reset(email: str) -> None:
    """Always the same outcome for the caller; the mail is sent by a job only if the account
    exists."""
    user = users.by_email(email) if email and "@" in email else None
    if user is not None:
        enqueue(send_password_reset_email, user.id)


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    set_password(user, new_password)
    return user


def set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(users.check_password(new_password))
    tokens.revoke_all(user)
    db.session.flush()

"""Signing up, signing in (with lockout) and resetting a password, for every surface."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.auth import lockout, tokens
from app.auth.jobs import send_password_reset_email
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.auth.reset_tokens import user_for_reset_token
from app.core import roles as R
from app.core.auth import rotate_auth_stamp
from app.core.errors import Invalid, Unauthorized
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
    """Username or e-mail plus password. The attempt is counted before the password is checked;
    the third failure from one address for one account locks that pair for 15 minutes (429),
    and while locked even the right password is refused."""
    user = users.by_login(identifier)
    if user is not None and user.password_hash is None:
        raise Unauthorized("Password not set, use web portal", code="password_not_set")
    attempts = lockout.reserve(ip, identifier, user)
    if user is None:
        verify_password(_dummy_hash(), password)
    if user is None or not verify_password(user.password_hash, password):
        remaining = lockout.attempts_left(attempts)
        if remaining == 0:
            raise lockout.locked_error(utcnow() + current_app.config["LOGIN_LOCKOUT"])
        raise _invalid_credentials(remaining)
    lockout.clear(ip, identifier, user)
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
    """The link came by e-mail, so using it also proves the address."""
    user = user_for_reset_token(token)
    set_password(user, new_password)
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


def set_password(user: User, new_password: str) -> None:
    """A new password signs the account out everywhere: refresh tokens are revoked and the auth
    stamp in every session cookie and access token stops matching."""
    user.password_hash = hash_password(users.check_password(new_password))
    tokens.revoke_all(user)
    rotate_auth_stamp(user)
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise Invalid(
            "This is not your current password.",
            code="wrong_password",
            fields=[
                {
                    "loc": ["body", "current_password"],
                    "msg": "wrong password",
                    "type": "value_error",
                }
            ],
        )
    set_password(user, new_password)

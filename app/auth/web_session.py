"""Signing a person in to the web session, shared by the password form and Google's flow."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import session, url_for
from flask_login import login_user

from app.models import User


def safe_next(target: str | None) -> str:
    """Only same-site relative paths, so a crafted link cannot bounce a user elsewhere. Browsers
    read a backslash as a slash (`/\\evil.example` is `//evil.example`) and drop tabs and
    newlines, so neither is allowed anywhere in the target."""
    if target and "\\" not in target and not any(ord(c) < 32 or ord(c) == 127 for c in target):
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
        ):
            return target
    return url_for("web.dashboard")


def sign_in(user: User) -> None:
    session.clear()
    login_user(user)
    session.permanent = True  # PERMANENT_SESSION_LIFETIME: 3 hours

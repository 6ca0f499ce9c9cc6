"""Request limits in one place. Most are per client address, and an institute's students often
share one (a school lab behind NAT), so each limit is sized for a whole class acting at once and
only stops scripted abuse. Sign-in guessing is handled by the per-account lockout
(app/auth/lockout.py), not here: a per-address cap on logins would lock a class out on exam day.
"""

from __future__ import annotations

from flask import g, session
from flask_limiter.util import get_remote_address

SIGN_UP = "100 per hour"  # a class creating accounts in its first lesson
PASSWORD_RESET_REQUEST = "30 per hour"  # each one sends an e-mail
ACCESS_REQUEST = "60 per hour"
GOOGLE_SIGN_IN = "300 per minute"  # a class signing in with Google at the start of an exam
PASSWORD_CHANGE = "10 per hour"  # per account: it checks the current password


def per_account() -> str:
    """Key for limits on what one signed-in person does, whatever address they use."""
    session_id = session.get("_user_id")  # "<id>:<auth stamp>"
    return f"account:{session_id.partition(':')[0]}" if session_id else get_remote_address()


TUTOR_CHAT = "10 per minute"  # per user, as the Backend document suggests: each one is a model call


def per_actor() -> str:
    """Key for limits on signed-in routes reached by session cookie or Bearer token alike (the
    route's auth decorator has already set g.actor)."""
    actor = g.get("actor")
    return f"account:{actor.id}" if actor is not None else get_remote_address()

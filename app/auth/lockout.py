"""Three failed sign-ins from one IP for one identifier lock that pair for 15 minutes.

Failures are written in their own transaction: the failing request itself rolls back, and the
count must survive that.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core.errors import RateLimited
from app.extensions import db
from app.models import LoginFailure, utcnow

TABLE = LoginFailure.__table__


def _key(ip: str | None, identifier: str) -> tuple[str, str]:
    return (ip or "unknown")[:64], identifier.strip().lower()[:254]


def locked_error(until: datetime) -> RateLimited:
    minutes = max(1, round((until - utcnow()).total_seconds() / 60))
    return RateLimited(
        f"Account locked after 3 failed attempts. Try again in {minutes} minutes.",
        code="account_locked",
        headers={"Retry-After": str(int((until - utcnow()).total_seconds()) + 1)},
    )


def check(ip: str | None, identifier: str) -> None:
    ip, ident = _key(ip, identifier)
    with db.engine.connect() as conn:
        until = conn.scalar(
            select(TABLE.c.locked_until).where(TABLE.c.ip == ip, TABLE.c.identifier == ident)
        )
    if until and until > utcnow():
        raise locked_error(until)


def record_failure(ip: str | None, identifier: str) -> int:
    """Count a failure; returns the attempts left (0 means the pair is now locked)."""
    ip, ident = _key(ip, identifier)
    cfg = current_app.config
    limit, lockout = cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_LOCKOUT"]
    now = utcnow()
    for _ in range(2):  # a concurrent first failure may win the insert; then we update
        try:
            with db.engine.begin() as conn:
                row = conn.execute(
                    select(TABLE).where(TABLE.c.ip == ip, TABLE.c.identifier == ident)
                ).first()
                if row is None:
                    conn.execute(
                        insert(TABLE).values(
                            ip=ip, identifier=ident, failures=1, first_failed_at=now
                        )
                    )
                    failures = 1
                else:
                    stale = now - row.first_failed_at > lockout or (
                        row.locked_until is not None and row.locked_until <= now
                    )
                    failures = 1 if stale else row.failures + 1
                    values = {"failures": failures, "locked_until": None}
                    if stale:
                        values["first_failed_at"] = now
                    if failures >= limit:
                        values["locked_until"] = now + lockout
                    conn.execute(update(TABLE).where(TABLE.c.id == row.id).values(**values))
            return max(0, limit - failures)
        except IntegrityError:
            continue
    return 0


def clear(ip: str | None, identifier: str) -> None:
    ip, ident = _key(ip, identifier)
    db.session.execute(delete(TABLE).where(TABLE.c.ip == ip, TABLE.c.identifier == ident))

"""Three failed sign-ins from one address for one account lock that pair for 15 minutes.

An attempt is counted *before* the password is checked, in one atomic statement, so forty
guesses sent at the same moment still get only three checks. The counter is kept per account
when the identifier names one (so "alice" and "alice@example.com" share it) and per typed
identifier otherwise; an IPv6 client is counted per /64, the block one subscriber gets.

Counts live in their own transactions: the failing request itself rolls back, and the count
must survive that.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from app.core.errors import RateLimited
from app.extensions import db
from app.models import LoginFailure, User, utcnow

TABLE = LoginFailure.__table__
PRUNE_AFTER = timedelta(days=1)


def client_key(ip: str | None) -> str:
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return (ip or "unknown")[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def account_key(identifier: str, user: User | None) -> str:
    return f"user:{user.id}" if user is not None else identifier.strip().lower()[:254]


def locked_error(until: datetime) -> RateLimited:
    seconds = max(1, int((until - utcnow()).total_seconds()))
    minutes = max(1, round(seconds / 60))
    return RateLimited(
        f"Account locked after 3 failed attempts. Try again in {minutes} minutes.",
        code="account_locked",
        headers={"Retry-After": str(seconds + 1)},
    )


def _insert_if_missing(conn, ip: str, ident: str, now: datetime) -> None:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(
        dialect.insert(TABLE)
        .values(ip=ip, identifier=ident, failures=0, first_failed_at=now)
        .on_conflict_do_nothing(index_elements=["ip", "identifier"])
    )


def reserve(ip: str | None, identifier: str, user: User | None) -> int:
    """Count this attempt; returns how many attempts the pair has made in the window, this one
    included. Raises 429 when the pair is locked or this attempt is past the limit."""
    cfg = current_app.config
    limit, lockout = cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_LOCKOUT"]
    key = (client_key(ip), account_key(identifier, user))
    now = utcnow()
    where = and_(TABLE.c.ip == key[0], TABLE.c.identifier == key[1])
    # A window that has run out (or a lock that has expired) starts again at this attempt.
    stale = or_(
        TABLE.c.first_failed_at < now - lockout,
        and_(TABLE.c.locked_until.is_not(None), TABLE.c.locked_until <= now),
    )
    locked = and_(TABLE.c.locked_until.is_not(None), TABLE.c.locked_until > now)
    with db.engine.begin() as conn:
        _insert_if_missing(conn, *key, now)
        row = conn.execute(
            update(TABLE)
            .where(where)
            .values(
                failures=case((stale, 1), (locked, TABLE.c.failures), else_=TABLE.c.failures + 1),
                first_failed_at=case((stale, now), else_=TABLE.c.first_failed_at),
                locked_until=case((stale, None), else_=TABLE.c.locked_until),
            )
            .returning(TABLE.c.failures, TABLE.c.locked_until)
        ).one()
        if row.locked_until is not None and row.locked_until > now:
            raise locked_error(row.locked_until)
        if row.failures >= limit:  # this is the last attempt allowed: lock unless it succeeds
            until = now + lockout
            conn.execute(update(TABLE).where(where).values(locked_until=until))
            if row.failures > limit:
                raise locked_error(until)
    return row.failures


def attempts_left(attempts: int) -> int:
    return max(0, current_app.config["LOGIN_MAX_FAILURES"] - attempts)


def clear(ip: str | None, identifier: str, user: User | None) -> None:
    """A successful sign-in forgets the pair's failures and prunes day-old rows of others."""
    key = (client_key(ip), account_key(identifier, user))
    db.session.execute(
        delete(TABLE).where(
            or_(
                and_(TABLE.c.ip == key[0], TABLE.c.identifier == key[1]),
                TABLE.c.first_failed_at < utcnow() - PRUNE_AFTER,
            )
        )
    )


def is_locked(ip: str | None, identifier: str, user: User | None) -> datetime | None:
    key = (client_key(ip), account_key(identifier, user))
    with db.engine.connect() as conn:
        until = conn.scalar(
            select(TABLE.c.locked_until).where(TABLE.c.ip == key[0], TABLE.c.identifier == key[1])
        )
    return until if until and until > utcnow() else None

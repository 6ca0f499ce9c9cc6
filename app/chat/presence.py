"""Who is online: one row per live /chat connection, kept fresh by the realtime process that
holds it, so every process (and the web process answering /api/chat/online_status) sees the
same answer, and a process that dies takes its users offline after PRESENCE_TTL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from app.chat.realtime import announce, conv_room
from app.core.errors import Invalid
from app.extensions import db
from app.models import ChatPresence, ConversationMember, utcnow

MAX_STATUS_IDS = 200
# A live connection's row is refreshed every PRESENCE_REFRESH by its realtime process; one not
# refreshed for PRESENCE_TTL belongs to a process that died.
PRESENCE_REFRESH = timedelta(seconds=30)
PRESENCE_TTL = timedelta(seconds=90)


def conversation_ids(user_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(ConversationMember.conversation_id).where(ConversationMember.user_id == user_id)
        )
    )


def online_users(user_ids: set[int] | list[int], now: datetime | None = None) -> set[int]:
    """Which of these users have a live /chat connection on any realtime process."""
    ids = list(set(user_ids))
    if not ids:
        return set()
    fresh = (now or utcnow()) - PRESENCE_TTL
    return set(
        db.session.scalars(
            select(ChatPresence.user_id)
            .where(ChatPresence.user_id.in_(ids), ChatPresence.seen_at > fresh)
            .distinct()
        )
    )


def parse_ids(raw: str) -> list[int]:
    parts = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise Invalid("ids must be comma-separated user ids", code="bad_ids")
    if len(parts) > MAX_STATUS_IDS:
        raise Invalid(f"At most {MAX_STATUS_IDS} ids at once", code="too_many_ids")
    return list(dict.fromkeys(int(p) for p in parts))


def online_status(ids: list[int]) -> dict[str, bool]:
    online = online_users(ids)
    return {str(i): i in online for i in ids}


def connected(user_id: int, sid: str) -> bool:
    """Record a live connection; True when it is the user's first (they just came online)."""
    was_online = bool(online_users({user_id}))
    db.session.add(ChatPresence(sid=sid, user_id=user_id, seen_at=utcnow()))
    db.session.flush()
    if not was_online:
        _announce_presence(user_id, True)
    return not was_online


def disconnected(user_id: int, sid: str) -> bool:
    """Forget a connection; True when it was the user's last (they went offline)."""
    db.session.execute(delete(ChatPresence).where(ChatPresence.sid == sid))
    db.session.flush()
    if online_users({user_id}):
        return False
    _announce_presence(user_id, False)
    return True


def _announce_presence(user_id: int, online: bool) -> None:
    for conv_id in conversation_ids(user_id):
        announce("presence", {"user_id": user_id, "online": online}, conv_room(conv_id))


def refresh_presence(sids: list[str], now: datetime | None = None) -> None:
    """Called by each realtime process for the connections it holds; also clears rows that
    dead processes left behind."""
    now = now or utcnow()
    if sids:
        db.session.execute(
            update(ChatPresence).where(ChatPresence.sid.in_(sids)).values(seen_at=now)
        )
    db.session.execute(delete(ChatPresence).where(ChatPresence.seen_at < now - 10 * PRESENCE_TTL))

"""Live pushes to the /chat namespace, sent only once the change they announce has committed.

Services call `announce()`; the events wait in the database session and go out from its
`after_commit` hook (a rollback drops them), so a client never hears of a message it then cannot
load. The emit goes through Flask-SocketIO's server: with REDIS_URL it is published on Redis and
every `realtime` process delivers it to the clients it holds; without Redis, the one process
delivers it itself.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db, socketio

log = logging.getLogger(__name__)
NAMESPACE = "/chat"
_PENDING = "examhall.chat_emits"


def conv_room(conv_id: int) -> str:
    return f"conv:{conv_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def announce(name: str, data: dict[str, Any], room: str, skip_sid: str | None = None) -> None:
    """Emit `name` with `data` to `room` after the current transaction commits."""
    db.session.info.setdefault(_PENDING, []).append((name, data, room, skip_sid))


def emit_now(name: str, data: dict[str, Any], room: str, skip_sid: str | None = None) -> None:
    server = socketio.server
    if server is None:  # no Socket.IO in this process (a bare script)
        return
    try:
        server.emit(name, data, to=room, namespace=NAMESPACE, skip_sid=skip_sid)
    except Exception:  # Redis down: the change is committed; clients catch up on reload
        log.exception("could not emit %s to %s", name, room)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    for name, data, room, skip_sid in session.info.pop(_PENDING, []):
        emit_now(name, data, room, skip_sid)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)

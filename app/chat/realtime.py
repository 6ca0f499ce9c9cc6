"""Live pushes to the /chat namespace, sent only once the change they announce has committed.

Services call `announce()`; the events wait in the database session and are handed over in its
`after_commit` hook (a rollback drops them), so a client never hears of a message it then cannot
load. One sender thread per process emits them in order, outside the committing thread: an emit
can run Socket.IO handlers (a client found gone is disconnected on the spot), and those must
not find the session still inside its commit. The emit goes through Flask-SocketIO's server: with REDIS_URL it is published on Redis and
every `realtime` process delivers it to the clients it holds; without Redis, the one process
delivers it itself.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db, socketio

log = logging.getLogger(__name__)
NAMESPACE = "/chat"
_PENDING = "examhall.chat_emits"
_outbox: queue.Queue[tuple[str, dict[str, Any], str, str | None]] = queue.Queue()
_sender_lock = threading.Lock()
_sender: threading.Thread | None = None


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


def _send_forever() -> None:
    while True:
        emit_now(*_outbox.get())


def _start_sender() -> None:
    global _sender  # noqa: PLW0603 - one sender thread per process
    with _sender_lock:
        if _sender is None or not _sender.is_alive():
            _sender = threading.Thread(target=_send_forever, name="chat-emit", daemon=True)
            _sender.start()


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if pending:
        _start_sender()
        for item in pending:
            _outbox.put(item)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)

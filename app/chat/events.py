"""The Socket.IO namespace /chat: thin handlers over app.chat.services.

A client connects with the session cookie (the chat page) or with an access token in the
connect payload (`auth={"token": "<JWT>"}`); anything else is refused. On connect it joins a
room per conversation (`conv:<id>`) and its own room (`user:<id>`). Every event handler checks
the account again (a password change signs sockets out too), calls the same service as the REST
view, commits, and answers through the acknowledgement: `{"success": true, ...}` or
`{"success": false, "message", "status"}` as the REST endpoint would.

Pushed to clients (from here, and from REST requests once they commit, via app.chat.realtime):
`message`, `message_edited`, `message_deleted` and `read` to the conversation's room; `typing`
to the room except the typist; `presence` to the rooms of a user who came online or went
offline; `conversation`, `conversation_removed` and `request` to a user's own room.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from flask_socketio import SocketIO, join_room

from app.chat import presence, presenters, services
from app.chat.realtime import NAMESPACE, conv_room, emit_now, user_room
from app.core.auth import current_actor, load_user_with_roles, user_from_access_token
from app.core.errors import AppError, Invalid, Unauthorized
from app.extensions import db
from app.models import User

log = logging.getLogger(__name__)

# The connections this process holds: sid -> (user id, auth stamp at connect).
_clients: dict[str, tuple[int, str]] = {}
_refresher_lock = threading.Lock()
_refresher_started = False


def _authenticate(auth: Any) -> User | None:
    token = auth.get("token") if isinstance(auth, dict) else None
    try:
        if isinstance(token, str) and token:
            return user_from_access_token(token)
        return current_actor()  # an Authorization header, or the session cookie
    except AppError:
        return None


def on_connect(auth: Any = None) -> None:
    """Anyone signed in; refused otherwise (the client gets a connect_error)."""
    user = _authenticate(auth)
    if user is None:
        db.session.rollback()
        raise ConnectionRefusedError("unauthorized")
    sid = request.sid  # type: ignore[attr-defined]
    _clients[sid] = (user.id, user.auth_stamp)
    join_room(user_room(user.id))
    for conv_id in presence.conversation_ids(user.id):
        join_room(conv_room(conv_id))
    presence.connected(user.id, sid)
    db.session.commit()
    _start_refresher(current_app._get_current_object())


def on_disconnect(*_reason: Any) -> None:
    sid = request.sid  # type: ignore[attr-defined]
    client = _clients.pop(sid, None)
    if client is None:
        return
    presence.disconnected(client[0], sid)
    db.session.commit()


def _actor() -> User:
    """The connected user, re-checked: gone or signed out everywhere ends the connection."""
    client = _clients.get(request.sid)  # type: ignore[attr-defined]
    user = load_user_with_roles(client[0]) if client else None
    if user is None or not hmac.compare_digest(user.auth_stamp, client[1]):
        raise Unauthorized()
    return user


def _handled(handler: Callable[[User, dict], dict[str, Any]]) -> Callable[[Any], dict]:
    """Run a handler as a request would: commit on success, roll back and answer the error in
    the REST endpoint's words otherwise."""

    def run(data: Any = None) -> dict[str, Any]:
        try:
            user = _actor()
        except Unauthorized:
            db.session.rollback()
            _disconnect_soon(request.sid)  # type: ignore[attr-defined]
            return {"success": False, "message": "Not authenticated", "status": 401}
        try:
            if not isinstance(data, dict):
                raise Invalid("Event data must be an object")
            result = handler(user, data)
            db.session.commit()
            return {"success": True, **result}
        except AppError as err:
            db.session.rollback()
            return {"success": False, "message": err.message, "status": err.status}

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def _disconnect_soon(sid: str) -> None:
    """End a connection just after this event's acknowledgement has gone out (ending it now
    would drop the acknowledgement that says why)."""
    server = current_app.extensions["socketio"].server
    timer = threading.Timer(0.5, server.disconnect, (sid,), {"namespace": NAMESPACE})
    timer.daemon = True
    timer.start()


def _conv_id(data: dict) -> int:
    value = data.get("conv_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid("conv_id must be a conversation id")
    return value


def join(user: User, data: dict) -> dict[str, Any]:
    """Client -> server: join a conversation's room (a conversation created after connecting;
    the client hears of it through `conversation`). Members only."""
    conv_id = _conv_id(data)
    services.membership(user, conv_id)
    join_room(conv_room(conv_id))
    return {"conv_id": conv_id}


def typing(user: User, data: dict) -> dict[str, Any]:
    """Client -> server: `{"conv_id", "typing": bool}`; relayed to the others in the room as
    `typing` with the typist's id and name. Only from a room the client is in."""
    conv_id = _conv_id(data)
    room = conv_room(conv_id)
    sid = request.sid  # type: ignore[attr-defined]
    if room not in current_app.extensions["socketio"].server.rooms(sid, namespace=NAMESPACE):
        services.membership(user, conv_id)  # 404/403 as REST would; a member must join first
        raise Invalid("Join the conversation first")
    payload = {
        "conv_id": conv_id,
        "user_id": user.id,
        "name": user.display_name,
        "typing": bool(data.get("typing", True)),
    }
    emit_now("typing", payload, room, skip_sid=sid)
    return {}


def read(user: User, data: dict) -> dict[str, Any]:
    """Client -> server: mark a conversation read; the room gets a `read` receipt."""
    return {"last_read_id": services.mark_read(user, _conv_id(data))}


def send(user: User, data: dict) -> dict[str, Any]:
    """Client -> server: `{"conv_id", "message", "reply_to_id"?}`, as POST
    /api/chat/messages/<conv_id> (same limits, same 429); the room gets `message`."""
    text = data.get("message")
    reply_to = data.get("reply_to_id")
    if not isinstance(text, str):
        raise Invalid("message is required")
    if reply_to is not None and (not isinstance(reply_to, int) or isinstance(reply_to, bool)):
        raise Invalid("reply_to_id must be a message id")
    msg = services.send(user, _conv_id(data), text, reply_to_id=reply_to)
    return {"message": presenters.sent(msg)}


def register_events(sio: SocketIO) -> None:
    """Bind the handlers to the Socket.IO server `create_app` just configured."""
    sio.on_event("connect", on_connect, namespace=NAMESPACE)
    sio.on_event("disconnect", on_disconnect, namespace=NAMESPACE)
    for handler in (join, typing, read, send):
        sio.on_event(handler.__name__, _handled(handler), namespace=NAMESPACE)


def _start_refresher(app: Flask) -> None:
    """Once per process: keep this process's connections marked live (presence.PRESENCE_TTL)."""
    global _refresher_started  # noqa: PLW0603 - one refresher thread per process
    with _refresher_lock:
        if _refresher_started:
            return
        _refresher_started = True
    thread = threading.Thread(
        target=_refresh_forever, args=(app,), name="chat-presence", daemon=True
    )
    thread.start()


def _refresh_forever(app: Flask) -> None:
    interval = presence.PRESENCE_REFRESH.total_seconds()
    while True:
        time.sleep(interval)
        try:
            with app.app_context():
                presence.refresh_presence(list(_clients))
                db.session.commit()
        except Exception:
            log.exception("could not refresh chat presence")

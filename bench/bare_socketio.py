"""The baseline for bench/chat_fanout.py: a bare python-socketio server, threading mode, under
the same gunicorn settings as Examhall's `realtime` process. A client's `broadcast` event is sent
to everyone in the room `all` as `message`: no authentication, no database, no HTTP request."""

from __future__ import annotations

import socketio

sio = socketio.Server(async_mode="threading")
app = socketio.WSGIApp(sio)


@sio.on("connect", namespace="/chat")
def connect(sid, environ, auth=None):
    sio.enter_room(sid, "all", namespace="/chat")


@sio.on("broadcast", namespace="/chat")
def broadcast(sid, data):
    sio.emit("message", data, to="all", namespace="/chat")

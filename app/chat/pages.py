"""The chat page, /messages: the page itself is a shell; app/static/js/chat.js fills it from the
chat endpoints and keeps it live over the /chat Socket.IO namespace."""

from __future__ import annotations

from flask import Response, render_template

from app.core.auth import auth_required
from app.core.surfaces import Surface, surface_blueprint
from app.models import User

bp = surface_blueprint("chat_pages", __name__, Surface.WEB)


@bp.get("/messages")
@auth_required()
def messages_page(actor: User) -> Response:
    return Response(render_template("chat/messages.html"))

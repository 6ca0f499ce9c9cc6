"""A state change that pages and API clients share.

The admin POST routes are one view each for every client: JSON in the surface's shape for API
clients, the page's swappable block for HTMX, and a redirect back to the page (with a flash) for
a plain form post without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, redirect, url_for

from app.core.errors import AppError
from app.core.respond import respond
from app.core.surfaces import wants_json
from app.extensions import db, htmx


def perform(
    act: Callable[[], dict[str, Any]],
    *,
    template: str,
    block: str,
    context: Callable[..., dict[str, Any]],
    page_endpoint: str,
    state: dict[str, Any],
) -> Response:
    """Run `act` for whoever asked. JSON clients get its result, or the error envelope through
    the error handler. Pages get `block` rendered again by `context(**state, message, error)`.
    A failed action comes back with the error status and the message marked
    `data-error-message`: app.js swaps a 400 in and announces any other error's message."""
    if wants_json():
        return respond(act())
    message = error = None
    data: dict[str, Any] | None = None
    status = 200
    try:
        data = act()
        message = data.get("message")
    except AppError as err:
        db.session.rollback()  # the block must show the state before the failed change
        error, status = err.message, err.status
    if not htmx:
        flash(error or message or "Done.", "error" if error else "success")
        return redirect(url_for(page_endpoint, **{k: v for k, v in state.items() if v}), 303)
    extra = context(**state, message=message, error=error)
    return respond(data, template=template, block=block, status=status, **extra)


def page_number(value: Any, default: int = 1) -> int:
    """A page number from a query string or form; anything unusable means the default."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return default

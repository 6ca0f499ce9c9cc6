"""One view, three renderings: the full page, the HTMX block, or JSON in the surface's shape."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template
from jinja2_fragments.flask import render_block

from app.core.surfaces import wants_json
from app.extensions import htmx


def respond(
    data: Any = None,
    *,
    template: str | None = None,
    block: str | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    """`data` is the JSON body; `template`/`block` and `context` render the page or fragment.

    A view with no template is JSON-only. HTMX requests get just `block` of the template, so a
    page and its swappable regions live in one file.
    """
    if template is None or wants_json():
        response = jsonify(data) if data is not None else Response(status=status)
    elif htmx and block and not htmx.history_restore_request:
        # (Going back to a URL htmx pushed, htmx refetches it with HX-Request set and puts the
        # answer in place of the whole body: that needs the full page.)
        response = Response(render_block(template, block, **context))
    else:
        response = Response(render_template(template, **context))
    response.status_code = status
    if template is not None:
        response.vary.add("HX-Request")
        response.vary.add("HX-History-Restore-Request")
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response

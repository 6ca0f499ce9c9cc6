"""The start page and each role's dashboard."""

from __future__ import annotations

from flask import Response, redirect, render_template, url_for

from app.core.auth import auth_required, current_actor
from app.core.surfaces import Surface, surface_blueprint
from app.models import User
from app.web.dashboard import summary

bp = surface_blueprint("web", __name__, Surface.WEB)


@bp.get("/")
def home() -> Response:
    if current_actor() is not None:
        return redirect(url_for("web.dashboard"))
    return Response(render_template("web/home.html"))


@bp.get("/dashboard")
@auth_required()
def dashboard(actor: User) -> Response:
    return Response(render_template("web/dashboard.html", **summary(actor)))

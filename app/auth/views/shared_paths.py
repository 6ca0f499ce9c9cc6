"""Paths two documents share. The request decides (DESIGN.md): a form is the web page or the
Backend API, JSON is ProctorX."""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from app.auth.views import backend, proctorx, web
from app.core.surfaces import Surface

bp = Blueprint("web_auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login_page() -> Response:
    if request.method == "POST" and request.is_json:
        g.surface = Surface.PROCTORX
        return proctorx.login()
    return web.login()


@bp.post("/token")
def token() -> Response:
    if request.is_json:
        g.surface = Surface.PROCTORX
        return proctorx.token()
    g.surface = Surface.BACKEND
    return backend.token()


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Response:
    if request.method == "POST" and request.is_json:
        g.surface = Surface.PROCTORX
        return proctorx.logout()
    return web.logout()

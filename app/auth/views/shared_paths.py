"""Paths two documents share. The request decides (DESIGN.md): a form is the web page or the
Backend API, JSON is ProctorX. Each dispatcher names in `__api_variants__` the documented
functions it dispatches to, so the OpenAPI document shows every content type on one operation."""

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


login_page.__api_variants__ = [proctorx.login]  # type: ignore[attr-defined]


@bp.post("/token")
def token() -> Response:
    if request.is_json:
        g.surface = Surface.PROCTORX
        return proctorx.token()
    g.surface = Surface.BACKEND
    return backend.token()


token.__api_variants__ = [proctorx.token, backend.token]  # type: ignore[attr-defined]


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Response:
    if request.method == "POST" and request.is_json:
        g.surface = Surface.PROCTORX
        return proctorx.logout()
    return web.logout()


logout.__api_variants__ = [proctorx.logout]  # type: ignore[attr-defined]

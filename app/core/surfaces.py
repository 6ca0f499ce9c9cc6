"""Which documented API a request belongs to, so errors come back in that API's envelope.

A route's blueprint names its surface; a view that serves two surfaces on one path sets
`g.surface`; a URL that matches no route is placed by its path prefix.
"""

from __future__ import annotations

from enum import StrEnum

from flask import Blueprint, g, request


class Surface(StrEnum):
    SMARTAIEXAM_AUTH = "smartaiexam_auth"  # /api/auth/*: {"status": "error", "message"}
    SMARTAIEXAM = "smartaiexam"  # other SmartAIExam JSON: {"success": false, "message"}
    ADAPTIVE = "adaptive"  # {"error"}
    PN = "pn"  # {"error", "details"}
    BACKEND = "backend"  # {"detail"}
    PROCTORX = "proctorx"  # {"ok": false, "error"}
    WEB = "web"  # HTML pages


JSON_ONLY = frozenset(
    {Surface.SMARTAIEXAM_AUTH, Surface.ADAPTIVE, Surface.PN, Surface.BACKEND, Surface.PROCTORX}
)

_BLUEPRINT_SURFACE: dict[str, Surface] = {}

# Longest prefix first; exact paths end without a slash and must match whole.
_PREFIXES: tuple[tuple[str, Surface], ...] = (
    ("/api/auth/", Surface.SMARTAIEXAM_AUTH),
    ("/api/v1/", Surface.PN),
    ("/provider/v1/", Surface.ADAPTIVE),
    ("/api/questions", Surface.ADAPTIVE),
    ("/api/sessions", Surface.ADAPTIVE),
    ("/api/report/", Surface.ADAPTIVE),
    ("/api/review/", Surface.ADAPTIVE),
    ("/api/manager/", Surface.ADAPTIVE),
    ("/api/admin/", Surface.ADAPTIVE),
    ("/api/", Surface.SMARTAIEXAM),
    ("/admin/api/", Surface.SMARTAIEXAM),
    ("/users/", Surface.BACKEND),
    ("/subjects", Surface.BACKEND),
    ("/sessions", Surface.BACKEND),
    ("/professor/", Surface.BACKEND),
    ("/system/", Surface.BACKEND),
    ("/token/refresh", Surface.PROCTORX),
    ("/signup", Surface.PROCTORX),
)
_EXACT: dict[str, Surface] = {
    "/register": Surface.BACKEND,
    "/chat": Surface.BACKEND,
    "/health": Surface.BACKEND,
    "/metrics": Surface.BACKEND,
    "/users/me": Surface.BACKEND,
    "/admin/users": Surface.BACKEND,
    "/_ping": Surface.SMARTAIEXAM,
}


def surface_blueprint(name: str, import_name: str, surface: Surface, **kwargs) -> Blueprint:
    """A blueprint whose routes all belong to one surface."""
    _BLUEPRINT_SURFACE[name] = surface
    return Blueprint(name, import_name, **kwargs)


def blueprint_surface(name: str | None) -> Surface | None:
    """The surface a blueprint was declared for, or None for plain blueprints."""
    return _BLUEPRINT_SURFACE.get(name or "")


def by_path(path: str) -> Surface:
    if path in _EXACT:
        return _EXACT[path]
    if path.startswith("/admin/users/") and path.endswith("/role"):
        return Surface.BACKEND
    for prefix, surface in _PREFIXES:
        if path.startswith(prefix):
            return surface
    if path.startswith(("/preload-exam/", "/start-exam/", "/submit-exam/", "/admin/")):
        return Surface.SMARTAIEXAM
    if path in ("/login", "/token", "/logout") and request.is_json:
        return Surface.PROCTORX
    if path == "/token":
        return Surface.BACKEND
    return Surface.WEB


def current_surface() -> Surface:
    chosen = g.get("surface")
    if chosen:
        return chosen
    return blueprint_surface(request.blueprint) or by_path(request.path)


def bearer_token() -> str | None:
    return bearer_in(request.headers.get("Authorization", ""))


def bearer_in(header: str) -> str | None:
    """The token of an `Authorization: Bearer …` header value, else None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def wants_json() -> bool:
    """For routes that are both page and JSON: API clients get JSON, browsers get HTML.

    JSON-only surfaces (and SmartAIExam's /api/*, /admin/api/*) always answer JSON. Elsewhere a
    Bearer token or a JSON body means JSON; an HTMX request means HTML; otherwise the Accept header
    decides, and a browser, which names text/html explicitly, gets the page.
    """
    surface = current_surface()
    if surface in JSON_ONLY:
        return True
    path = request.path
    if surface == Surface.SMARTAIEXAM and path.startswith(
        ("/api/", "/admin/api/", "/_ping", "/preload-exam/")
    ):
        return True
    if bearer_token() or request.is_json:
        return True
    if request.headers.get("HX-Request"):
        return False
    accept = request.accept_mimetypes
    names_html = any(mime == "text/html" for mime, _ in accept)
    if surface == Surface.WEB:
        return accept.best == "application/json"
    return not (names_html and accept["text/html"] >= accept["application/json"])

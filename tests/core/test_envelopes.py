"""Every surface's errors come back in that surface's envelope, even 404, 405 and 500; a JSON
client never receives an HTML error page."""

from __future__ import annotations

import pytest
from flask import Flask

from app import create_app
from app.config import TestConfig
from app.core.surfaces import Surface, surface_blueprint

NOT_FOUND = [
    ("/api/auth/nothing", {"status": "error", "message": "Resource not found"}),
    ("/api/nothing", {"success": False, "message": "Resource not found"}),
    ("/admin/api/nothing", {"success": False, "message": "Resource not found"}),
    ("/api/v1/nothing/", {"error": "Resource not found", "details": "Resource not found"}),
    ("/api/sessions/nothing/more", {"error": "Resource not found"}),
    ("/provider/v1/nothing", {"error": "Resource not found"}),
    ("/subjects/x/y/z", {"detail": "Resource not found"}),
    ("/users/a/b", {"detail": "Resource not found"}),
]


@pytest.mark.parametrize(("path", "body"), NOT_FOUND)
def test_404_in_the_surface_envelope(client, path, body):
    res = client.get(path)
    assert res.status_code == 404
    assert res.is_json and res.get_json() == body


def test_404_for_a_browser_is_a_page(client):
    res = client.get("/no/such/page", headers={"Accept": "text/html"})
    assert res.status_code == 404
    assert res.mimetype == "text/html" and "<h1>404</h1>" in res.get_data(as_text=True)


def test_404_page_path_asked_as_json_is_json(client):
    res = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert res.status_code == 404 and res.is_json


@pytest.mark.parametrize(
    ("method", "path", "key"),
    [
        ("get", "/api/auth/login", "status"),
        ("delete", "/signup", "ok"),
        ("get", "/register", "detail"),
        ("put", "/token/refresh", "ok"),
    ],
)
def test_405_in_the_surface_envelope(client, method, path, key):
    res = getattr(client, method)(path)
    assert res.status_code == 405
    assert res.is_json and key in res.get_json()
    assert "POST" in res.headers["Allow"]


def test_validation_envelopes(client):
    sae = client.post("/api/auth/login", json={})
    assert sae.status_code == 400 and sae.get_json()["status"] == "error"
    backend = client.post("/register", json={})
    assert backend.status_code == 422
    detail = backend.get_json()["detail"]
    assert {
        "loc": ["body", "username"],
        "msg": "field required",
        "type": "value_error.missing",
    } in detail
    proctorx = client.post("/signup", json={"username": "x"})
    assert proctorx.status_code == 400
    assert proctorx.get_json()["ok"] is False and "password" in proctorx.get_json()["error"]


@pytest.fixture
def crashing_app(tmp_path) -> Flask:
    """A fresh app with one failing route per surface, to see the 500 envelopes."""
    app = create_app(TestConfig(tmp_path))
    for surface in Surface:
        bp = surface_blueprint(
            f"crash_{surface.value}", __name__, surface, url_prefix=f"/crash/{surface.value}"
        )

        @bp.route("/boom")
        def boom():
            raise RuntimeError("kaboom")

        app.register_blueprint(bp)
    return app


@pytest.mark.parametrize(
    ("surface", "body"),
    [
        ("smartaiexam_auth", {"status": "error", "message": "Internal server error"}),
        ("smartaiexam", {"success": False, "message": "Internal server error"}),
        ("adaptive", {"error": "Internal server error"}),
        ("pn", {"error": "Internal server error", "details": "Internal server error"}),
        ("backend", {"detail": "Internal server error"}),
        ("proctorx", {"ok": False, "error": "Internal server error"}),
    ],
)
def test_500_in_the_surface_envelope(crashing_app, surface, body):
    res = crashing_app.test_client().get(
        f"/crash/{surface}/boom", headers={"Accept": "application/json"}
    )
    assert res.status_code == 500
    assert res.get_json() == body
    assert "kaboom" not in res.get_data(as_text=True)  # no internals leak


def test_500_for_a_browser_is_a_page(crashing_app):
    res = crashing_app.test_client().get("/crash/web/boom", headers={"Accept": "text/html"})
    assert res.status_code == 500 and res.mimetype == "text/html"
    assert "kaboom" not in res.get_data(as_text=True)

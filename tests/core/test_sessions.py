"""The session cookie (app/core/sessions.py): re-signed when it changes or once it is a minute
old, never for a request that brought none, and refused when tampered with or expired."""

from __future__ import annotations

import time

from app.core import sessions


def session_cookie(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("examhall_session="):
            return header
    return None


def test_an_unchanged_session_is_sent_again_once_a_minute(
    app, client, make_user, web_login, monkeypatch
):
    web_login(client, make_user("sam"))
    assert session_cookie(client.get("/dashboard")) is None  # signed a moment ago
    now = time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + sessions.REFRESH_AFTER + 1)
    refreshed = session_cookie(client.get("/dashboard"))
    assert refreshed is not None and "Expires=" in refreshed and "HttpOnly" in refreshed


def test_a_changed_session_is_always_sent(client, make_user, web_login):
    token = web_login(client, make_user("sam"))
    assert session_cookie(client.get("/dashboard")) is None
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code in (302, 303)
    cleared = session_cookie(response)
    assert cleared is not None  # signed out: the browser's cookie is replaced at once
    assert client.get("/api/auth/me").status_code == 401


def test_no_cookie_for_a_request_that_brought_none(client):
    response = client.get("/system/info")
    assert response.status_code == 200
    assert session_cookie(response) is None


def test_a_tampered_or_expired_cookie_is_an_empty_session(app, client, make_user, web_login):
    web_login(client, make_user("sam"))
    assert client.get("/api/auth/me").status_code == 200
    cookie = client.get_cookie("examhall_session")
    client.set_cookie("examhall_session", cookie.value[:-2] + "xx")
    assert client.get("/api/auth/me").status_code == 401
    client.set_cookie("examhall_session", cookie.value)
    lifetime = app.permanent_session_lifetime
    app.permanent_session_lifetime = lifetime.__class__(seconds=0)
    try:
        time.sleep(1.1)
        assert client.get("/api/auth/me").status_code == 401
    finally:
        app.permanent_session_lifetime = lifetime


def test_a_cookie_signed_with_a_retired_key_is_refused(app, client, make_user, web_login):
    web_login(client, make_user("sam"))
    assert client.get("/api/auth/me").status_code == 200  # its signature is now remembered
    old = app.secret_key
    app.secret_key = "another-secret-key-0123456789-abcdefghijklmnop"
    try:
        assert client.get("/api/auth/me").status_code == 401
    finally:
        app.secret_key = old

"""Security headers on every response, and CSRF where a cookie could be borrowed."""

from __future__ import annotations

from tests.conftest import PASSWORD, csrf_token


def test_security_headers(client):
    res = client.get("/login")
    csp = res.headers["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    assert res.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in res.headers


def test_hsts_under_https(app, client):
    app.config["PREFERRED_URL_SCHEME"] = "https"
    try:
        assert "max-age=" in client.get("/login").headers["Strict-Transport-Security"]
    finally:
        app.config["PREFERRED_URL_SCHEME"] = "http"


def test_pages_have_no_inline_script(client, make_user, web_login):
    web_login(client, make_user("viewer"))
    for path in ("/login", "/dashboard", "/create_account", "/forgot-password"):
        html = client.get(path).get_data(as_text=True)
        for chunk in html.split("<script")[1:]:
            assert chunk.split(">", 1)[0].strip().startswith("src="), f"inline script on {path}"
        assert " on" + "click=" not in html


def test_web_form_without_csrf_token_is_rejected(client, make_user):
    make_user("alice")
    res = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert res.status_code == 400
    res = client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "csrf_token": csrf_token(client)}
    )
    assert res.status_code == 302


def test_cookie_json_request_needs_the_header_but_bearer_does_not(
    client, make_user, web_login, bearer
):
    user = make_user("bob")
    token = web_login(client, user)
    assert client.post("/api/delete-account", json={"confirm": "nope"}).status_code == 400
    assert (
        "CSRF" in client.post("/api/delete-account", json={"confirm": "nope"}).get_json()["message"]
    )
    with_header = client.post(
        "/api/delete-account", json={"confirm": "nope"}, headers={"X-CSRFToken": token}
    )
    assert with_header.get_json()["message"] == "Invalid confirmation string"
    other = client.application.test_client()  # no cookie at all
    res = other.post("/api/delete-account", json={"confirm": "nope"}, headers=bearer(user))
    assert res.get_json()["message"] == "Invalid confirmation string"


def test_api_login_without_session_needs_no_csrf(client, make_user):
    make_user("carol")
    res = client.post("/api/auth/login", json={"username": "carol", "password": PASSWORD})
    assert res.status_code == 200


def test_session_cookie_flags(client, make_user, web_login):
    web_login(client, make_user("dave"))
    cookie = client.get_cookie("examhall_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert cookie.expires is not None  # permanent session: 3 hours, not a browser-session cookie

"""The sign-in pages as a person uses them: forms, messages, cookies, the reset e-mail."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import AccessRequest, User
from tests.conftest import PASSWORD, csrf_token

NEW_PASSWORD = "a-brand-new-passphrase"


def _html(response) -> str:
    return response.get_data(as_text=True)


def _user(app: Flask, username: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            _ = user.roles  # load before the session closes
            db.session.expunge(user)
        return user


def _signed_in_as(client: FlaskClient) -> str | None:
    """The username the dashboard greets, or None when it sends us to the login page."""
    response = client.get("/dashboard")
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"
        return None
    match = re.search(r"Signed in as <strong>([^<]+)</strong>", _html(response))
    assert match, _html(response)
    return match.group(1)


def test_login_page_renders_form_with_csrf_meta(client: FlaskClient) -> None:
    response = client.get("/login")
    html = _html(response)
    assert response.status_code == 200
    assert re.search(r'<meta name="csrf-token" content="[^"]{20,}">', html)
    assert '<label for="f-username">Username or e-mail</label>' in html
    assert '<label for="f-password">Password</label>' in html
    assert 'name="csrf_token"' in html
    assert html.count("<h1") == 1
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in html  # no inline script anywhere


def test_wrong_password_shows_message_with_401(client: FlaskClient, make_user) -> None:
    make_user("wendy")
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": "wendy", "password": "not-the-password", "csrf_token": token}
    )
    html = _html(response)
    assert response.status_code == 401
    assert 'role="alert"' in html
    assert "Invalid credentials. 2 attempts remaining." in html
    assert 'value="wendy"' in html  # the username is kept, the password is not
    assert "not-the-password" not in html
    assert _signed_in_as(client) is None


def test_login_with_right_password_goes_to_dashboard(client: FlaskClient, make_user) -> None:
    make_user("rita")
    token = csrf_token(client)
    response = client.post(
        "/login", data={"username": "rita@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/dashboard"
    assert _signed_in_as(client) == "rita"


def test_login_ignores_offsite_next(client: FlaskClient, make_user) -> None:
    make_user("nina")
    token = csrf_token(client)
    response = client.post(
        "/login",
        data={
            "username": "nina",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "https://evil.example/steal",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_post_without_csrf_token_is_rejected(client: FlaskClient, make_user) -> None:
    make_user("carl")
    client.get("/login")
    response = client.post("/login", data={"username": "carl", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in _html(response)
    assert _signed_in_as(client) is None


def test_create_account_makes_a_student(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(client, "/create_account")
    response = client.post(
        "/create_account",
        data={
            "csrf_token": token,
            "full_name": "Sita Rao",
            "username": "sita",
            "email": "Sita@Example.com",
            "password": "long-enough-password",
            "confirm_password": "long-enough-password",
            "requested_role": "student",
        },
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/dashboard"
    user = _user(app, "sita")
    assert user is not None
    assert user.roles == {"student"}
    assert user.email == "sita@example.com"
    assert user.full_name == "Sita Rao"
    assert _signed_in_as(client) == "sita"
    with app.app_context():
        assert db.session.scalar(select(AccessRequest)) is None


def test_create_account_shows_field_errors_and_saves_nothing(
    app: Flask, client: FlaskClient
) -> None:
    token = csrf_token(client, "/create_account")
    response = client.post(
        "/create_account",
        data={
            "csrf_token": token,
            "username": "bob",
            "email": "bob@example.com",
            "password": "long-enough-password",
            "confirm_password": "something-else",
        },
    )
    html = _html(response)
    assert response.status_code == 400
    assert 'id="f-confirm_password"' in html
    assert 'aria-describedby="e-confirm_password"' in html
    assert (
        '<small id="e-confirm_password" class="field-error">The two passwords do not match.</small>'
        in html
    )
    assert 'value="bob@example.com"' in html
    assert _user(app, "bob") is None


def test_asking_for_teacher_files_a_request_but_grants_nothing(
    app: Flask, client: FlaskClient
) -> None:
    token = csrf_token(client, "/create_account")
    response = client.post(
        "/create_account",
        data={
            "csrf_token": token,
            "username": "tara",
            "email": "tara@example.com",
            "password": "long-enough-password",
            "confirm_password": "long-enough-password",
            "requested_role": "teacher",
            "reason": "I teach physics to class 11.",
        },
    )
    assert response.status_code == 302
    user = _user(app, "tara")
    assert user is not None
    assert user.roles == {"student"}
    with app.app_context():
        requests = list(db.session.scalars(select(AccessRequest)))
    assert len(requests) == 1
    assert requests[0].user_id == user.id
    assert requests[0].status == "pending"
    assert requests[0].requested_roles == ["teacher"]
    assert requests[0].user_reason == "I teach physics to class 11."
    dashboard = _html(client.get("/dashboard", follow_redirects=True))
    assert "waiting for an admin" in dashboard  # the flash says so
    assert 'data-testid="student-section"' in dashboard
    assert 'data-testid="staff-section"' not in dashboard


def _mails_to(folder: Path, address: str) -> list[EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        if msg["To"] == address:
            found.append(msg)
    return found


def test_forgot_password_mail_link_resets_once(app: Flask, client: FlaskClient, make_user) -> None:
    make_user("fiona", email="fiona.reset@example.com")
    mail_dir: Path = app.config["MAIL_DIR"]

    token = csrf_token(client, "/forgot-password")
    response = client.post(
        "/forgot-password", data={"csrf_token": token, "email": "fiona.reset@example.com"}
    )
    assert response.status_code == 200
    assert "If an account exists with this email, a reset link has been sent." in _html(response)

    mails = _mails_to(mail_dir, "fiona.reset@example.com")
    assert len(mails) == 1
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/reset-password/\S+", body)
    assert link, body
    path = urlsplit(link.group(0)).path

    page = client.get(path)
    assert page.status_code == 200
    assert "fiona" in _html(page)
    form = {
        "csrf_token": csrf_token(client, path),
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    response = client.post(path, data=form)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"

    # The new password works and the old one does not.
    login = {"csrf_token": csrf_token(client), "username": "fiona"}
    assert client.post("/login", data={**login, "password": PASSWORD}).status_code == 401
    assert client.post("/login", data={**login, "password": NEW_PASSWORD}).status_code == 302

    # The same link a second time is refused, on GET and on POST.
    again = client.get(path)
    assert again.status_code == 400
    assert "This reset link is invalid or has expired." in _html(again)
    reuse = client.post(
        path,
        data={
            **form,
            "password": "yet-another-password",
            "confirm_password": "yet-another-password",
        },
    )
    assert reuse.status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token(client, "/dashboard")})
    login = {"csrf_token": csrf_token(client), "username": "fiona"}
    assert (
        client.post("/login", data={**login, "password": "yet-another-password"}).status_code == 401
    )
    assert client.post("/login", data={**login, "password": NEW_PASSWORD}).status_code == 302


def test_forgot_password_for_unknown_address_sends_nothing(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(client, "/forgot-password")
    response = client.post(
        "/forgot-password", data={"csrf_token": token, "email": "nobody@example.com"}
    )
    assert response.status_code == 200
    assert "If an account exists with this email, a reset link has been sent." in _html(response)
    mail_dir: Path = app.config["MAIL_DIR"]
    assert not mail_dir.exists() or _mails_to(mail_dir, "nobody@example.com") == []


def test_logout_is_a_post(client: FlaskClient, make_user, web_login) -> None:
    user = make_user("lou")
    token = web_login(client, user)

    page = client.get("/logout")  # a GET only asks
    assert page.status_code == 200
    assert "Sign out?" in _html(page)
    assert _signed_in_as(client) == "lou"

    assert client.post("/logout", data={}).status_code == 400  # no CSRF token, no effect
    assert _signed_in_as(client) == "lou"

    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert "You have been signed out." in _html(client.get("/login"))
    assert _signed_in_as(client) is None


def test_session_cookie_is_httponly_lax_and_lasts_three_hours(
    client: FlaskClient, make_user
) -> None:
    make_user("cora")
    token = csrf_token(client)
    before = datetime.now(UTC)
    response = client.post(
        "/login", data={"username": "cora", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    cookies = [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("examhall_session=")
    ]
    assert len(cookies) == 1
    attrs = {
        part.strip().split("=", 1)[0].lower(): (part.split("=", 1)[1] if "=" in part else "")
        for part in cookies[0].split(";")[1:]
    }
    assert "httponly" in attrs
    assert attrs["samesite"] == "Lax"
    expires = parsedate_to_datetime(attrs["expires"])
    assert before + timedelta(hours=3) - timedelta(minutes=1) <= expires
    assert expires <= datetime.now(UTC) + timedelta(hours=3) + timedelta(minutes=1)


@pytest.mark.parametrize("path", ["/dashboard", "/account"])
def test_pages_need_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/login"
    assert path in target.query


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    html = _html(response)
    assert response.status_code == 404
    assert "Page not found" in html
    assert html.count("<h1") == 1

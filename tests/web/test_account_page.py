"""The account page: what a signed-in person changes about themselves, and what they cannot
break by typing something wrong."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from app.auth.passwords import verify_password
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, csrf_token

HX = {"HX-Request": "true"}


def _html(response) -> str:
    return response.get_data(as_text=True)


def _fresh(app: Flask, user_id: int) -> User | None:
    with app.app_context():
        user = db.session.get(User, user_id)
        if user is not None:
            db.session.expunge(user)
        return user


def _profile(token: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf_token": token,
        "full_name": "Anna Kumar",
        "email": "anna@example.com",
        "bio": "",
        "avatar_url": "",
    }
    form.update(changes)
    return form


def test_account_page_shows_saved_values(client: FlaskClient, make_user, web_login) -> None:
    user = make_user("anna", full_name="Anna Kumar", bio="Class 12, science")
    web_login(client, user)
    response = client.get("/account")
    html = _html(response)
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'value="Anna Kumar"' in html
    assert 'value="anna@example.com"' in html
    assert "Class 12, science</textarea>" in html
    assert '<a href="/account" data-testid="nav-account" aria-current="page">Account</a>' in html


def test_profile_update_with_htmx_returns_just_the_form(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    user = make_user("anna")
    token = web_login(client, user)
    response = client.post(
        "/account/profile",
        data=_profile(
            token,
            full_name="  Anna K. Kumar ",
            email="Anna.New@Example.com",
            bio="Physics, class 11",
            avatar_url="https://img.example.com/anna.png",
        ),
        headers=HX,
    )
    html = _html(response)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert html.lstrip().startswith('<form id="profile-form"')
    assert "<html" not in html
    assert "Your profile has been saved." in html
    assert 'value="Anna K. Kumar"' in html
    # The name at the top of the page is refreshed out of band.
    assert re.search(r'id="profile-head" hx-swap-oob="true".*Anna K\. Kumar', html, re.S)

    saved = _fresh(app, user.id)
    assert saved.full_name == "Anna K. Kumar"
    assert saved.email == "anna.new@example.com"
    assert saved.bio == "Physics, class 11"
    assert saved.avatar_url == "https://img.example.com/anna.png"
    assert 'src="https://img.example.com/anna.png"' in _html(client.get("/account"))


def test_profile_update_without_javascript_redirects_with_a_message(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    user = make_user("anna")
    token = web_login(client, user)
    response = client.post("/account/profile", data=_profile(token, full_name="Anna Plain"))
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account"
    assert "Your profile has been saved." in _html(client.get("/account"))
    assert _fresh(app, user.id).full_name == "Anna Plain"


def test_bad_email_shows_error_next_to_field_and_changes_nothing(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    user = make_user("anna", full_name="Anna Kumar")
    token = web_login(client, user)
    response = client.post(
        "/account/profile",
        data=_profile(token, full_name="Someone Else", email="not-an-email", bio="changed"),
        headers=HX,
    )
    html = _html(response)
    assert response.status_code == 400
    assert "<html" not in html
    assert re.search(
        r'id="f-email"[^>]*aria-invalid="true"[^>]*aria-describedby="e-email"', html, re.S
    )
    assert '<small id="e-email" class="field-error">Enter a valid e-mail address.</small>' in html
    assert 'value="not-an-email"' in html  # what was typed is kept for correcting

    saved = _fresh(app, user.id)
    assert saved.email == "anna@example.com"
    assert saved.full_name == "Anna Kumar"
    assert saved.bio == ""


def test_email_of_another_account_is_refused(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    make_user("other", email="taken@example.com")
    user = make_user("anna")
    token = web_login(client, user)
    response = client.post(
        "/account/profile",
        data=_profile(token, email="taken@example.com", full_name="X"),
        headers=HX,
    )
    assert response.status_code == 400
    assert "Another account already uses this e-mail address." in _html(response)
    saved = _fresh(app, user.id)
    assert (saved.email, saved.full_name) == ("anna@example.com", "Anna")


def test_avatar_must_be_a_web_address(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    user = make_user("anna")
    token = web_login(client, user)
    response = client.post(
        "/account/profile", data=_profile(token, avatar_url="javascript:alert(1)"), headers=HX
    )
    assert response.status_code == 400
    assert 'id="e-avatar_url"' in _html(response)
    assert _fresh(app, user.id).avatar_url == ""


def test_preferences_are_saved_and_applied(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    user = make_user("anna")
    token = web_login(client, user)
    # The e-mail switch is left off, so the browser does not send it.
    response = client.post(
        "/account/preferences", data={"csrf_token": token, "theme": "dark"}, headers=HX
    )
    html = _html(response)
    assert response.status_code == 200
    assert "Your preferences have been saved." in html
    assert 'data-applied-theme="dark"' in html
    assert _fresh(app, user.id).preferences == {"theme": "dark", "email_notifications": False}

    page = _html(client.get("/account"))
    assert '<html lang="en" data-theme="dark">' in page
    assert re.search(r'name="theme" value="dark"\s+checked', page)
    assert not re.search(r'name="email_notifications"[^>]*checked', page)

    client.post(
        "/account/preferences",
        data={"csrf_token": token, "theme": "auto", "email_notifications": "on"},
        headers=HX,
    )
    assert _fresh(app, user.id).preferences == {"theme": "auto", "email_notifications": True}
    assert "data-theme" not in _html(client.get("/account")).split(">", 2)[1]


def test_unknown_theme_is_refused(app: Flask, client: FlaskClient, make_user, web_login) -> None:
    user = make_user("anna")
    token = web_login(client, user)
    response = client.post(
        "/account/preferences", data={"csrf_token": token, "theme": "neon"}, headers=HX
    )
    assert response.status_code == 400
    assert 'id="e-theme"' in _html(response)
    assert _fresh(app, user.id).preferences == {}


def test_password_change(app: Flask, client: FlaskClient, make_user, web_login) -> None:
    user = make_user("anna")
    token = web_login(client, user)
    new = "my-new-long-password"

    wrong = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": "wrong-one",
            "new_password": new,
            "confirm_password": new,
        },
        headers=HX,
    )
    assert wrong.status_code == 400
    assert "This is not your current password." in _html(wrong)

    mismatch = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new + "x",
        },
        headers=HX,
    )
    assert mismatch.status_code == 400
    assert "The two new passwords do not match." in _html(mismatch)

    short = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "short",
            "confirm_password": "short",
        },
        headers=HX,
    )
    assert short.status_code == 400
    assert 'id="e-new_password"' in _html(short)
    with app.app_context():
        assert verify_password(_fresh(app, user.id).password_hash, PASSWORD)

    ok = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": new,
            "confirm_password": new,
        },
        headers=HX,
    )
    assert ok.status_code == 200
    assert "Your password has been changed." in _html(ok)
    assert new not in _html(ok)

    client.post("/logout", data={"csrf_token": token})
    login = {"csrf_token": csrf_token(client), "username": "anna"}
    assert client.post("/login", data={**login, "password": PASSWORD}).status_code == 401
    assert client.post("/login", data={**login, "password": new}).status_code == 302


def test_delete_account_requires_typing_delete(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    user = make_user("anna")
    token = web_login(client, user)

    for typed in ("", "delete", "Delete", "DELETE IT"):
        response = client.post("/account/delete", data={"csrf_token": token, "confirmation": typed})
        assert response.status_code == 400, typed
        assert "Type DELETE in capital letters to confirm." in _html(response)
        assert _fresh(app, user.id) is not None

    response = client.post("/account/delete", data={"csrf_token": token, "confirmation": "DELETE"})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    assert _fresh(app, user.id) is None
    assert "Your account and its data have been deleted." in _html(client.get("/"))
    assert client.get("/dashboard").status_code == 302  # signed out

    login = {"csrf_token": csrf_token(client), "username": "anna", "password": PASSWORD}
    assert client.post("/login", data=login).status_code == 401


def test_last_admin_cannot_delete_their_account(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    admin = make_user("root", roles=("admin",))
    token = web_login(client, admin)
    response = client.post("/account/delete", data={"csrf_token": token, "confirmation": "DELETE"})
    assert response.status_code == 400
    assert "The last admin cannot delete their account" in _html(response)
    assert _fresh(app, admin.id) is not None


def test_account_forms_need_the_csrf_token(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    user = make_user("anna")
    web_login(client, user)
    response = client.post("/account/profile", data=_profile("", full_name="Forged"), headers=HX)
    assert response.status_code == 400
    assert _fresh(app, user.id).full_name == "Anna"
    response = client.post("/account/delete", data={"confirmation": "DELETE"})
    assert response.status_code == 400
    assert _fresh(app, user.id) is not None

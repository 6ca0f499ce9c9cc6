"""Contract tests for PN Academy's authentication endpoints (002_…), document examples first."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import RefreshToken, User
from tests.conftest import PASSWORD

USER = {"email": "user@example.com", "password": "securepassword123"}


def bearer_of(token):
    return {"Authorization": f"Bearer {token}"}


def test_register_returns_email_and_working_token(app, client):
    res = client.post("/api/v1/register/", json=USER)
    assert res.status_code == 201
    body = res.get_json()
    assert list(body) == ["email", "token"] and body["email"] == "user@example.com"
    me = client.get("/api/auth/me", headers=bearer_of(body["token"]))
    assert me.status_code == 200
    assert me.get_json()["data"]["username"] == "user"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "user@example.com"))
        assert user.roles == {"student"} and user.username == "user"


def test_register_derives_a_free_username(app, client, make_user):
    make_user("user", email="first@example.com")
    assert client.post("/api/v1/register/", json=USER).status_code == 201
    odd = client.post(
        "/api/v1/register/", json={"email": "a+b@example.com", "password": "securepassword123"}
    )
    assert odd.status_code == 201
    with app.app_context():
        names = set(db.session.scalars(select(User.username)))
    assert names == {"user", "user2", "abuser"}


def test_register_duplicate_email_is_400_with_details(client):
    client.post("/api/v1/register/", json=USER)
    res = client.post("/api/v1/register/", json=USER | {"email": "USER@example.com"})
    assert res.status_code == 400
    assert res.get_json() == {
        "error": "Email already exists",
        "details": {"email": ["Email already exists"]},
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "securepassword123"}, "email"),
        ({"email": "user@example.com"}, "password"),
        ({"email": "nope", "password": "securepassword123"}, "email"),
        ({"email": "user@example.com", "password": "short"}, "password"),
        ({"email": 5, "password": "securepassword123"}, "email"),
    ],
)
def test_register_validation_errors(client, body, field):
    res = client.post("/api/v1/register/", json=body)
    assert res.status_code == 400
    out = res.get_json()
    assert set(out) == {"error", "details"}
    assert field in out["details"] and isinstance(out["details"][field], list)


def test_login_returns_token(client, make_user):
    make_user("pnuser", email="user@example.com", password="securepassword123")
    res = client.post("/api/v1/login/", json=USER)
    assert res.status_code == 200
    body = res.get_json()
    assert list(body) == ["token"]
    assert client.get("/api/auth/me", headers=bearer_of(body["token"])).status_code == 200


def test_login_wrong_password_is_401_documented_error(client, make_user):
    make_user("pnuser", email="user@example.com", password="securepassword123")
    res = client.post("/api/v1/login/", json=USER | {"password": "wrong"})
    assert res.status_code == 401
    assert res.get_json() == {
        "error": "Invalid email or password",
        "details": "Invalid credentials. 2 attempts remaining.",
    }
    unknown = client.post("/api/v1/login/", json=USER | {"email": "ghost@example.com"})
    assert unknown.status_code == 401 and unknown.get_json()["error"] == "Invalid email or password"


def test_login_shares_the_lockout(client, make_user):
    make_user("pnuser", email="user@example.com", password="securepassword123")
    for _ in range(2):
        client.post("/api/v1/login/", json=USER | {"password": "wrong"})
    locked = client.post("/api/v1/login/", json=USER | {"password": "wrong"})
    assert locked.status_code == 429
    assert locked.get_json()["error"].startswith("Account locked")
    assert client.post("/api/v1/login/", json=USER).status_code == 429
    # the same pair is locked on every surface's login
    sae = client.post(
        "/api/auth/login", json={"username": "user@example.com", "password": "securepassword123"}
    )
    assert sae.status_code == 429


def test_login_missing_fields_is_400(client):
    res = client.post("/api/v1/login/", json={"email": "user@example.com"})
    assert res.status_code == 400
    assert res.get_json() == {
        "error": "Validation failed",
        "details": {"password": ["Field required"]},
    }


def test_reset_password(app, client, make_user, bearer):
    user = make_user("pnuser", email="user@example.com")
    with app.app_context():  # a refresh token from another surface, which the reset revokes
        from app.auth import tokens

        tokens.issue_refresh(db.session.get(User, user.id), "smartaiexam")
        db.session.commit()
    res = client.post(
        "/api/v1/reset-password/",
        json={"new_password": "newsecurepassword123"},
        headers=bearer(user),
    )
    assert res.status_code == 200
    assert res.get_json() == {"message": "Password has been reset successfully"}
    assert (
        client.post(
            "/api/v1/login/", json={"email": "user@example.com", "password": PASSWORD}
        ).status_code
        == 401
    )
    ok = client.post(
        "/api/v1/login/", json={"email": "user@example.com", "password": "newsecurepassword123"}
    )
    assert ok.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(RefreshToken)).revoked_at is not None


def test_reset_password_needs_auth_and_valid_password(client, make_user, bearer):
    res = client.post("/api/v1/reset-password/", json={"new_password": "newsecurepassword123"})
    assert res.status_code == 401
    assert res.get_json() == {"error": "Not authenticated", "details": "Not authenticated"}
    user = make_user("pnuser")
    short = client.post(
        "/api/v1/reset-password/", json={"new_password": "short"}, headers=bearer(user)
    )
    assert short.status_code == 400
    assert list(short.get_json()["details"]) == ["new_password"]
    missing = client.post("/api/v1/reset-password/", json={}, headers=bearer(user))
    assert missing.status_code == 400 and "new_password" in missing.get_json()["details"]


def test_paths_without_trailing_slash_answer_directly(client, make_user, bearer):
    """Clients that drop Django's trailing slash get the same answer, not a redirect."""
    res = client.post("/api/v1/register", json=USER)
    assert res.status_code == 201
    assert client.post("/api/v1/login", json=USER).status_code == 200
    user = make_user("pnuser")
    reset = client.post(
        "/api/v1/reset-password",
        json={"new_password": "newsecurepassword123"},
        headers=bearer(user),
    )
    assert reset.status_code == 200


def test_unknown_pn_path_is_pn_envelope(client):
    res = client.get("/api/v1/nothing-here/")
    assert res.status_code == 404
    assert set(res.get_json()) == {"error", "details"}
    wrong_method = client.get("/api/v1/login/")
    assert wrong_method.status_code == 405 and set(wrong_method.get_json()) == {"error", "details"}

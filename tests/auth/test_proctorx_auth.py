"""Contract tests for ProctorX (004_…): signup, login, token, refresh and logout, with the
document's own examples."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import AccessRequest, RefreshToken, User, utcnow

TESTUSER = {
    "username": "testuser",
    "password": "testpassword",
    "email": "testuser@example.com",
    "type": "student",
}
CREDENTIALS = {"username": "testuser", "password": "testpassword"}


def signup(client, **changes):
    return client.post("/signup", json=TESTUSER | changes)


def login(client, **changes):
    return client.post("/login", json=CREDENTIALS | changes)


def test_signup_returns_documented_shape(client):
    res = signup(client, name="Test User")
    assert res.status_code == 201
    body = res.get_json()
    assert body == {
        "ok": True,
        "type": "student",
        "name": "Test User",
        "username": "testuser",
        "email": "testuser@example.com",
        "bio": "",
        "profile_url": "http://localhost/static/img/default-avatar.svg",
    }
    assert list(body) == ["ok", "type", "name", "username", "email", "bio", "profile_url"]


def test_default_avatar_is_served(client):
    with client.get("/static/img/default-avatar.svg") as res:
        assert res.status_code == 200


def test_signup_without_name_or_type(client):
    body = {k: v for k, v in TESTUSER.items() if k != "type"}
    res = client.post("/signup", json=body)
    assert res.status_code == 201
    assert res.get_json()["type"] == "student" and res.get_json()["name"] == "testuser"


def test_signup_duplicates_are_400(client):
    assert signup(client).status_code == 201
    same_name = signup(client, email="other@example.com")
    assert same_name.status_code == 400
    assert same_name.get_json() == {"ok": False, "error": "Username already exists"}
    same_email = signup(client, username="other", email="TestUser@Example.com")
    assert same_email.status_code == 400
    assert same_email.get_json() == {"ok": False, "error": "Email already exists"}


@pytest.mark.parametrize("value", ["teacher", "admin", "", 5, None, ["student"]])
def test_signup_invalid_type_is_400(client, value):
    res = signup(client, type=value)
    assert res.status_code == 400
    assert res.get_json() == {"ok": False, "error": "Invalid user type"}


def test_institute_signup_is_student_with_pending_request(app, client):
    res = signup(client, type="institute")
    assert res.status_code == 201
    body = res.get_json()
    assert body["type"] == "student"  # never the staff role at sign-up
    assert body["access_request"]["status"] == "pending"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "testuser"))
        assert user.roles == {"student"}
        request = db.session.get(AccessRequest, body["access_request"]["id"])
        assert request.user_id == user.id and request.status == "pending"
        assert request.requested_roles == ["teacher"]
    # And the institute role is not reachable by logging in either.
    assert login(client).get_json()["type"] == "student"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "testuser"},
        {"username": "testuser", "password": "testpassword"},
        TESTUSER | {"username": 5},
        TESTUSER | {"password": None},
        TESTUSER | {"email": "not-an-email"},
        TESTUSER | {"password": "short"},
        TESTUSER | {"username": "a b"},
    ],
)
def test_signup_bad_bodies_are_400_envelope(client, body):
    res = client.post("/signup", json=body)
    assert res.status_code == 400
    out = res.get_json()
    assert out["ok"] is False and isinstance(out["error"], str) and out["error"]
    assert set(out) == {"ok", "error"}


def test_signup_not_json_object_is_400(client):
    for data in ("[1, 2]", "{nope", '"text"'):
        res = client.post("/signup", data=data, content_type="application/json")
        assert res.status_code == 400
        assert res.get_json()["ok"] is False


def test_login_returns_documented_shape(client):
    signup(client, name="Test User")
    res = login(client)
    assert res.status_code == 200
    body = res.get_json()
    assert list(body) == [
        "ok",
        "type",
        "name",
        "username",
        "email",
        "bio",
        "profile_url",
        "refresh",
        "access",
        "expires_in",
    ]
    assert body["ok"] is True and body["type"] == "student" and body["name"] == "Test User"
    assert body["expires_in"] == 3600
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access']}"})
    assert me.status_code == 200 and me.get_json()["data"]["username"] == "testuser"


def test_login_institute_staff_shows_institute(client, make_user):
    make_user("prof", roles=("teacher",), password="testpassword")
    assert login(client, username="prof").get_json()["type"] == "institute"


def test_login_wrong_password_or_unknown_user_is_401(client):
    signup(client)
    for changes in ({"password": "wrong"}, {"username": "nobody"}):
        res = login(client, **changes)
        assert res.status_code == 401
        assert res.get_json() == {"ok": False, "error": "Invalid username or password"}


def test_login_lockout_is_429_envelope(client):
    signup(client)
    login(client, password="wrong")
    login(client, password="wrong")
    locked = login(client, password="wrong")
    assert locked.status_code == 429
    assert locked.get_json()["ok"] is False and "locked" in locked.get_json()["error"]
    assert login(client).status_code == 429


@pytest.mark.parametrize(
    "body", [{}, {"username": "testuser"}, {"password": "x"}, {"username": 1, "password": "x"}]
)
def test_login_and_token_missing_fields_are_400(client, body):
    for path in ("/login", "/token"):
        res = client.post(path, json=body)
        assert res.status_code == 400, path
        assert res.get_json()["ok"] is False and res.get_json()["error"]


def test_token_returns_access_and_refresh(client):
    signup(client)
    res = client.post("/token", json=CREDENTIALS)
    assert res.status_code == 200
    body = res.get_json()
    assert set(body) == {"access", "refresh"}
    refreshed = client.post("/token/refresh", json={"refresh": body["refresh"]})
    assert refreshed.status_code == 200
    bad = client.post("/token", json=CREDENTIALS | {"password": "wrong"})
    assert bad.status_code == 401
    assert bad.get_json() == {"ok": False, "error": "Invalid username or password"}


def test_refresh_returns_documented_shape(client):
    signup(client)
    refresh = login(client).get_json()["refresh"]
    res = client.post("/token/refresh", json={"refresh": refresh})
    assert res.status_code == 200
    body = res.get_json()
    assert list(body) == ["ok", "access", "expires_in"]
    assert body["ok"] is True and body["expires_in"] == 3600
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access']}"})
    assert me.status_code == 200


def test_refresh_invalid_revoked_or_expired_is_401(app, client):
    signup(client)
    refresh = login(client).get_json()["refresh"]
    invalid = client.post("/token/refresh", json={"refresh": "refresh_token"})
    assert invalid.status_code == 401
    assert invalid.get_json() == {"ok": False, "error": "Invalid refresh token"}
    with app.app_context():
        db.session.execute(update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    expired = client.post("/token/refresh", json={"refresh": refresh})
    assert expired.status_code == 401
    assert expired.get_json() == {"ok": False, "error": "Invalid refresh token"}


def test_refresh_missing_or_wrong_type_is_400(client):
    for body in ({}, {"refresh": ""}, {"refresh": 42}):
        res = client.post("/token/refresh", json=body)
        assert res.status_code == 400
        assert res.get_json() == {"ok": False, "error": "Invalid refresh token"}


def test_logout_is_205_and_revokes(client):
    signup(client)
    refresh = login(client).get_json()["refresh"]
    res = client.post("/logout", json={"refresh": refresh})
    assert res.status_code == 205
    assert res.get_json() == {"ok": True, "message": "Successfully logged out"}
    after = client.post("/token/refresh", json={"refresh": refresh})
    assert after.status_code == 401
    assert after.get_json() == {"ok": False, "error": "Invalid refresh token"}
    # Logging out twice is harmless.
    assert client.post("/logout", json={"refresh": refresh}).status_code == 205


@pytest.mark.parametrize("body", [{"refresh": "refresh_token"}, {}, {"refresh": 7}])
def test_logout_invalid_is_400(client, body):
    res = client.post("/logout", json=body)
    assert res.status_code == 400
    assert res.get_json() == {"ok": False, "error": "Invalid refresh token"}


def test_proctorx_unknown_path_and_method_use_envelope(client):
    res = client.get("/token/refresh")
    assert res.status_code == 405
    assert res.get_json() == {"ok": False, "error": "Method not allowed"}
    assert client.get("/signup").get_json()["ok"] is False

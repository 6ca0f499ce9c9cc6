"""Contract tests for SmartAIExam's JWT endpoints (000_…), using the document's own examples."""

from __future__ import annotations

from datetime import timedelta

from flask_jwt_extended import create_access_token
from sqlalchemy import select, update

from app.extensions import db
from app.models import LoginFailure, RefreshToken, User, utcnow
from tests.conftest import PASSWORD


def login(client, username="john.doe", password="MyPass@2025"):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_login_returns_documented_shape(client, make_user):
    make_user("john.doe", full_name="John Doe", password="MyPass@2025")
    res = login(client)
    assert res.status_code == 200
    body = res.get_json()
    assert body["status"] == "success"
    data = body["data"]
    assert set(data) == {
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "available_portals",
        "user",
    }
    assert data["token_type"] == "Bearer" and data["expires_in"] == 3600
    assert data["available_portals"] == ["user"]
    assert data["user"] == {
        "id": data["user"]["id"],
        "username": "john.doe",
        "full_name": "John Doe",
        "role": "user",
    }


def test_login_accepts_email_and_reports_dual_role(client, make_user):
    make_user("dual", roles=("student", "teacher"), email="dual@example.com")
    res = client.post(
        "/api/auth/login", json={"username": "dual@example.com", "password": PASSWORD}
    )
    data = res.get_json()["data"]
    assert data["available_portals"] == ["user", "admin"]
    assert data["user"]["role"] == "user,admin"


def test_login_missing_fields_is_400_with_documented_message(client):
    for body in ({}, {"username": "x"}, {"password": "y"}, {"username": 5, "password": "y"}):
        res = client.post("/api/auth/login", json=body)
        assert res.status_code == 400
        assert res.get_json() == {
            "status": "error",
            "message": "username/email and password required",
        }


def test_login_not_json_is_400(client):
    res = client.post("/api/auth/login", data="{not json", content_type="application/json")
    assert res.status_code == 400
    assert res.get_json()["status"] == "error"


def test_wrong_password_counts_down_then_locks(app, client, make_user):
    make_user("john.doe", password="MyPass@2025")
    first = login(client, password="wrong")
    assert first.status_code == 401
    assert first.get_json() == {
        "status": "error",
        "message": "Invalid credentials. 2 attempts remaining.",
    }
    assert (
        login(client, password="wrong").get_json()["message"]
        == "Invalid credentials. 1 attempt remaining."
    )
    third = login(client, password="wrong")
    assert third.status_code == 429
    assert third.get_json()["status"] == "error"
    assert "Retry-After" in third.headers
    # Locked even with the right password, for every login endpoint of every surface.
    assert login(client).status_code == 429
    assert (
        client.post("/login", json={"username": "john.doe", "password": "MyPass@2025"}).status_code
        == 429
    )
    assert (
        client.post("/token", data={"username": "john.doe", "password": "MyPass@2025"}).status_code
        == 429
    )


def test_lockout_expires_after_fifteen_minutes(app, client, make_user):
    make_user("john.doe", password="MyPass@2025")
    for _ in range(3):
        login(client, password="wrong")
    with app.app_context():
        db.session.execute(
            update(LoginFailure).values(locked_until=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert login(client).status_code == 200
    with app.app_context():  # success clears the counter
        assert db.session.scalar(select(LoginFailure)) is None


def test_lockout_is_per_identifier(client, make_user):
    make_user("john.doe", password="MyPass@2025")
    make_user("jane")
    for _ in range(3):
        login(client, password="wrong")
    assert login(client, "jane", PASSWORD).status_code == 200


def test_unknown_user_is_invalid_credentials(client):
    res = login(client, "nobody")
    assert res.status_code == 401
    assert res.get_json()["message"] == "Invalid credentials. 2 attempts remaining."


def test_password_not_set(app, client, make_user):
    make_user("googler", password=None, google_sub="g-1")
    res = login(client, "googler", "anything")
    assert res.status_code == 401
    assert res.get_json() == {"status": "error", "message": "Password not set, use web portal"}


def test_me_with_bearer(client, make_user):
    make_user("john.doe", full_name="John Doe", password="MyPass@2025", email="john@example.com")
    token = login(client).get_json()["data"]["access_token"]
    res = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200
    data = res.get_json()["data"]
    assert data["username"] == "john.doe" and data["email"] == "john@example.com"
    assert data["role"] == "user" and data["available_portals"] == ["user"]
    assert set(data) == {
        "id",
        "username",
        "email",
        "full_name",
        "role",
        "available_portals",
        "created_at",
    }
    assert "T" in data["created_at"] and not data["created_at"].endswith("Z")


def test_me_without_token_is_401(client):
    res = client.get("/api/auth/me")
    assert res.status_code == 401
    assert res.get_json()["status"] == "error"


def test_expired_or_garbage_token_is_token_expired_or_invalid(app, client, make_user):
    user = make_user("john.doe")
    with app.app_context():
        expired = create_access_token(
            identity=str(user.id),
            additional_claims={"uid": user.id},
            expires_delta=timedelta(seconds=-5),
        )
    for token in (expired, "garbage.token.here"):
        res = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert res.status_code == 401
        assert res.get_json() == {"status": "error", "message": "token_expired_or_invalid"}


def test_refresh_then_logout_revokes(client, make_user):
    make_user("john.doe", password="MyPass@2025")
    refresh_token = login(client).get_json()["data"]["refresh_token"]
    res = client.post("/api/auth/refresh", json={"refresh_token": refresh_token})
    assert res.status_code == 200
    data = res.get_json()["data"]
    assert set(data) == {"access_token", "token_type", "expires_in"} and data["expires_in"] == 3600
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {data['access_token']}"})
    assert me.status_code == 200

    out = client.post("/api/auth/logout", json={"refresh_token": refresh_token})
    assert out.status_code == 200 and out.get_json() == {
        "status": "success",
        "message": "Logged out",
    }
    again = client.post("/api/auth/refresh", json={"refresh_token": refresh_token})
    assert again.status_code == 401
    assert again.get_json() == {"status": "error", "message": "refresh_token_revoked"}


def test_refresh_invalid_and_expired(app, client, make_user):
    make_user("john.doe", password="MyPass@2025")
    refresh_token = login(client).get_json()["data"]["refresh_token"]
    bad = client.post(
        "/api/auth/refresh", json={"refresh_token": "dGhpcyBpcyBhIHJlZnJlc2ggdG9rZW4..."}
    )
    assert bad.status_code == 401 and bad.get_json()["message"] == "refresh_token_invalid"
    missing = client.post("/api/auth/refresh", json={})
    assert missing.status_code == 400 and missing.get_json()["message"] == "refresh_token_invalid"
    with app.app_context():
        db.session.execute(update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    expired = client.post("/api/auth/refresh", json={"refresh_token": refresh_token})
    assert expired.status_code == 401 and expired.get_json()["message"] == "refresh_token_expired"


def test_refresh_tokens_are_stored_hashed(app, client, make_user):
    make_user("john.doe", password="MyPass@2025")
    raw = login(client).get_json()["data"]["refresh_token"]
    with app.app_context():
        stored = db.session.scalar(select(RefreshToken))
        assert stored.token_hash != raw and len(stored.token_hash) == 64


def test_delete_account(app, client, make_user, bearer):
    user = make_user("leaver")
    headers = bearer(user)
    bad = client.post("/api/delete-account", json={"confirm": "delete"}, headers=headers)
    assert bad.status_code == 400
    assert bad.get_json() == {"success": False, "message": "Invalid confirmation string"}
    with app.app_context():
        assert db.session.get(User, user.id) is not None  # bad input changed nothing
    ok = client.post("/api/delete-account", json={"confirm": "DELETE"}, headers=headers)
    assert ok.status_code == 200 and ok.get_json() == {"success": True}
    with app.app_context():
        assert db.session.get(User, user.id) is None
    # The token of a deleted account stops working.
    assert client.get("/api/auth/me", headers=headers).status_code == 401


def test_delete_account_needs_auth(client):
    res = client.post("/api/delete-account", json={"confirm": "DELETE"})
    assert res.status_code == 401
    assert res.get_json()["success"] is False


def test_ping(client, make_user, web_login):
    assert client.post("/_ping").status_code == 401
    assert client.post("/_ping").get_json() == {"reason": "no_session"}
    token = web_login(client, make_user("pinger"))
    res = client.post("/_ping", headers={"X-CSRFToken": token})
    assert res.status_code == 204 and res.data == b""

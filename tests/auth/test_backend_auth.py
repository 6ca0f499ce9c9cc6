"""Contract tests for Backend's /register and /token (003_…), using the document's examples."""

from __future__ import annotations

import jwt
from sqlalchemy import select

from app.extensions import db
from app.models import AccessRequest, User
from tests.conftest import PASSWORD

GABRIEL = {
    "username": "gabriel",
    "email": "gabriel@example.com",
    "password": "secure_password_123",
    "full_name": "Gabriel Francisco",
    "role": "STUDENT",
}


def register(client, **changes):
    return client.post("/register", json=GABRIEL | changes)


def token(client, username="gabriel", password="secure_password_123"):
    return client.post("/token", data={"username": username, "password": password})


def test_register_returns_documented_shape(client):
    res = register(client)
    assert res.status_code == 201
    assert res.get_json() == {
        "username": "gabriel",
        "email": "gabriel@example.com",
        "full_name": "Gabriel Francisco",
        "role": "STUDENT",
        "subjects": [],
    }


def test_register_professor_gets_student_and_pending_request(app, client):
    res = register(client, role="PROFESSOR")
    assert res.status_code == 201
    assert res.get_json()["role"] == "STUDENT"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "gabriel"))
        assert user.roles == {"student"}
        request = db.session.scalar(select(AccessRequest).where(AccessRequest.user_id == user.id))
        assert request.status == "pending" and request.requested_roles == ["teacher"]


def test_register_admin_is_never_granted(app, client):
    assert register(client, role="ADMIN").get_json()["role"] == "STUDENT"
    with app.app_context():
        request = db.session.scalar(select(AccessRequest))
        assert request.requested_roles == ["admin"]


def test_register_duplicate_username_or_email_is_400(client, make_user):
    make_user("gabriel", email="other@example.com")
    make_user("someone", email="taken@example.com")
    for changes in ({}, {"username": "fresh", "email": "taken@example.com"}):
        res = register(client, **changes)
        assert res.status_code == 400
        assert res.get_json() == {"detail": "Username or email already registered"}


def test_register_missing_field_is_422_with_loc_msg_type(client):
    res = client.post(
        "/register", json={"email": "g@example.com", "password": "secure_password_123"}
    )
    assert res.status_code == 422
    assert res.get_json() == {
        "detail": [
            {"loc": ["body", "username"], "msg": "field required", "type": "value_error.missing"}
        ]
    }


def test_register_invalid_bodies_are_422(client):
    for body in (
        GABRIEL | {"role": "KING"},
        GABRIEL | {"email": "not-an-email"},
        GABRIEL | {"password": "short"},
        GABRIEL | {"username": 5},
    ):
        res = client.post("/register", json=body)
        assert res.status_code == 422, body
        detail = res.get_json()["detail"]
        assert isinstance(detail, list) and detail
        assert all(
            set(item) == {"loc", "msg", "type"} and item["loc"][0] == "body" for item in detail
        )
    res = client.post("/register", data="{oops", content_type="application/json")
    assert res.status_code == 422


def test_token_form_login_and_claims(app, client):
    register(client)
    res = token(client)
    assert res.status_code == 200
    body = res.get_json()
    assert set(body) == {"access_token", "token_type"} and body["token_type"] == "bearer"
    claims = jwt.decode(body["access_token"], app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
    assert claims["sub"] == "gabriel"
    assert claims["role"] == "STUDENT"
    assert claims["subjects"] == []
    assert isinstance(claims["exp"], int) and claims["exp"] - claims["iat"] == 3600


def test_token_role_claim_for_staff(app, client, make_user):
    make_user("prof_ana", roles=("teacher",))
    make_user("root", roles=("admin",))
    for username, role in (("prof_ana", "PROFESSOR"), ("root", "ADMIN")):
        access = token(client, username, PASSWORD).get_json()["access_token"]
        claims = jwt.decode(access, app.config["JWT_SECRET_KEY"], algorithms=["HS256"])
        assert claims["sub"] == username and claims["role"] == role


def test_token_wrong_password_is_401_documented_message(client):
    register(client)
    res = token(client, password="nope")
    assert res.status_code == 401
    assert res.get_json() == {"detail": "Incorrect username or password"}
    assert token(client, username="nobody").get_json() == {
        "detail": "Incorrect username or password"
    }


def test_token_missing_form_fields_is_422(client):
    res = client.post("/token", data={"username": "gabriel"})
    assert res.status_code == 422
    assert res.get_json() == {
        "detail": [
            {"loc": ["body", "password"], "msg": "field required", "type": "value_error.missing"}
        ]
    }
    both = client.post("/token", data={}).get_json()["detail"]
    assert [item["loc"] for item in both] == [["body", "username"], ["body", "password"]]


def test_token_locks_after_three_failures(client):
    register(client)
    for _ in range(2):
        assert token(client, password="nope").status_code == 401
    locked = token(client, password="nope")
    assert locked.status_code == 429
    assert locked.get_json()["detail"].startswith("Account locked")
    assert token(client).status_code == 429


def test_one_token_vocabulary(client):
    """A Backend token works on Backend's /users/me and on SmartAIExam's /api/auth/me."""
    register(client)
    access = token(client).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {access}"}
    me = client.get("/users/me", headers=headers)
    assert me.status_code == 200 and me.get_json()["username"] == "gabriel"
    sae = client.get("/api/auth/me", headers=headers)
    assert sae.status_code == 200
    assert sae.get_json()["data"]["username"] == "gabriel"
    assert sae.get_json()["data"]["role"] == "user"


def test_json_token_is_proctorx_not_backend(client):
    register(client)
    res = client.post("/token", json={"username": "gabriel", "password": "secure_password_123"})
    assert res.status_code == 200 and set(res.get_json()) == {"access", "refresh"}

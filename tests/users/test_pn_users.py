"""Contract tests for PN Academy's user management (002_…: "User Management Endpoints")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import User

MANAGER = {
    "email": "manager@example.com",
    "password": "securepassword123",
    "role": "assessment_manager",
}


@pytest.fixture
def admin_headers(make_user, bearer):
    return bearer(make_user("root", roles=("admin",), email="root@example.com"))


@pytest.mark.parametrize(
    ("role", "internal"),
    [("assessment_manager", {"teacher"}), ("proctor", {"proctor"}), ("admin", {"admin"})],
)
def test_create_user(app, client, admin_headers, role, internal):
    res = client.post("/api/v1/users/", json=MANAGER | {"role": role}, headers=admin_headers)
    assert res.status_code == 201
    assert res.get_json() == {
        "status": "success",
        "message": "User created successfully",
        "data": {"email": "manager@example.com", "role": role},
    }
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "manager@example.com"))
        assert user.roles == internal and user.username == "manager"
    login = client.post(
        "/api/v1/login/", json={"email": "manager@example.com", "password": "securepassword123"}
    )
    assert login.status_code == 200


def test_create_user_errors(client, admin_headers):
    for role in ("student", "teacher", "ADMIN", None):
        res = client.post("/api/v1/users/", json=MANAGER | {"role": role}, headers=admin_headers)
        assert res.status_code == 400, role
        assert (
            res.get_json()["error"] == "Validation failed" and "role" in res.get_json()["details"]
        )
    assert client.post("/api/v1/users/", json=MANAGER, headers=admin_headers).status_code == 201
    dup = client.post("/api/v1/users/", json=MANAGER, headers=admin_headers)
    assert dup.status_code == 400
    assert dup.get_json() == {
        "error": "Email already exists",
        "details": {"email": ["Email already exists"]},
    }
    weak = client.post(
        "/api/v1/users/",
        json=MANAGER | {"email": "p@example.com", "password": "x"},
        headers=admin_headers,
    )
    assert weak.status_code == 400 and "password" in weak.get_json()["details"]


def test_create_user_admin_only(client, make_user, bearer):
    res = client.post("/api/v1/users/", json=MANAGER, headers=bearer(make_user(roles=("manager",))))
    assert res.status_code == 403
    assert res.get_json() == {
        "error": "Insufficient permissions",
        "details": "Insufficient permissions",
    }
    assert client.post("/api/v1/users/", json=MANAGER).status_code == 401
    assert (
        client.get("/api/v1/users/", headers=bearer(make_user(roles=("proctor",)))).status_code
        == 403
    )


def test_list_users_staff_with_pn_roles(client, make_user, admin_headers):
    make_user("student1")
    make_user("teach", roles=("teacher",))
    make_user("boss", roles=("manager", "student"))
    make_user("watch", roles=("proctor",))
    make_user("mixed", roles=("proctor", "teacher"))
    res = client.get("/api/v1/users/", headers=admin_headers)
    assert res.status_code == 200
    rows = res.get_json()
    assert [(r["email"].split("@")[0], r["role"]) for r in rows] == [
        ("root", "admin"),
        ("teach", "assessment_manager"),
        ("boss", "assessment_manager"),
        ("watch", "proctor"),
        ("mixed", "assessment_manager"),
    ]
    assert list(rows[0]) == ["id", "email", "role", "phone_number", "created_at"]
    assert rows[0]["phone_number"] is None and rows[0]["created_at"].endswith("Z")
    assert res.headers["X-Total-Count"] == "5"

    def emails(role):
        res = client.get(f"/api/v1/users/?role={role}", headers=admin_headers)
        assert res.status_code == 200
        return [r["email"].split("@")[0] for r in res.get_json()]

    assert emails("assessment_manager") == ["teach", "boss", "mixed"]
    assert emails("proctor") == ["watch"]
    assert emails("admin") == ["root"]


def test_list_users_pagination_and_bad_role(client, make_user, admin_headers):
    for i in range(3):
        make_user(f"prof{i}", roles=("teacher",))
    res = client.get("/api/v1/users?page=2&page_size=2", headers=admin_headers)
    assert res.status_code == 200
    assert [r["email"] for r in res.get_json()] == ["prof1@example.com", "prof2@example.com"]
    bad = client.get("/api/v1/users/?role=student", headers=admin_headers)
    assert bad.status_code == 400 and "role" in bad.get_json()["details"]

"""Contract tests for Backend's user and admin endpoints (003_…: /users/*, /admin/users*)."""

from __future__ import annotations

from app.extensions import db
from app.models import User


def test_me_documented_shape(client, make_user, bearer):
    user = make_user("gabriel", full_name="Gabriel Francisco", email="gabriel@example.com")
    res = client.get("/users/me", headers=bearer(user))
    assert res.status_code == 200
    assert res.get_json() == {
        "username": "gabriel",
        "email": "gabriel@example.com",
        "full_name": "Gabriel Francisco",
        "role": "STUDENT",
        "subjects": [],
        "preferences": {},
    }


def test_me_without_token_is_not_authenticated_and_bad_token_says_so(client):
    assert client.get("/users/me").status_code == 401
    assert client.get("/users/me").get_json() == {"detail": "Not authenticated"}
    bad = client.get("/users/me", headers={"Authorization": "Bearer garbage"})
    assert bad.status_code == 401 and bad.get_json() == {"detail": "token_expired_or_invalid"}
    put = client.put("/users/me", json={"full_name": "x"})
    assert put.status_code == 401 and put.get_json() == {"detail": "Not authenticated"}


def test_update_me(app, client, make_user, bearer):
    user = make_user("gabriel", full_name="Gabriel Francisco")
    body = {
        "full_name": "Gabriel Francisco García",
        "email": "gabriel.new@example.com",
        "preferences": {"theme": "light", "notifications": False},
    }
    res = client.put("/users/me", json=body, headers=bearer(user))
    assert res.status_code == 200
    assert res.get_json() == {
        "username": "gabriel",
        "email": "gabriel.new@example.com",
        "full_name": "Gabriel Francisco García",
        "role": "STUDENT",
        "subjects": [],
        "preferences": {"theme": "light", "notifications": False},
    }
    # Fields left out stay; preferences merge.
    res = client.put("/users/me", json={"preferences": {"language": "es"}}, headers=bearer(user))
    assert res.get_json()["preferences"] == {
        "theme": "light",
        "notifications": False,
        "language": "es",
    }
    assert res.get_json()["email"] == "gabriel.new@example.com"
    with app.app_context():
        assert db.session.get(User, user.id).full_name == "Gabriel Francisco García"


def test_update_me_email_in_use_is_400(client, make_user, bearer):
    user = make_user("gabriel")
    make_user("maria", email="maria@example.com")
    res = client.put("/users/me", json={"email": "Maria@Example.com"}, headers=bearer(user))
    assert res.status_code == 400
    assert res.get_json() == {"detail": "Email already in use"}
    # Keeping one's own address is not a conflict.
    own = client.put("/users/me", json={"email": "gabriel@example.com"}, headers=bearer(user))
    assert own.status_code == 200


def test_update_me_invalid_body_is_422(client, make_user, bearer):
    user = make_user("gabriel")
    for body in ({"preferences": "dark"}, {"full_name": 5}, {"email": "not-an-email"}):
        res = client.put("/users/me", json=body, headers=bearer(user))
        assert res.status_code == 422, body
        item = res.get_json()["detail"][0]
        assert set(item) == {"loc", "msg", "type"} and item["loc"][0] == "body"
    assert client.put("/users/me", json=["x"], headers=bearer(user)).status_code == 422


def test_user_profile_staff_only(client, make_user, bearer):
    student = make_user("gabriel", full_name="Gabriel Francisco")
    other = make_user("maria")
    for roles in (("teacher",), ("manager",), ("proctor",), ("admin",)):
        staff = make_user(roles=roles)
        res = client.get("/users/gabriel", headers=bearer(staff))
        assert res.status_code == 200, roles
        assert res.get_json() == {
            "username": "gabriel",
            "email": "gabriel@example.com",
            "full_name": "Gabriel Francisco",
            "role": "STUDENT",
            "subjects": [],
        }
    res = client.get("/users/gabriel", headers=bearer(other))
    assert res.status_code == 403 and res.get_json() == {"detail": "Insufficient permissions"}
    assert client.get("/users/gabriel").get_json() == {"detail": "Not authenticated"}
    missing = client.get("/users/nobody", headers=bearer(make_user(roles=("admin",))))
    assert missing.status_code == 404 and missing.get_json() == {"detail": "User not found"}
    assert client.get("/users/gabriel", headers=bearer(student)).status_code == 403


def test_admin_users_lists_with_role_filter(client, make_user, bearer):
    admin = make_user("root", roles=("admin",))
    make_user("gabriel")
    make_user("prof_ana", roles=("teacher",))
    make_user("boss", roles=("manager", "student"))
    make_user("watcher", roles=("proctor",))
    make_user("both", roles=("teacher", "admin"))
    headers = bearer(admin)
    res = client.get("/admin/users", headers=headers)
    assert res.status_code == 200
    rows = res.get_json()
    assert [r["username"] for r in rows] == [
        "root",
        "gabriel",
        "prof_ana",
        "boss",
        "watcher",
        "both",
    ]
    assert set(rows[0]) == {"username", "email", "full_name", "role", "subjects", "created_at"}
    assert rows[0]["created_at"].endswith("Z")

    def names(role):
        res = client.get(f"/admin/users?role={role}", headers=headers)
        assert res.status_code == 200
        assert {r["role"] for r in res.get_json()} <= {role}
        return [r["username"] for r in res.get_json()]

    assert names("STUDENT") == ["gabriel"]
    assert names("PROFESSOR") == ["prof_ana", "boss", "watcher"]
    assert names("ADMIN") == ["root", "both"]


def test_admin_users_limit_skip_and_bad_query(client, make_user, bearer):
    admin = make_user("root", roles=("admin",))
    for i in range(4):
        make_user(f"stu{i}")
    headers = bearer(admin)
    page = client.get("/admin/users?limit=2&skip=1", headers=headers).get_json()
    assert [r["username"] for r in page] == ["stu0", "stu1"]
    for query in ("role=KING", "limit=zero", "limit=0", "skip=-1"):
        res = client.get(f"/admin/users?{query}", headers=headers)
        assert res.status_code == 422, query
        assert res.get_json()["detail"][0]["loc"][0] == "query"


def test_admin_users_needs_admin(client, make_user, bearer):
    res = client.get("/admin/users", headers=bearer(make_user(roles=("teacher",))))
    assert res.status_code == 403 and res.get_json() == {"detail": "Insufficient permissions"}
    assert client.get("/admin/users").status_code == 401


def test_change_role(app, client, make_user, bearer):
    admin = make_user("root", roles=("admin",))
    make_user("gabriel")
    res = client.post(
        "/admin/users/gabriel/role", json={"role": "PROFESSOR"}, headers=bearer(admin)
    )
    assert res.status_code == 200
    assert res.get_json() == {
        "username": "gabriel",
        "role": "PROFESSOR",
        "message": "User role updated",
    }
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "gabriel"))
        assert user.roles == {"teacher"}
    back = client.post("/admin/users/gabriel/role", json={"role": "STUDENT"}, headers=bearer(admin))
    assert back.get_json()["role"] == "STUDENT"


def test_change_role_keeps_a_manager_a_manager(app, client, make_user, bearer):
    admin = make_user("root", roles=("admin",))
    boss = make_user("boss", roles=("manager",))
    res = client.post("/admin/users/boss/role", json={"role": "PROFESSOR"}, headers=bearer(admin))
    assert res.get_json()["role"] == "PROFESSOR"
    with app.app_context():
        assert db.session.get(User, boss.id).roles == {"manager"}


def test_change_role_errors(client, make_user, bearer):
    admin = make_user("root", roles=("admin",))
    make_user("gabriel")
    headers = bearer(admin)
    bad = client.post("/admin/users/gabriel/role", json={"role": "KING"}, headers=headers)
    assert bad.status_code == 400 and bad.get_json() == {"detail": "Invalid role"}
    lower = client.post("/admin/users/gabriel/role", json={"role": "professor"}, headers=headers)
    assert lower.status_code == 400
    missing = client.post("/admin/users/nobody/role", json={"role": "ADMIN"}, headers=headers)
    assert missing.status_code == 404 and missing.get_json() == {"detail": "User not found"}
    no_body = client.post("/admin/users/gabriel/role", json={}, headers=headers)
    assert no_body.status_code == 422
    assert no_body.get_json()["detail"][0]["loc"] == ["body", "role"]
    last = client.post("/admin/users/root/role", json={"role": "STUDENT"}, headers=headers)
    assert last.status_code == 400 and last.get_json() == {"detail": "Cannot remove the last admin"}


def test_change_role_needs_admin(client, make_user, bearer):
    make_user("gabriel")
    prof = make_user("prof", roles=("teacher",))
    res = client.post("/admin/users/gabriel/role", json={"role": "ADMIN"}, headers=bearer(prof))
    assert res.status_code == 403 and res.get_json() == {"detail": "Insufficient permissions"}
    assert client.post("/admin/users/gabriel/role", json={"role": "ADMIN"}).status_code == 401

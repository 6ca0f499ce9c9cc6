"""Contract tests for SmartAIExam's user administration (000_…, "Admin JSON APIs"): search,
stats, update-role and bulk-update-roles, with the document's example bodies."""

from __future__ import annotations

import pytest

from app.core.errors import Invalid
from app.extensions import db
from app.models import User
from app.users import services


@pytest.fixture
def admin(make_user):
    return make_user("root", roles=("admin",), email="root@example.com")


@pytest.fixture
def people(make_user):
    """One user of each SmartAIExam role, by name."""
    return {
        "alice": make_user("alice", roles=("student",), full_name="Alice Learner"),
        "bob": make_user("bob", roles=("teacher",), full_name="Bob Teacher"),
        "carol": make_user("carol", roles=("student", "teacher"), full_name="Carol Both"),
        "dave": make_user("dave", roles=("student",), full_name="Dave Learner"),
    }


def roles_of(app, user_id: int) -> set[str]:
    with app.app_context():
        return set(db.session.get(User, user_id).roles)


def snapshot(app) -> dict[int, set[str]]:
    with app.app_context():
        return {u.id: set(u.roles) for u in db.session.query(User).all()}


# Search and stats ----------------------------------------------------------------------------


def test_search_documented_shape(client, bearer, admin, people):
    res = client.get("/admin/api/users/search?q=&role=&page=", headers=bearer(admin))
    assert res.status_code == 200
    body = res.get_json()
    assert set(body) == {"success", "users", "pagination"} and body["success"] is True
    assert body["pagination"] == {
        "page": 1,
        "per_page": 20,
        "total": 5,
        "pages": 1,
        "has_next": False,
        "has_prev": False,
    }
    alice = next(u for u in body["users"] if u["username"] == "alice")
    assert alice == {
        "id": people["alice"].id,
        "username": "alice",
        "email": "alice@example.com",
        "full_name": "Alice Learner",
        "role": "user",
        "roles": ["student"],
        "created_at": alice["created_at"],
        "last_login_at": None,
    }
    assert {u["username"]: u["role"] for u in body["users"]} == {
        "root": "admin",
        "alice": "user",
        "bob": "admin",
        "carol": "user,admin",
        "dave": "user",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=user", {"alice", "dave"}),
        ("role=admin", {"root", "bob"}),
        ("role=both", {"carol"}),
        ("q=learner", {"alice", "dave"}),
        ("q=CAROL@EXAMPLE", {"carol"}),
        ("q=learner&role=both", set()),
    ],
)
def test_search_filters(client, bearer, admin, people, query, expected):
    body = client.get(f"/admin/api/users/search?{query}", headers=bearer(admin)).get_json()
    assert {u["username"] for u in body["users"]} == expected
    assert body["pagination"]["total"] == len(expected)


def test_search_paginates(client, bearer, admin, people):
    body = client.get("/admin/api/users/search?page=2&per_page=2", headers=bearer(admin)).get_json()
    assert [u["username"] for u in body["users"]] == ["bob", "carol"]
    assert body["pagination"] == {
        "page": 2,
        "per_page": 2,
        "total": 5,
        "pages": 3,
        "has_next": True,
        "has_prev": True,
    }


@pytest.mark.parametrize("query", ["role=teacher", "page=x", "page=-1", "per_page=1000"])
def test_search_bad_query_is_400(client, bearer, admin, query):
    res = client.get(f"/admin/api/users/search?{query}", headers=bearer(admin))
    assert res.status_code == 400
    assert res.get_json()["success"] is False


def test_stats_documented_shape(client, bearer, admin, people):
    res = client.get("/admin/api/users/stats", headers=bearer(admin))
    assert res.status_code == 200
    assert res.get_json() == {
        "success": True,
        "total_users": 5,
        "user_role": 2,
        "admin_role": 2,
        "both_roles": 1,
    }


# Update role ---------------------------------------------------------------------------------


def test_update_role_documented_example(app, client, bearer, admin, people):
    alice = people["alice"]
    res = client.post(
        "/admin/users/update-role",
        json={"user_id": alice.id, "new_role": "user,admin"},
        headers=bearer(admin),
    )
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True and body["message"]
    assert body["user"]["id"] == alice.id and body["user"]["role"] == "user,admin"
    assert roles_of(app, alice.id) == {"student", "teacher"}
    me = client.get("/api/auth/me", headers=bearer(alice)).get_json()["data"]
    assert me["available_portals"] == ["user", "admin"]


def test_update_role_keeps_staff_roles_that_map_to_admin(app, client, bearer, admin, make_user):
    manager = make_user("meg", roles=("student", "manager"))
    res = client.post(
        "/admin/users/update-role",
        json={"user_id": manager.id, "new_role": "admin"},
        headers=bearer(admin),
    )
    assert res.status_code == 200
    assert roles_of(app, manager.id) == {"manager"}


def test_update_role_accepts_a_form_body(app, client, bearer, admin, people):
    bob = people["bob"]
    res = client.post(
        "/admin/users/update-role",
        data={"user_id": str(bob.id), "new_role": "user"},
        headers=bearer(admin),
    )
    assert res.status_code == 200 and res.is_json
    assert roles_of(app, bob.id) == {"student"}


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"user_id": 1},
        {"new_role": "user"},
        {"user_id": "abc", "new_role": "user"},
        {"user_id": True, "new_role": "user"},
        {"user_id": "ALICE", "new_role": 5},
        {"user_id": "ALICE", "new_role": "superuser"},
        {"user_id": "ALICE", "new_role": "user,root"},
        {"user_id": "ALICE", "new_role": ""},
        ["ALICE", "user"],
    ],
)
def test_update_role_bad_input_is_400_and_changes_nothing(
    app, client, bearer, admin, people, payload
):
    before = snapshot(app)
    if isinstance(payload, dict) and payload.get("user_id") == "ALICE":
        payload = payload | {"user_id": people["alice"].id}
    res = client.post("/admin/users/update-role", json=payload, headers=bearer(admin))
    assert res.status_code == 400
    body = res.get_json()
    assert body["success"] is False and body["message"]
    assert snapshot(app) == before


def test_update_role_unknown_user_is_404(app, client, bearer, admin):
    before = snapshot(app)
    res = client.post(
        "/admin/users/update-role",
        json={"user_id": 9999, "new_role": "user"},
        headers=bearer(admin),
    )
    assert res.status_code == 404
    assert res.get_json() == {"success": False, "message": "User not found"}
    assert snapshot(app) == before


def test_last_admin_cannot_be_demoted(app, client, bearer, admin, make_user):
    res = client.post(
        "/admin/users/update-role",
        json={"user_id": admin.id, "new_role": "user"},
        headers=bearer(admin),
    )
    assert res.status_code == 400
    assert res.get_json() == {"success": False, "message": "Cannot remove the last admin"}
    assert roles_of(app, admin.id) == {"admin"}
    # Setting the admin portal keeps the admin role.
    ok = client.post(
        "/admin/users/update-role",
        json={"user_id": admin.id, "new_role": "user,admin"},
        headers=bearer(admin),
    )
    assert ok.status_code == 200
    assert roles_of(app, admin.id) == {"student", "admin"}
    # With a second admin, one of them may be demoted.
    other = make_user("second", roles=("admin",))
    res = client.post(
        "/admin/users/update-role",
        json={"user_id": other.id, "new_role": "user"},
        headers=bearer(admin),
    )
    assert res.status_code == 200
    assert roles_of(app, other.id) == {"student"}


# Bulk update ---------------------------------------------------------------------------------


def test_bulk_update_documented_example(app, client, bearer, admin, people):
    updates = [
        {"user_id": people["alice"].id, "new_role": "user,admin"},
        {"user_id": people["bob"].id, "new_role": "user"},
    ]
    res = client.post(
        "/admin/users/bulk-update-roles", json={"updates": updates}, headers=bearer(admin)
    )
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True and body["updated"] == 2 and body["message"]
    assert [(u["username"], u["role"]) for u in body["users"]] == [
        ("alice", "user,admin"),
        ("bob", "user"),
    ]
    assert roles_of(app, people["alice"].id) == {"student", "teacher"}
    assert roles_of(app, people["bob"].id) == {"student"}


@pytest.mark.parametrize(
    ("second", "status", "message"),
    [
        (
            {"user_id": "BOB", "new_role": "owner"},
            400,
            "updates[1] (user_id BOB): Invalid role 'owner'",
        ),
        ({"user_id": 9999, "new_role": "user"}, 404, "updates[1] (user_id 9999): User not found"),
        (
            {"user_id": "ALICE", "new_role": "admin"},
            400,
            "updates[1] (user_id ALICE): duplicate user_id",
        ),
        ({"user_id": "BOB"}, 400, "updates.1.new_role is required"),
        ({"user_id": "x", "new_role": "user"}, 400, "updates.1.user_id"),
    ],
)
def test_bulk_update_is_all_or_nothing(app, client, bearer, admin, people, second, status, message):
    ids = {"ALICE": people["alice"].id, "BOB": people["bob"].id}
    second = {k: ids.get(v, v) if k == "user_id" else v for k, v in second.items()}
    message = message.replace("ALICE", str(ids["ALICE"])).replace("BOB", str(ids["BOB"]))
    before = snapshot(app)
    updates = [{"user_id": people["alice"].id, "new_role": "user,admin"}, second]
    res = client.post(
        "/admin/users/bulk-update-roles", json={"updates": updates}, headers=bearer(admin)
    )
    assert res.status_code == status
    body = res.get_json()
    assert body["success"] is False
    assert body["message"].startswith(message)
    assert snapshot(app) == before  # the valid first item was not applied either


def test_bulk_cannot_demote_every_admin(app, client, bearer, admin, make_user):
    other = make_user("second", roles=("admin",))
    before = snapshot(app)
    updates = [{"user_id": admin.id, "new_role": "user"}, {"user_id": other.id, "new_role": "user"}]
    res = client.post(
        "/admin/users/bulk-update-roles", json={"updates": updates}, headers=bearer(admin)
    )
    assert res.status_code == 400
    assert "Cannot remove the last admin" in res.get_json()["message"]
    assert snapshot(app) == before
    # Demoting one of the two is fine.
    ok = client.post(
        "/admin/users/bulk-update-roles", json={"updates": updates[1:]}, headers=bearer(admin)
    )
    assert ok.status_code == 200
    assert roles_of(app, other.id) == {"student"}


@pytest.mark.parametrize(
    "payload", [{}, {"updates": []}, {"updates": {"user_id": 1}}, {"updates": "all"}]
)
def test_bulk_bad_shape_is_400(app, client, bearer, admin, payload):
    before = snapshot(app)
    res = client.post("/admin/users/bulk-update-roles", json=payload, headers=bearer(admin))
    assert res.status_code == 400
    assert res.get_json()["success"] is False
    assert snapshot(app) == before


# Authorisation -------------------------------------------------------------------------------

CALLS = [
    pytest.param("get", "/admin/api/users/search?q=&role=&page=", None, id="search"),
    pytest.param("get", "/admin/api/users/stats", None, id="stats"),
    pytest.param("post", "/admin/users/update-role", "single", id="update-role"),
    pytest.param("post", "/admin/users/bulk-update-roles", "bulk", id="bulk-update-roles"),
]


def _payload(kind: str | None, target_id: int) -> dict | None:
    """The document's example bodies, aimed at one user."""
    item = {"user_id": target_id, "new_role": "user,admin"}
    return {"single": item, "bulk": {"updates": [item]}}.get(kind or "")


@pytest.mark.parametrize(("method", "path", "payload"), CALLS)
def test_no_auth_is_401(app, client, people, method, path, payload):
    before = snapshot(app)
    res = getattr(client, method)(path, json=_payload(payload, people["alice"].id))
    assert res.status_code == 401
    assert res.get_json() == {"success": False, "message": "Not authenticated"}
    assert snapshot(app) == before


@pytest.mark.parametrize("who", ["alice", "bob", "carol"])
@pytest.mark.parametrize(("method", "path", "payload"), CALLS)
def test_students_and_teachers_get_403_by_bearer(
    app, client, bearer, people, who, method, path, payload
):
    before = snapshot(app)
    res = getattr(client, method)(
        path, json=_payload(payload, people["alice"].id), headers=bearer(people[who])
    )
    assert res.status_code == 403
    body = res.get_json()
    assert body["success"] is False and body["message"]
    assert snapshot(app) == before


@pytest.mark.parametrize("who", ["alice", "bob"])
@pytest.mark.parametrize(("method", "path", "payload"), CALLS)
def test_students_and_teachers_get_403_by_session(
    app, client, web_login, people, who, method, path, payload
):
    token = web_login(client, people[who])
    before = snapshot(app)
    res = getattr(client, method)(
        path, json=_payload(payload, people["alice"].id), headers={"X-CSRFToken": token}
    )
    assert res.status_code == 403
    assert res.get_json()["success"] is False
    assert snapshot(app) == before


def test_admin_session_with_csrf_token(app, client, web_login, admin, people):
    token = web_login(client, admin)
    assert client.get("/admin/api/users/stats").get_json()["total_users"] == 5
    payload = {"user_id": people["dave"].id, "new_role": "admin"}
    assert client.post("/admin/users/update-role", json=payload).status_code == 400  # no CSRF token
    assert roles_of(app, people["dave"].id) == {"student"}
    res = client.post("/admin/users/update-role", json=payload, headers={"X-CSRFToken": token})
    assert res.status_code == 200
    assert roles_of(app, people["dave"].id) == {"teacher"}


def test_bad_bearer_token_is_401_not_cookie_fallback(client, web_login, admin):
    web_login(client, admin)
    res = client.get("/admin/api/users/stats", headers={"Authorization": "Bearer garbage"})
    assert res.status_code == 401
    assert res.get_json() == {"success": False, "message": "token_expired_or_invalid"}


def test_bulk_service_checks_every_item_before_changing_any(app, admin, people):
    """The request would roll back anyway; the service itself must not leave half a change in
    the session (a job or a caller that catches the error could otherwise commit it)."""
    with app.app_context():
        actor = db.session.get(User, admin.id)
        updates = [(people["alice"].id, "user,admin"), (people["bob"].id, "owner")]
        with pytest.raises(Invalid, match=r"updates\[1\]"):
            services.bulk_update_roles(actor, updates)
        assert set(db.session.get(User, people["alice"].id).roles) == {"student"}
        db.session.rollback()

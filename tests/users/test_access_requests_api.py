"""Contract tests for SmartAIExam's access requests (000_…): the public validate/submit endpoints
from "Auth JSON Endpoints" and the admin list/stats/approve/deny from "Admin JSON APIs", with
the document's example bodies."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AccessRequest, User

EXAMPLE_SUBMIT = {
    "username": "john.doe",
    "email": "john@example.com",
    "current_access": "user",
    "requested_access": "admin",
    "user_reason": "I need to manage exams for my batch",
}


@pytest.fixture
def john(make_user):
    return make_user("john.doe", email="john@example.com", full_name="John Doe")


@pytest.fixture
def admin(make_user):
    return make_user("root", roles=("admin",))


def submit(client, **changes):
    return client.post("/api/submit-access-request", json=EXAMPLE_SUBMIT | changes)


def requests_in_db(app) -> list[AccessRequest]:
    with app.app_context():
        rows = list(db.session.scalars(select(AccessRequest).order_by(AccessRequest.id)))
        db.session.expunge_all()
        return rows


def roles_of(app, user_id: int) -> set[str]:
    with app.app_context():
        return set(db.session.get(User, user_id).roles)


def portals(client, bearer, user) -> list[str]:
    res = client.get("/api/auth/me", headers=bearer(user))
    assert res.status_code == 200
    return res.get_json()["data"]["available_portals"]


# Public: validate ----------------------------------------------------------------------------


def test_validate_user_returns_documented_shape(client, john):
    res = client.post(
        "/api/validate-user-for-request", json={"username": "john.doe", "email": "john@example.com"}
    )
    assert res.status_code == 200
    assert res.get_json() == {
        "success": True,
        "user": {"username": "john.doe", "current_access": "user"},
        "available_requests": ["admin", "user,admin"],
        "has_pending_request": False,
        "can_request": True,
    }


@pytest.mark.parametrize(
    ("roles", "current", "available"),
    [
        (("teacher",), "admin", ["user,admin", "user"]),
        (("student", "teacher"), "user,admin", []),
        (("admin",), "admin", ["user,admin", "user"]),
    ],
)
def test_validate_lists_only_access_the_user_lacks(client, make_user, roles, current, available):
    make_user("jane", roles=roles, email="jane@example.com")
    body = client.post(
        "/api/validate-user-for-request", json={"username": "jane", "email": "JANE@example.com"}
    ).get_json()
    assert body["user"]["current_access"] == current
    assert body["available_requests"] == available
    assert body["can_request"] is bool(available)


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "john.doe", "email": "other@example.com"},
        {"username": "nobody", "email": "john@example.com"},
    ],
)
def test_validate_needs_username_and_email_of_one_account(client, john, payload):
    res = client.post("/api/validate-user-for-request", json=payload)
    assert res.status_code == 404
    assert res.get_json() == {"success": False, "message": "User not found"}


@pytest.mark.parametrize(
    "payload", [{}, {"username": "john.doe"}, {"username": 5, "email": "x@y.z"}]
)
def test_validate_bad_input_is_400_envelope(client, john, payload):
    res = client.post("/api/validate-user-for-request", json=payload)
    assert res.status_code == 400
    body = res.get_json()
    assert body["success"] is False and body["message"]


# Public: submit ------------------------------------------------------------------------------


def test_submit_documented_example(app, client, john):
    res = submit(client)
    assert res.status_code == 200
    body = res.get_json()
    assert body == {
        "success": True,
        "message": "Request submitted.",
        "request_id": body["request_id"],
    }
    [row] = requests_in_db(app)
    assert row.id == body["request_id"] and row.user_id == john.id
    assert (row.status, row.current_access, row.requested_access) == ("pending", "user", "admin")
    assert row.user_reason == "I need to manage exams for my batch"
    assert row.requested_roles == ["teacher"]
    assert roles_of(app, john.id) == {"student"}  # nothing granted until an admin approves

    again = client.post(
        "/api/validate-user-for-request", json={"username": "john.doe", "email": "john@example.com"}
    ).get_json()
    assert again["has_pending_request"] is True and again["can_request"] is False


def test_submit_twice_is_400_already_pending(app, client, john):
    assert submit(client).status_code == 200
    res = submit(client, requested_access="user,admin")
    assert res.status_code == 400
    assert res.get_json() == {"success": False, "message": "Already has pending request"}
    assert len(requests_in_db(app)) == 1


@pytest.mark.parametrize("requested", ["superuser", "", "user,root", 5, None])
def test_submit_unknown_role_string_is_400_and_files_nothing(app, client, john, requested):
    res = submit(client, requested_access=requested)
    assert res.status_code == 400
    assert res.get_json()["success"] is False
    assert requests_in_db(app) == []


def test_submit_access_already_held_is_400(app, client, john):
    res = submit(client, requested_access="user")
    assert res.status_code == 400
    assert res.get_json() == {"success": False, "message": "Already has user access"}
    assert requests_in_db(app) == []


def test_submit_for_wrong_email_is_404(app, client, john):
    res = submit(client, email="someone@example.com")
    assert res.status_code == 404
    assert res.get_json() == {"success": False, "message": "User not found"}
    assert requests_in_db(app) == []


def test_submit_records_the_real_current_access_and_canonical_role(app, client, john):
    assert submit(client, current_access="admin", requested_access="admin, user").status_code == 200
    [row] = requests_in_db(app)
    assert (row.current_access, row.requested_access) == ("user", "user,admin")


# Admin: list and stats -----------------------------------------------------------------------


def test_list_and_stats_documented_shapes(app, client, bearer, make_user, admin):
    for i in range(3):
        make_user(f"asker{i}", email=f"asker{i}@example.com")
        res = submit(client, username=f"asker{i}", email=f"asker{i}@example.com")
        assert res.status_code == 200
    first = requests_in_db(app)[0].id
    assert (
        client.post(
            f"/admin/requests/deny/{first}", json={"reason": "no"}, headers=bearer(admin)
        ).status_code
        == 200
    )

    res = client.get("/admin/api/requests/list?status=pending&page=1", headers=bearer(admin))
    assert res.status_code == 200
    body = res.get_json()
    assert set(body) == {"success", "requests", "pagination"} and body["success"] is True
    assert body["pagination"] == {
        "page": 1,
        "per_page": 20,
        "total": 2,
        "pages": 1,
        "has_next": False,
        "has_prev": False,
    }
    item = body["requests"][0]
    assert set(item) == {
        "id",
        "user_id",
        "username",
        "email",
        "full_name",
        "current_access",
        "requested_access",
        "requested_roles",
        "user_reason",
        "status",
        "approved_access",
        "admin_reason",
        "decided_by",
        "created_at",
        "decided_at",
    }
    assert {r["status"] for r in body["requests"]} == {"pending"}
    assert item["requested_access"] == "admin" and item["requested_roles"] == ["teacher"]
    assert item["username"].startswith("asker")

    denied = client.get("/admin/api/requests/list?status=denied", headers=bearer(admin)).get_json()
    assert [r["id"] for r in denied["requests"]] == [first]
    assert denied["requests"][0]["decided_by"] == "root"

    stats = client.get("/admin/api/requests/stats", headers=bearer(admin))
    assert stats.status_code == 200
    assert stats.get_json() == {
        "success": True,
        "pending": 2,
        "completed": 0,
        "denied": 1,
        "total": 3,
    }


def test_list_paginates_and_defaults_to_pending(client, bearer, make_user, admin):
    for i in range(3):
        make_user(f"asker{i}", email=f"asker{i}@example.com")
        submit(client, username=f"asker{i}", email=f"asker{i}@example.com")
    body = client.get(
        "/admin/api/requests/list?page=2&per_page=2", headers=bearer(admin)
    ).get_json()
    assert len(body["requests"]) == 1
    assert body["pagination"]["page"] == 2 and body["pagination"]["pages"] == 2
    assert body["pagination"]["has_prev"] is True and body["pagination"]["has_next"] is False


@pytest.mark.parametrize("query", ["status=approved", "page=abc", "page=0"])
def test_list_bad_query_is_400(client, bearer, admin, query):
    res = client.get(f"/admin/api/requests/list?{query}", headers=bearer(admin))
    assert res.status_code == 400
    assert res.get_json()["success"] is False


# Admin: approve and deny ---------------------------------------------------------------------


@pytest.fixture
def pending(app, client, john) -> int:
    assert submit(client).status_code == 200
    return requests_in_db(app)[0].id


def test_approve_documented_example_applies_role(app, client, bearer, admin, john, pending):
    assert portals(client, bearer, john) == ["user"]
    res = client.post(
        f"/admin/requests/approve/{pending}",
        json={"approved_access": "admin"},
        headers=bearer(admin),
    )
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True and body["message"]
    assert body["request"]["status"] == "completed"
    assert body["request"]["approved_access"] == "admin"
    assert body["request"]["decided_by"] == "root" and body["request"]["decided_at"]
    assert portals(client, bearer, john) == ["admin"]
    assert roles_of(app, john.id) == {"teacher"}  # the admin portal, not the admin role
    [row] = requests_in_db(app)
    assert (
        row.status == "completed" and row.decided_by_id == admin.id and row.decided_at is not None
    )


def test_approve_without_access_adds_the_requested_roles(app, client, bearer, admin, john, pending):
    res = client.post(f"/admin/requests/approve/{pending}", headers=bearer(admin))
    assert res.status_code == 200
    assert res.get_json()["request"]["approved_access"] == "user,admin"
    assert portals(client, bearer, john) == ["user", "admin"]


# A Backend sign-up as ADMIN asks for Examhall's admin role, which SmartAIExam's vocabulary
# cannot name: requested_access says "user,admin" either way, requested_roles says "admin".

BACKEND_ADMIN = {
    "username": "gabriel",
    "email": "gabriel@example.com",
    "password": "secure_password_123",
    "full_name": "Gabriel Francisco",
    "role": "ADMIN",
}


@pytest.fixture
def backend_admin_request(app, client) -> tuple[int, int]:
    """(request id, user id) of a Backend POST /register as ADMIN."""
    assert client.post("/register", json=BACKEND_ADMIN).status_code == 201
    [row] = requests_in_db(app)
    return row.id, row.user_id


def test_backend_admin_request_shows_the_internal_admin_role(
    client, bearer, admin, backend_admin_request
):
    rid, _ = backend_admin_request
    listed = client.get("/admin/api/requests/list", headers=bearer(admin)).get_json()
    [item] = listed["requests"]
    assert item["id"] == rid
    assert item["requested_access"] == "user,admin"
    assert item["requested_roles"] == ["admin"]


def test_approving_as_requested_names_the_admin_role(
    app, client, bearer, admin, backend_admin_request
):
    rid, user_id = backend_admin_request
    res = client.post(f"/admin/requests/approve/{rid}", headers=bearer(admin))
    assert res.status_code == 200
    body = res.get_json()
    assert roles_of(app, user_id) == {"student", "admin"}
    assert body["request"]["approved_access"] == "user,admin"
    assert body["request"]["requested_roles"] == ["admin"]
    assert body["message"] == (
        "Request approved: gabriel now has user,admin access (Examhall roles: student, admin)."
    )


def test_approving_with_user_admin_grants_a_teacher_not_an_admin(
    app, client, bearer, admin, backend_admin_request
):
    rid, user_id = backend_admin_request
    res = client.post(
        f"/admin/requests/approve/{rid}",
        json={"approved_access": "user,admin"},
        headers=bearer(admin),
    )
    assert res.status_code == 200
    assert roles_of(app, user_id) == {"student", "teacher"}
    body = res.get_json()
    assert body["request"]["approved_access"] == "user,admin"
    assert body["message"].endswith("(Examhall roles: student, teacher).")


def test_deciding_twice_is_409(app, client, bearer, admin, john, pending):
    ok = client.post(
        f"/admin/requests/deny/{pending}", json={"reason": "Not this term"}, headers=bearer(admin)
    )
    assert ok.status_code == 200
    assert ok.get_json()["request"]["status"] == "denied"
    assert ok.get_json()["request"]["admin_reason"] == "Not this term"
    res = client.post(
        f"/admin/requests/approve/{pending}",
        json={"approved_access": "admin"},
        headers=bearer(admin),
    )
    assert res.status_code == 409
    assert res.get_json() == {"success": False, "message": "Request already denied"}
    again = client.post(
        f"/admin/requests/deny/{pending}", json={"reason": "x"}, headers=bearer(admin)
    )
    assert again.status_code == 409
    assert roles_of(app, john.id) == {"student"}
    assert requests_in_db(app)[0].status == "denied"


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("approve", {"approved_access": "superuser"}),
        ("approve", {"approved_access": 7}),
        ("approve", ["admin"]),
        ("deny", {}),
        ("deny", {"reason": "   "}),
        ("deny", {"reason": 3}),
    ],
)
def test_bad_decision_input_is_400_and_changes_nothing(
    app, client, bearer, admin, john, pending, path, payload
):
    res = client.post(f"/admin/requests/{path}/{pending}", json=payload, headers=bearer(admin))
    assert res.status_code == 400
    assert res.get_json()["success"] is False
    assert requests_in_db(app)[0].status == "pending"
    assert roles_of(app, john.id) == {"student"}


@pytest.mark.parametrize("path", ["approve", "deny"])
def test_unknown_request_is_404(client, bearer, admin, path):
    res = client.post(
        f"/admin/requests/{path}/999",
        json={"approved_access": "admin", "reason": "x"},
        headers=bearer(admin),
    )
    assert res.status_code == 404
    assert res.get_json() == {"success": False, "message": "Request not found"}


# Authorisation -------------------------------------------------------------------------------

ADMIN_CALLS = [
    ("get", "/admin/api/requests/list", None),
    ("get", "/admin/api/requests/stats", None),
    ("post", "/admin/requests/approve/{id}", {"approved_access": "admin"}),
    ("post", "/admin/requests/deny/{id}", {"reason": "No"}),
]


@pytest.mark.parametrize(("method", "path", "payload"), ADMIN_CALLS)
def test_admin_endpoints_need_auth(app, client, pending, method, path, payload):
    res = getattr(client, method)(path.format(id=pending), json=payload)
    assert res.status_code == 401
    assert res.get_json() == {"success": False, "message": "Not authenticated"}
    assert requests_in_db(app)[0].status == "pending"


@pytest.mark.parametrize("roles", [("student",), ("teacher",), ("student", "teacher", "manager")])
@pytest.mark.parametrize(("method", "path", "payload"), ADMIN_CALLS)
def test_non_admins_get_403_by_bearer(
    app, client, bearer, make_user, pending, roles, method, path, payload
):
    someone = make_user("someone", roles=roles)
    res = getattr(client, method)(path.format(id=pending), json=payload, headers=bearer(someone))
    assert res.status_code == 403
    body = res.get_json()
    assert body["success"] is False and body["message"]
    assert requests_in_db(app)[0].status == "pending"


@pytest.mark.parametrize("roles", [("student",), ("teacher",)])
def test_non_admins_get_403_by_session(app, client, web_login, make_user, pending, roles):
    token = web_login(client, make_user("someone", roles=roles))
    res = client.post(
        f"/admin/requests/approve/{pending}",
        json={"approved_access": "admin"},
        headers={"X-CSRFToken": token},
    )
    assert res.status_code == 403
    assert res.get_json()["success"] is False
    assert client.get("/admin/api/requests/stats").status_code == 403
    assert requests_in_db(app)[0].status == "pending"


def test_admin_session_approves_with_csrf_token(
    app, client, web_login, bearer, admin, john, pending
):
    token = web_login(client, admin)
    without = client.post(
        f"/admin/requests/approve/{pending}", json={"approved_access": "user,admin"}
    )
    assert without.status_code == 400  # cookie-authenticated change without the CSRF token
    assert requests_in_db(app)[0].status == "pending"
    res = client.post(
        f"/admin/requests/approve/{pending}",
        json={"approved_access": "user,admin"},
        headers={"X-CSRFToken": token},
    )
    assert res.status_code == 200
    assert portals(client, bearer, john) == ["user", "admin"]
    assert client.get("/admin/api/requests/stats").get_json()["completed"] == 1


def test_public_endpoints_are_rate_limited(app, client, john):
    for _ in range(60):
        client.post(
            "/api/validate-user-for-request",
            json={"username": "john.doe", "email": "x@example.com"},
        )
    res = client.post(
        "/api/validate-user-for-request", json={"username": "john.doe", "email": "john@example.com"}
    )
    assert res.status_code == 429
    assert res.get_json()["success"] is False
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AccessRequest)) == 0

"""The HTMX admin pages for users and access requests: one view renders the full page for a
browser, the `panel` block for htmx, and JSON for API clients; the pages' forms post to the
documented endpoints."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AccessRequest, User
from app.users import access_requests

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def hx(token: str | None = None, **extra: str) -> dict[str, str]:
    headers = {"HX-Request": "true", **BROWSER, **extra}
    if token:
        headers["X-CSRFToken"] = token
    return headers


@pytest.fixture
def admin(make_user):
    return make_user("root", roles=("admin",))


@pytest.fixture
def people(make_user):
    return {
        "alice": make_user("alice", roles=("student",), full_name="Alice Learner"),
        "bob": make_user("bob", roles=("teacher",), full_name="Bob Teacher"),
    }


@pytest.fixture
def signed_in(client, web_login, admin) -> str:
    return web_login(client, admin)


def roles_of(app, user_id: int) -> set[str]:
    with app.app_context():
        return set(db.session.get(User, user_id).roles)


def file_request(app, user: User, requested: str = "admin") -> int:
    with app.app_context():
        req = access_requests.submit(
            username=user.username, email=user.email, requested_access=requested
        )
        db.session.commit()
        return req.id


def request_status(app, request_id: int) -> str:
    with app.app_context():
        return db.session.get(AccessRequest, request_id).status


# Users page ---------------------------------------------------------------------------------


def test_users_page_full_for_a_browser(client, signed_in, people):
    res = client.get("/admin/accounts", headers=BROWSER)
    assert res.status_code == 200 and res.mimetype == "text/html"
    assert "HX-Request" in res.headers.get("Vary", "")
    html = res.get_data(as_text=True)
    assert "<html" in html and "<h1>Users</h1>" in html
    assert 'id="users-panel"' in html
    assert "<caption>" in html and '<th scope="col">Username</th>' in html
    assert '<th scope="row">alice</th>' in html
    # Teachers show as SmartAIExam "Admin" with Examhall's own roles beneath, so they are
    # not mistaken for administrators.
    bob = html[html.index(f'id="user-{people["bob"].id}"') :]
    bob = bob[: bob.index("</tr>")]
    assert re.search(r'data-testid="user-internal-roles">[^<]*\w', bob)
    assert 'hx-trigger="input changed delay:400ms, search"' in html
    assert 'for="f-q"' in html and 'for="f-role"' in html and 'for="bulk-role"' in html
    assert f'for="role-{people["alice"].id}"' in html
    # Demoting someone with admin access asks first; a plain user's row does not.
    bob_row = html[html.index(f'id="user-{people["bob"].id}"') :]
    assert "hx-confirm" in bob_row[: bob_row.index("</tr>")]
    alice_row = html[html.index(f'id="user-{people["alice"].id}"') :]
    assert "hx-confirm" not in alice_row[: alice_row.index("</tr>")]
    assert re.search(r'data-testid="stat-total">3<', html)


def test_users_page_panel_only_for_htmx(client, signed_in, people):
    res = client.get("/admin/accounts?q=alice", headers=hx())
    assert res.status_code == 200
    assert "HX-Request" in res.headers.get("Vary", "")
    html = res.get_data(as_text=True)
    assert "<html" not in html and "<h1>" not in html
    assert 'data-testid="users-table"' in html
    assert '<th scope="row">alice</th>' in html and '<th scope="row">bob</th>' not in html


def test_users_page_role_filter_and_empty_state(client, signed_in, people):
    html = client.get("/admin/accounts?role=admin", headers=hx()).get_data(as_text=True)
    assert '<th scope="row">bob</th>' in html and '<th scope="row">alice</th>' not in html
    empty = client.get("/admin/accounts?q=nobody-like-this", headers=hx()).get_data(as_text=True)
    assert 'data-testid="users-empty"' in empty and "No users match these filters." in empty
    assert "<table" not in empty


def test_users_page_paginates(client, signed_in, make_user):
    for i in range(25):
        make_user(f"learner{i:02d}")
    html = client.get("/admin/accounts?page=2", headers=hx()).get_data(as_text=True)
    assert "page 2 of 2" in html
    assert 'rel="prev"' in html and 'rel="next"' not in html
    assert html.count('data-testid="user-row"') == 6


def test_users_page_json_for_api_clients(client, bearer, admin, people):
    res = client.get("/admin/accounts?role=user", headers=bearer(admin))
    assert res.status_code == 200 and res.is_json
    body = res.get_json()
    assert [u["username"] for u in body["users"]] == ["alice"]
    assert body["pagination"]["total"] == 1


def test_users_page_access(client, web_login, make_user):
    assert client.get("/admin/accounts", headers=BROWSER).status_code == 302  # to the sign-in page
    web_login(client, make_user("teach", roles=("teacher",)))
    res = client.get("/admin/accounts", headers=BROWSER)
    assert res.status_code == 403 and "<html" in res.get_data(as_text=True)


def test_users_page_in_admin_navigation(client, signed_in):
    html = client.get("/dashboard", headers=BROWSER).get_data(as_text=True)
    assert 'href="/admin/accounts"' in html and 'href="/admin/access-requests"' in html


def test_row_role_change_returns_the_panel(app, client, signed_in, people):
    alice = people["alice"]
    res = client.post(
        "/admin/users/update-role",
        data={"user_id": alice.id, "new_role": "user,admin", "q": "", "role": "", "page": "1"},
        headers=hx(signed_in),
    )
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<html" not in html and 'data-testid="panel-message"' in html
    assert "Role of alice updated to user,admin." in html
    assert re.search(r'data-testid="stat-both">1<', html)
    assert roles_of(app, alice.id) == {"student", "teacher"}


def test_row_role_change_needs_csrf(app, client, signed_in, people):
    res = client.post(
        "/admin/users/update-role",
        data={"user_id": people["alice"].id, "new_role": "admin"},
        headers=hx(),
    )
    assert res.status_code == 400
    assert roles_of(app, people["alice"].id) == {"student"}


def test_failed_role_change_shows_error_in_panel(app, client, signed_in, admin):
    res = client.post(
        "/admin/users/update-role",
        data={"user_id": admin.id, "new_role": "user"},
        headers=hx(signed_in),
    )
    assert res.status_code == 400  # swapped in by app.js, like any validation error
    html = res.get_data(as_text=True)
    assert "<html" not in html
    assert "data-error-message" in html and "Cannot remove the last admin" in html
    assert roles_of(app, admin.id) == {"admin"}


def test_bulk_role_change_from_the_page(app, client, signed_in, people):
    ids = [people["alice"].id, people["bob"].id]
    res = client.post(
        "/admin/users/bulk-update-roles",
        data={"user_ids": [str(i) for i in ids], "new_role": "user,admin"},
        headers=hx(signed_in),
    )
    assert res.status_code == 200
    assert "Roles updated for 2 users." in res.get_data(as_text=True)
    assert roles_of(app, ids[0]) == {"student", "teacher"}
    assert roles_of(app, ids[1]) == {"student", "teacher"}


def test_bulk_without_selection_says_so(app, client, signed_in, people):
    res = client.post(
        "/admin/users/bulk-update-roles", data={"new_role": "admin"}, headers=hx(signed_in)
    )
    assert res.status_code == 400
    assert "Select at least one user first." in res.get_data(as_text=True)
    assert roles_of(app, people["alice"].id) == {"student"}


def test_plain_form_post_redirects_back_to_the_page(app, client, signed_in, people):
    res = client.post(
        "/admin/users/update-role",
        data={"user_id": people["bob"].id, "new_role": "user", "csrf_token": signed_in, "q": "bo"},
        headers=BROWSER,
    )
    assert res.status_code == 303
    assert res.headers["Location"].startswith("/admin/accounts?")
    assert "q=bo" in res.headers["Location"]
    assert roles_of(app, people["bob"].id) == {"student"}
    page = client.get(res.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert "Role of bob updated to user." in page


# Access requests page -----------------------------------------------------------------------


def test_requests_page_full_and_panel(app, client, signed_in, people):
    file_request(app, people["alice"])
    full = client.get("/admin/access-requests", headers=BROWSER)
    assert full.status_code == 200 and "HX-Request" in full.headers.get("Vary", "")
    html = full.get_data(as_text=True)
    assert "<html" in html and "<h1>Access requests</h1>" in html
    assert (
        '<nav aria-label="Request status"' in html
        and 'aria-current="page" data-testid="tab-pending"' in html
    )
    assert "<caption>Pending requests: 1" in html and '<th scope="col">Decision</th>' in html
    assert 'for="grant-' in html and 'for="deny-' in html and "hx-confirm" in html

    panel = client.get("/admin/access-requests?status=denied", headers=hx())
    assert panel.status_code == 200 and "HX-Request" in panel.headers.get("Vary", "")
    text = panel.get_data(as_text=True)
    assert "<html" not in text
    assert "No denied requests." in text and 'data-testid="requests-empty"' in text


def test_requests_page_access(client, web_login, make_user):
    assert client.get("/admin/access-requests", headers=BROWSER).status_code == 302
    web_login(client, make_user("kid"))
    assert client.get("/admin/access-requests", headers=hx()).status_code == 403


def test_requests_page_bad_status_is_400(client, signed_in):
    assert client.get("/admin/access-requests?status=approved", headers=BROWSER).status_code == 400


def test_approve_from_the_page(app, client, bearer, signed_in, people):
    rid = file_request(app, people["alice"])
    res = client.post(
        f"/admin/requests/approve/{rid}",
        data={"approved_access": "user,admin", "status": "pending", "page": "1"},
        headers=hx(signed_in),
    )
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<html" not in html
    assert "alice now has user,admin access" in html
    assert "No pending requests." in html
    assert request_status(app, rid) == "completed"
    me = client.get("/api/auth/me", headers=bearer(people["alice"])).get_json()["data"]
    assert me["available_portals"] == ["user", "admin"]


def backend_admin_signup(app, client) -> int:
    """A Backend POST /register as ADMIN: a student with a pending request for Examhall admin."""
    payload = {
        "username": "gabriel",
        "email": "gabriel@example.com",
        "password": "secure_password_123",
        "full_name": "Gabriel Francisco",
        "role": "ADMIN",
    }
    assert app.test_client().post("/register", json=payload).status_code == 201
    with app.app_context():
        return db.session.scalar(select(AccessRequest.id))


def test_requests_page_warns_when_approval_grants_admin(app, client, signed_in, people):
    admin_rid = backend_admin_signup(app, client)
    teacher_rid = file_request(app, people["alice"])  # SmartAIExam "admin": a teacher
    html = client.get("/admin/access-requests", headers=BROWSER).get_data(as_text=True)
    rows = {
        rid: html[html.index(f'id="request-{rid}"') :].split("</tr>", 1)[0]
        for rid in (admin_rid, teacher_rid)
    }
    admin_row, teacher_row = rows[admin_rid], rows[teacher_rid]
    assert "User and admin" in admin_row
    assert "Examhall roles: admin" in admin_row
    assert 'data-testid="admin-warning"' in admin_row
    assert "grants full administrator rights" in admin_row
    assert '<option value="">As requested (adds Examhall roles: admin)</option>' in admin_row
    # the safe choice stays the default: "User and admin" gives a teacher
    assert '<option value="user,admin" selected>' in admin_row
    assert "Examhall roles: teacher" in teacher_row
    assert "admin-warning" not in teacher_row and "full administrator rights" not in teacher_row


def test_approving_an_admin_request_from_the_page(app, client, signed_in, people):
    rid = backend_admin_signup(app, client)
    res = client.post(
        f"/admin/requests/approve/{rid}",
        data={"approved_access": "user,admin"},
        headers=hx(signed_in),
    )
    assert res.status_code == 200
    assert "gabriel now has user,admin access (Examhall roles: student, teacher)" in res.get_data(
        as_text=True
    )
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "gabriel"))
    assert roles_of(app, user_id) == {"student", "teacher"}


def test_approving_as_requested_from_the_page_grants_admin(app, client, signed_in, people):
    rid = backend_admin_signup(app, client)
    res = client.post(
        f"/admin/requests/approve/{rid}", data={"approved_access": ""}, headers=hx(signed_in)
    )
    assert res.status_code == 200
    assert "gabriel now has user,admin access (Examhall roles: student, admin)" in res.get_data(
        as_text=True
    )
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "gabriel"))
    assert roles_of(app, user_id) == {"student", "admin"}


def test_deny_from_the_page_needs_a_reason(app, client, signed_in, people):
    rid = file_request(app, people["alice"])
    bad = client.post(f"/admin/requests/deny/{rid}", data={"reason": "  "}, headers=hx(signed_in))
    assert bad.status_code == 400
    assert "data-error-message" in bad.get_data(as_text=True)
    assert request_status(app, rid) == "pending"
    ok = client.post(
        f"/admin/requests/deny/{rid}",
        data={"reason": "Ask your HoD", "status": "denied"},
        headers=hx(signed_in),
    )
    assert ok.status_code == 200
    html = ok.get_data(as_text=True)
    assert "Request from alice denied." in html and "Ask your HoD" in html
    assert request_status(app, rid) == "denied"


def test_deciding_a_decided_request_from_the_page(app, client, signed_in, people):
    rid = file_request(app, people["alice"])
    assert (
        client.post(
            f"/admin/requests/deny/{rid}", data={"reason": "No"}, headers=hx(signed_in)
        ).status_code
        == 200
    )
    res = client.post(
        f"/admin/requests/approve/{rid}", data={"approved_access": "admin"}, headers=hx(signed_in)
    )
    assert res.status_code == 409  # not swapped; app.js announces the marked message
    assert re.search(r"data-error-message[^>]*>Request already denied<", res.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(AccessRequest.status)) == "denied"
    assert roles_of(app, people["alice"].id) == {"student"}

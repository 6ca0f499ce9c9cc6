"""Who may change an exam: its owner, its co-owners and admins; another teacher gets 403, a
student or a proctor 403, nobody signed in 401; a refused request changes nothing. Checked with a
Bearer token (API clients) and with the session cookie and CSRF token (the pages)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.exams.conftest import EXAMPLE, snapshot

# (method path suffix, JSON body) for each state-changing exam endpoint
ACTIONS: dict[str, tuple[str, dict]] = {
    "edit": ("/admin/exams/edit/{id}", {"name": "Hijacked"}),
    "delete": ("/admin/exams/delete/{id}", {}),
    "release": ("/admin/exams/{id}/release-results", {}),
    "publish": ("/admin/exams/{id}/publish", {}),
    "unpublish": ("/admin/exams/{id}/unpublish", {}),
    "archive": ("/admin/exams/{id}/archive", {}),
    "add_section": ("/admin/exams/{id}/sections", {"name": "Part B"}),
    "add_co_owner": ("/admin/exams/{id}/co-owners/add", {"username": "bharat"}),
}


@pytest.fixture
def exam_id(teacher, make_exam, add_questions) -> int:
    exam_id = make_exam(teacher, result_mode="manual")
    add_questions(exam_id)
    return exam_id


def call(client, action: str, exam_id: int, headers: dict) -> object:
    path, body = ACTIONS[action]
    return client.post(path.format(id=exam_id), json=body, headers=headers)


@pytest.mark.parametrize("action", ACTIONS)
def test_another_teacher_is_refused_and_nothing_changes(
    app, client, bearer, teacher_b, exam_id, action
):
    before = snapshot(app)
    res = call(client, action, exam_id, bearer(teacher_b))
    assert res.status_code == 403
    assert res.get_json() == {
        "success": False,
        "message": "You can only manage your own or co-owned exams",
    }
    assert snapshot(app) == before


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ["student", "proctor"])
def test_students_and_proctors_are_refused(app, client, bearer, make_user, exam_id, action, role):
    before = snapshot(app)
    res = call(client, action, exam_id, bearer(make_user(f"x_{role}", roles=(role,))))
    assert res.status_code == 403 and res.get_json()["success"] is False
    assert snapshot(app) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_nobody_signed_in_gets_401(app, client, exam_id, action):
    before = snapshot(app)
    res = call(client, action, exam_id, {})
    assert res.status_code == 401
    assert res.get_json() == {"success": False, "message": "Not authenticated"}
    assert snapshot(app) == before


@pytest.mark.parametrize("role", ["student", "proctor"])
def test_students_and_proctors_cannot_create_or_list(app, client, bearer, make_user, role):
    user = make_user(f"y_{role}", roles=(role,))
    before = snapshot(app)
    assert client.post("/admin/exams", json=EXAMPLE, headers=bearer(user)).status_code == 403
    assert client.get("/admin/api/exams", headers=bearer(user)).status_code == 403
    assert client.get("/admin/api/categories", headers=bearer(user)).status_code == 403
    assert snapshot(app) == before
    assert client.post("/admin/exams", json=EXAMPLE).status_code == 401


@pytest.mark.parametrize("action", ["edit", "release", "publish", "add_section", "delete"])
def test_a_co_owner_may(client, bearer, teacher, teacher_b, exam_id, action):
    client.post(
        f"/admin/exams/{exam_id}/co-owners/add",
        json={"username": "bharat"},
        headers=bearer(teacher),
    )
    assert call(client, action, exam_id, bearer(teacher_b)).status_code == 200


def test_a_co_owner_cannot_choose_co_owners(
    app, client, bearer, teacher, teacher_b, make_user, exam_id
):
    make_user("chitra", roles=("teacher",))
    client.post(
        f"/admin/exams/{exam_id}/co-owners/add",
        json={"username": "bharat"},
        headers=bearer(teacher),
    )
    before = snapshot(app)
    res = client.post(
        f"/admin/exams/{exam_id}/co-owners/add",
        json={"username": "chitra"},
        headers=bearer(teacher_b),
    )
    assert res.status_code == 403
    assert res.get_json()["message"] == "Only the exam's owner or an admin can change its co-owners"
    assert snapshot(app) == before


@pytest.mark.parametrize("action", list(ACTIONS))
def test_an_admin_may(client, bearer, admin, exam_id, action, make_user):
    make_user("bharat", roles=("teacher",))
    assert call(client, action, exam_id, bearer(admin)).status_code == 200


# The same rule through the pages' session cookie ---------------------------------------------


@pytest.fixture
def session_as(client, web_login) -> Callable:
    def sign_in(user) -> dict[str, str]:
        return {"X-CSRFToken": web_login(client, user)}

    return sign_in


@pytest.mark.parametrize("action", ["edit", "delete", "release", "publish"])
def test_session_another_teacher_is_refused(app, client, session_as, teacher_b, exam_id, action):
    headers = session_as(teacher_b)
    before = snapshot(app)
    res = call(client, action, exam_id, headers)
    assert res.status_code == 403 and res.get_json()["success"] is False
    assert snapshot(app) == before


@pytest.mark.parametrize("action", ["edit", "release", "publish", "delete"])
def test_session_owner_may_with_csrf_only(app, client, session_as, teacher, exam_id, action):
    headers = session_as(teacher)
    before = snapshot(app)
    assert call(client, action, exam_id, {}).status_code == 400  # no CSRF token: refused
    assert snapshot(app) == before
    assert call(client, action, exam_id, headers).status_code == 200


def test_session_student_is_refused(app, client, session_as, student, exam_id):
    headers = session_as(student)
    before = snapshot(app)
    assert call(client, "edit", exam_id, headers).status_code == 403
    assert client.post("/admin/exams", json=EXAMPLE, headers=headers).status_code == 403
    assert snapshot(app) == before

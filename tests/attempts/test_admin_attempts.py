"""Attempt management (000_…, "Admin JSON APIs": attempts): search with its status filter,
modify and bulk modify (reset/increase/decrease), extra time; each scoped to the exams the
teacher manages, with errors that change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import AttemptAllowance, utcnow
from tests.attempts.conftest import attempt_row

HX = {"HX-Request": "true", "Accept": "text/html"}


def use_attempt(api, student, exam) -> int:
    attempt_id = api(student, "POST", f"/start-exam/{exam.id}").get_json()["attempt_id"]
    api(student, "POST", f"/submit-exam/{exam.id}")
    return attempt_id


def allowances(app: Flask) -> list[tuple[int, int, int, int]]:
    with app.app_context():
        return sorted(
            (a.exam_id, a.user_id, a.extra_attempts, a.extra_minutes)
            for a in db.session.scalars(select(AttemptAllowance))
        )


def test_search_documented_query(api, make_exam, teacher, student, student_b):
    exam = make_exam(max_attempts=1)
    use_attempt(api, student, exam)
    res = api(teacher, "GET", f"/admin/api/attempts/search?q=&exam_id={exam.id}&status=&page=1")
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True
    assert body["pagination"]["total"] == 2  # every student, for one exam
    rows = {r["username"]: r for r in body["attempts"]}
    assert rows["sam"]["status"] == "exhausted"
    assert rows["sam"]["used_attempts"] == 1 and rows["sam"]["attempts_remaining"] == 0
    assert rows["sita"]["status"] == "available"
    assert set(rows["sam"]) >= {
        "student_id",
        "exam_id",
        "exam_name",
        "allowed_attempts",
        "extra_minutes",
    }


@pytest.mark.parametrize(
    ("status", "names"), [("exhausted", ["sam"]), ("available", ["sita"]), ("unlimited", [])]
)
def test_search_status_filter(api, make_exam, teacher, student, student_b, status, names):
    exam = make_exam(max_attempts=1)
    use_attempt(api, student, exam)
    body = api(
        teacher, "GET", f"/admin/api/attempts/search?exam_id={exam.id}&status={status}"
    ).get_json()
    assert [r["username"] for r in body["attempts"]] == names


def test_search_without_exam_lists_pairs_with_attempts_on_own_exams(
    api, make_exam, teacher, other_teacher, student
):
    mine = make_exam(name="Mine")
    theirs = make_exam(name="Theirs", owner=other_teacher)
    use_attempt(api, student, mine)
    use_attempt(api, student, theirs)
    body = api(teacher, "GET", "/admin/api/attempts/search").get_json()
    assert [(r["username"], r["exam_name"]) for r in body["attempts"]] == [("sam", "Mine")]


def test_search_bad_status_is_400(api, teacher):
    res = api(teacher, "GET", "/admin/api/attempts/search?status=some")
    assert res.status_code == 400
    assert res.get_json()["message"] == "status must be unlimited, available or exhausted"


def test_modify_increase_decrease_reset(api, make_exam, teacher, student):
    exam = make_exam(max_attempts=1)
    use_attempt(api, student, exam)
    assert api(student, "POST", f"/start-exam/{exam.id}").status_code == 400

    def modify(action, amount=None):
        body = {"student_id": student.id, "exam_id": exam.id, "action": action}
        if amount is not None:
            body["amount"] = amount
        res = api(teacher, "POST", "/admin/attempts/modify", json=body)
        assert res.status_code == 200, res.get_json()
        return res.get_json()

    body = modify("increase", 2)
    assert body["success"] is True
    assert body["attempt"]["attempts_remaining"] == 2
    assert "gets 2 attempts" in body["message"]
    assert modify("decrease", 5)["attempt"]["attempts_remaining"] == 0  # never below what was used
    assert modify("reset")["attempt"]["attempts_remaining"] == 1
    assert api(student, "POST", f"/start-exam/{exam.id}").status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"action": "double"}, "action must be reset, increase or decrease"),
        ({"action": "increase", "amount": 0}, "amount must be from 1 to 100"),
        ({"action": "increase", "amount": 101}, "amount must be from 1 to 100"),
    ],
)
def test_modify_bad_input_changes_nothing(app: Flask, api, exam, teacher, student, body, message):
    res = api(
        teacher,
        "POST",
        "/admin/attempts/modify",
        json={"student_id": student.id, "exam_id": exam.id, **body},
    )
    assert res.status_code == 400
    assert res.get_json()["message"] == message
    assert allowances(app) == []


def test_modify_unlimited_exam_is_400(api, make_exam, teacher, student):
    exam = make_exam(max_attempts=0)
    res = api(
        teacher,
        "POST",
        "/admin/attempts/modify",
        json={"student_id": student.id, "exam_id": exam.id, "action": "increase"},
    )
    assert res.status_code == 400
    assert "unlimited attempts" in res.get_json()["message"]


def test_only_the_exams_managers_may_modify(app: Flask, api, exam, other_teacher, student, admin):
    body = {"student_id": student.id, "exam_id": exam.id, "action": "increase", "amount": 1}
    assert api(other_teacher, "POST", "/admin/attempts/modify", json=body).status_code == 403
    assert api(student, "POST", "/admin/attempts/modify", json=body).status_code == 403
    assert allowances(app) == []
    assert api(admin, "POST", "/admin/attempts/modify", json=body).status_code == 200


def test_unknown_student_or_exam_is_404(api, exam, teacher):
    res = api(
        teacher,
        "POST",
        "/admin/attempts/modify",
        json={"student_id": 99999, "exam_id": exam.id, "action": "reset"},
    )
    assert (res.status_code, res.get_json()["message"]) == (404, "Student 99999 not found")
    res = api(
        teacher,
        "POST",
        "/admin/attempts/modify",
        json={"student_id": 1, "exam_id": 99999, "action": "reset"},
    )
    assert (res.status_code, res.get_json()["message"]) == (404, "Exam not found")


def test_bulk_modify_documented_body(api, make_exam, teacher, student, student_b):
    exam = make_exam(max_attempts=1)
    body = {
        "items": [
            {"student_id": student.id, "exam_id": exam.id},
            {"student_id": student_b.id, "exam_id": exam.id},
        ],
        "action": "increase",
        "amount": 2,
    }
    res = api(teacher, "POST", "/admin/attempts/bulk-modify", json=body)
    assert res.status_code == 200
    out = res.get_json()
    assert out["updated"] == 2
    assert [a["attempts_remaining"] for a in out["attempts"]] == [3, 3]


def test_bulk_modify_is_all_or_nothing(app: Flask, api, make_exam, teacher, other_teacher, student):
    mine = make_exam(max_attempts=1)
    theirs = make_exam(max_attempts=1, owner=other_teacher)
    body = {
        "items": [
            {"student_id": student.id, "exam_id": mine.id},
            {"student_id": student.id, "exam_id": theirs.id},
        ],
        "action": "increase",
        "amount": 1,
    }
    assert api(teacher, "POST", "/admin/attempts/bulk-modify", json=body).status_code == 403
    assert allowances(app) == []


def test_extra_time_moves_the_open_attempts_deadline(app: Flask, api, make_exam, teacher, student):
    exam = make_exam(duration_minutes=30)
    attempt_id = api(student, "POST", f"/start-exam/{exam.id}").get_json()["attempt_id"]
    before = attempt_row(app, attempt_id).deadline_at
    res = api(
        teacher,
        "POST",
        "/admin/attempts/extra-time",
        json={"student_id": student.id, "exam_id": exam.id, "minutes": 15},
    )
    assert res.status_code == 200
    assert res.get_json()["attempt"]["extra_minutes"] == 15
    assert attempt_row(app, attempt_id).deadline_at == before + timedelta(minutes=15)
    status = api(student, "GET", f"/api/exam-attempts-status/{exam.id}").get_json()
    assert status["seconds_left"] > 44 * 60


def test_extra_time_never_passes_the_exam_end(app: Flask, api, make_exam, teacher, student):
    end = utcnow() + timedelta(minutes=40)
    exam = make_exam(duration_minutes=30, ends_at=end)
    attempt_id = api(student, "POST", f"/start-exam/{exam.id}").get_json()["attempt_id"]
    api(
        teacher,
        "POST",
        "/admin/attempts/extra-time",
        json={"student_id": student.id, "exam_id": exam.id, "minutes": 60},
    )
    assert attempt_row(app, attempt_id).deadline_at == end.replace(microsecond=0)


def test_editing_the_exams_duration_moves_open_deadlines(
    app: Flask, api, make_exam, teacher, student
):
    exam = make_exam(duration_minutes=30)
    attempt_id = api(student, "POST", f"/start-exam/{exam.id}").get_json()["attempt_id"]
    before = attempt_row(app, attempt_id).deadline_at
    assert (
        api(teacher, "POST", f"/admin/exams/edit/{exam.id}", json={"duration": 45}).status_code
        == 200
    )
    assert attempt_row(app, attempt_id).deadline_at == before + timedelta(minutes=15)


def test_extra_time_bounds(app: Flask, api, exam, teacher, student):
    res = api(
        teacher,
        "POST",
        "/admin/attempts/extra-time",
        json={"student_id": student.id, "exam_id": exam.id, "minutes": 5000},
    )
    assert res.status_code == 400
    assert allowances(app) == []


def test_attempts_page_and_its_htmx_actions(client, web_login, make_exam, teacher, student, api):
    exam = make_exam(max_attempts=1)
    use_attempt(api, student, exam)
    token = web_login(client, teacher)
    page = client.get(f"/admin/attempts?exam_id={exam.id}", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-testid="attempts-table"' in html and "sam" in html
    res = client.post(
        "/admin/attempts/modify",
        data={
            "csrf_token": token,
            "student_id": student.id,
            "exam_id": exam.id,
            "action": "increase",
            "amount": 1,
        },
        headers={**HX, "X-CSRFToken": token},
    )
    fragment = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "<html" not in fragment
    assert "gets 1 attempt" in fragment
    bad = client.post(
        "/admin/attempts/bulk-modify",
        data={"csrf_token": token, "action": "increase", "amount": "1"},
        headers={**HX, "X-CSRFToken": token},
    )
    assert bad.status_code == 400
    assert "Choose at least one student" in bad.get_data(as_text=True)


def test_students_and_proctors_cannot_open_the_page(client, web_login, make_user):
    web_login(client, make_user("prue", roles=("proctor",)))
    assert client.get("/admin/attempts", headers={"Accept": "text/html"}).status_code == 403

"""Sections (add, rename, describe, reorder, delete: questions stay in the exam) and co-owners
(added and removed by username, by the owner or an admin)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Question, Section
from tests.exams.conftest import snapshot


@pytest.fixture
def exam_id(teacher, make_exam) -> int:
    return make_exam(teacher)


def add(client, headers, exam_id, name, description=""):
    res = client.post(
        f"/admin/exams/{exam_id}/sections",
        json={"name": name, "description": description},
        headers=headers,
    )
    assert res.status_code == 200, res.get_json()
    return res.get_json()["sections"][-1]["id"]


def order(app, exam_id) -> list[tuple[str, int]]:
    with app.app_context():
        rows = db.session.scalars(
            select(Section).where(Section.exam_id == exam_id).order_by(Section.position)
        )
        return [(s.name, s.position) for s in rows]


def test_add_rename_and_describe(app, client, bearer, teacher, exam_id):
    h = bearer(teacher)
    res = client.post(
        f"/admin/exams/{exam_id}/sections",
        json={"name": "Mechanics", "description": "Part A"},
        headers=h,
    )
    body = res.get_json()
    assert body["success"] is True and body["message"] == "Section “Mechanics” added."
    sec = body["sections"][0]
    assert sec == {
        "id": sec["id"],
        "name": "Mechanics",
        "description": "Part A",
        "position": 1,
        "question_count": 0,
    }
    res = client.post(
        f"/admin/exams/{exam_id}/sections/{sec['id']}",
        json={"description": "Kinematics and forces"},
        headers=h,
    )
    assert res.get_json()["sections"][0]["description"] == "Kinematics and forces"
    res = client.post(
        f"/admin/exams/{exam_id}/sections/{sec['id']}", json={"name": "Dynamics"}, headers=h
    )
    assert res.get_json()["sections"][0]["name"] == "Dynamics"
    bad = client.post(f"/admin/exams/{exam_id}/sections/{sec['id']}", json={"name": " "}, headers=h)
    assert bad.status_code == 400 and bad.get_json()["errors"] == {"name": "Enter a name."}
    missing = client.post(f"/admin/exams/{exam_id}/sections", json={}, headers=h)
    assert missing.status_code == 400 and missing.get_json()["message"] == "name is required"


def test_reorder_by_moving_and_by_full_order(app, client, bearer, teacher, exam_id):
    h = bearer(teacher)
    a, b, c = (add(client, h, exam_id, n) for n in ("A", "B", "C"))
    client.post(f"/admin/exams/{exam_id}/sections/{c}/move", json={"direction": "up"}, headers=h)
    assert order(app, exam_id) == [("A", 1), ("C", 2), ("B", 3)]
    client.post(
        f"/admin/exams/{exam_id}/sections/{a}/move", json={"direction": "up"}, headers=h
    )  # already first
    assert order(app, exam_id) == [("A", 1), ("C", 2), ("B", 3)]
    res = client.post(
        f"/admin/exams/{exam_id}/sections/reorder", json={"order": [b, a, c]}, headers=h
    )
    assert [s["name"] for s in res.get_json()["sections"]] == ["B", "A", "C"]
    before = snapshot(app)
    bad = client.post(f"/admin/exams/{exam_id}/sections/reorder", json={"order": [b, a]}, headers=h)
    assert bad.status_code == 400 and "order" in bad.get_json()["errors"]
    assert snapshot(app) == before


def test_delete_keeps_the_questions_outside_any_section(
    app, client, bearer, teacher, exam_id, add_questions
):
    h = bearer(teacher)
    a = add(client, h, exam_id, "A")
    b = add(client, h, exam_id, "B")
    ids = add_questions(exam_id)
    with app.app_context():
        for q in db.session.scalars(select(Question).where(Question.id.in_(ids))):
            q.section_id = a
        db.session.commit()
    res = client.post(f"/admin/exams/{exam_id}/sections/{a}/delete", headers=h)
    assert res.status_code == 200
    assert (
        res.get_json()["message"]
        == "Section “A” deleted; its questions are now outside any section."
    )
    assert order(app, exam_id) == [("B", 1)]
    with app.app_context():
        rows = db.session.scalars(select(Question).where(Question.exam_id == exam_id)).all()
        assert len(rows) == 3 and all(q.section_id is None for q in rows)
    assert b


def test_section_of_another_exam_is_404(client, bearer, teacher, make_exam, exam_id):
    other = make_exam(teacher, name="Other")
    sec = add(client, bearer(teacher), other, "Theirs")
    res = client.post(f"/admin/exams/{exam_id}/sections/{sec}/delete", headers=bearer(teacher))
    assert res.status_code == 404 and res.get_json()["message"] == "Section not found"


def test_co_owners_added_and_removed_by_username(app, client, bearer, teacher, teacher_b, exam_id):
    h = bearer(teacher)
    res = client.post(
        f"/admin/exams/{exam_id}/co-owners/add", json={"username": "Bharat"}, headers=h
    )
    assert res.status_code == 200
    body = res.get_json()
    assert body["message"] == "bharat can now manage this exam."
    assert [u["username"] for u in body["co_owners"]] == ["bharat"]
    again = client.post(
        f"/admin/exams/{exam_id}/co-owners/add", json={"username": "bharat"}, headers=h
    )
    assert again.status_code == 200 and len(again.get_json()["co_owners"]) == 1
    res = client.post(
        f"/admin/exams/{exam_id}/co-owners/remove", json={"username": "bharat"}, headers=h
    )
    assert res.status_code == 200 and res.get_json()["co_owners"] == []


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("nobody", "No user named nobody."),
        ("sam", "sam is not a teacher: only teachers, managers and admins can co-own exams."),
        ("anita", "anita already owns this exam."),
    ],
)
def test_co_owner_refusals(app, client, bearer, teacher, student, exam_id, username, message):
    before = snapshot(app)
    res = client.post(
        f"/admin/exams/{exam_id}/co-owners/add",
        json={"username": username},
        headers=bearer(teacher),
    )
    assert res.status_code == 400 and res.get_json()["errors"] == {"username": message}
    assert snapshot(app) == before


def test_a_co_owner_may_leave(app, client, bearer, teacher, teacher_b, exam_id):
    client.post(
        f"/admin/exams/{exam_id}/co-owners/add",
        json={"username": "bharat"},
        headers=bearer(teacher),
    )
    res = client.post(
        f"/admin/exams/{exam_id}/co-owners/remove",
        json={"username": "bharat"},
        headers=bearer(teacher_b),
    )
    assert res.status_code == 200 and res.get_json()["message"] == "You no longer co-own this exam."
    assert client.get(f"/admin/api/exams/{exam_id}", headers=bearer(teacher_b)).status_code == 403

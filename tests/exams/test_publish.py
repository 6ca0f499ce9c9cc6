"""Publishing runs a checklist (has questions; every question has a valid correct answer for its
type; the schedule is valid), through the publish endpoint and through edit's status field; a
published exam keeps passing it on every save."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.extensions import db
from app.models import Exam
from tests.exams.conftest import exam_row, snapshot


def publish(client, headers, exam_id):
    return client.post(f"/admin/exams/{exam_id}/publish", headers=headers)


def items(body) -> dict[str, dict]:
    return {i["key"]: i for i in body["checklist"]}


def test_publish_succeeds_when_everything_is_met(
    app, client, bearer, teacher, make_exam, add_questions
):
    exam_id = make_exam(teacher)
    add_questions(exam_id)
    res = publish(client, bearer(teacher), exam_id)
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True and body["exam"]["status"] == "published"
    assert all(i["met"] for i in body["exam"]["checklist"])
    assert exam_row(app, exam_id)["status"] == "published"


def test_no_questions(app, client, bearer, teacher, make_exam):
    exam_id = make_exam(teacher)
    before = snapshot(app)
    res = publish(client, bearer(teacher), exam_id)
    assert res.status_code == 400
    body = res.get_json()
    assert body["success"] is False
    assert body["message"] == "Cannot publish: Add at least one question."
    checks = items(body)
    assert checks["has_questions"] == {
        "key": "has_questions",
        "label": "Has at least one question",
        "met": False,
        "problems": ["Add at least one question."],
    }
    assert checks["answers_valid"]["met"] and checks["schedule_valid"]["met"]
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        (
            {"question_type": "MCQ", "options": ["a", "b", "c", "d"], "correct_answer": "E"},
            "correct answer must be one of A, B, C, D",
        ),
        (
            {"question_type": "MCQ", "options": ["a", "b", "", ""], "correct_answer": "C"},
            "correct answer must be one of A, B",
        ),
        (
            {"question_type": "MCQ", "options": ["a", "b", "c", "d"], "correct_answer": "A,B"},
            "correct answer must be one of A, B, C, D",
        ),
        (
            {"question_type": "MCQ", "options": ["a", "b", "c", "d"], "correct_answer": ""},
            "has no correct answer",
        ),
        (
            {"question_type": "MCQ", "options": ["only one"], "correct_answer": "A"},
            "needs at least two options",
        ),
        (
            {"question_type": "MSQ", "options": ["a", "b", "c", "d"], "correct_answer": "A,E"},
            "correct answers must be letters among A, B, C, D, e.g. A,C",
        ),
        (
            {"question_type": "MSQ", "options": ["a", "b", "c", "d"], "correct_answer": ""},
            "has no correct answer",
        ),
        (
            {"question_type": "NUMERIC", "correct_answer": "about ten"},
            "correct answer must be a number",
        ),
        (
            {"question_type": "NUMERIC", "correct_answer": "Infinity"},
            "correct answer must be a number",
        ),
        (
            {"question_type": "NUMERIC", "correct_answer": "10", "tolerance": "-0.5"},
            "tolerance must be 0 or more",
        ),
        ({"question_type": "ESSAY", "correct_answer": "x"}, "unknown question type 'ESSAY'"),
    ],
)
def test_a_question_without_a_valid_answer(
    app, client, bearer, teacher, make_exam, add_questions, question, problem
):
    exam_id = make_exam(teacher)
    add_questions(exam_id)  # three valid questions first
    add_questions(exam_id, [question])
    before = snapshot(app)
    res = publish(client, bearer(teacher), exam_id)
    assert res.status_code == 400
    answers = items(res.get_json())["answers_valid"]
    assert answers["met"] is False
    assert answers["problems"] == [f"Question 4 ({question['question_type']}): {problem}."]
    assert snapshot(app) == before


def test_valid_answers_of_each_type_pass(client, bearer, teacher, make_exam, add_questions):
    exam_id = make_exam(teacher)
    add_questions(
        exam_id,
        [
            {"question_type": "MCQ", "options": ["a", "b", "c", ""], "correct_answer": "c"},
            {"question_type": "MSQ", "options": ["a", "b", "c", "d"], "correct_answer": "B, D"},
            {"question_type": "MSQ", "options": ["a", "b", "c", "d"], "correct_answer": "A"},
            {"question_type": "NUMERIC", "correct_answer": "-3.5e2", "tolerance": None},
            {"question_type": "NUMERIC", "correct_answer": "0", "tolerance": "0"},
        ],
    )
    assert publish(client, bearer(teacher), exam_id).status_code == 200


def test_many_bad_questions_are_listed_up_to_ten(client, bearer, teacher, make_exam, add_questions):
    exam_id = make_exam(teacher)
    add_questions(exam_id, [{"question_type": "NUMERIC", "correct_answer": "x"}] * 13)
    problems = items(publish(client, bearer(teacher), exam_id).get_json())["answers_valid"][
        "problems"
    ]
    assert len(problems) == 11 and problems[-1] == "and 3 more"


def _set(app, exam_id, **columns) -> None:
    """Put a schedule the API would not produce (legacy rows, other surfaces) straight in."""
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        for key, value in columns.items():
            setattr(exam, key, value)
        db.session.commit()


@pytest.mark.parametrize(
    ("columns", "problem"),
    [
        ({"starts_at": None}, "Set a start date and time."),
        ({"duration_minutes": 0}, "Set a duration of at least one minute."),
        ({"ends_at": datetime(2025, 1, 20, 4, 0)}, "The end must be after the start."),
        (
            {"ends_at": datetime(2025, 1, 20, 6, 30)},
            "The duration (180 min) is longer than the window between start and end (120 min).",
        ),
    ],
)
def test_schedule_problems(
    app, client, bearer, teacher, make_exam, add_questions, columns, problem
):
    exam_id = make_exam(teacher)  # starts 2025-01-20T04:30:00 UTC, 180 minutes
    add_questions(exam_id)
    _set(app, exam_id, **columns)
    before = snapshot(app)
    res = publish(client, bearer(teacher), exam_id)
    assert res.status_code == 400
    schedule = items(res.get_json())["schedule_valid"]
    assert schedule["met"] is False and schedule["problems"] == [problem]
    assert snapshot(app) == before


def test_end_before_start_through_the_api_is_a_checklist_item(
    client, bearer, teacher, make_exam, add_questions
):
    """A draft may hold an unfinished schedule; the checklist says what is wrong with it."""
    exam_id = make_exam(teacher, end_time="11:00")  # window 10:00-11:00, duration 180
    add_questions(exam_id)
    detail = client.get(f"/admin/api/exams/{exam_id}", headers=bearer(teacher)).get_json()["exam"]
    assert detail["can_publish"] is False
    assert detail["checklist"][2]["problems"] == [
        "The duration (180 min) is longer than the window between start and end (60 min)."
    ]


def test_every_unmet_item_is_reported(client, bearer, teacher, make_exam):
    exam_id = make_exam(teacher, end_time="09:00")
    body = publish(client, bearer(teacher), exam_id).get_json()
    assert [i["met"] for i in body["checklist"]] == [False, True, False]
    assert (
        body["message"]
        == "Cannot publish: Add at least one question. The end must be after the start."
    )


def test_publishing_through_edit_runs_the_checklist(
    app, client, bearer, teacher, make_exam, add_questions
):
    exam_id = make_exam(teacher)
    before = snapshot(app)
    res = client.post(
        f"/admin/exams/edit/{exam_id}",
        json={"status": "published", "name": "New name"},
        headers=bearer(teacher),
    )
    assert res.status_code == 400 and res.get_json()["checklist"][0]["met"] is False
    assert snapshot(app) == before
    add_questions(exam_id)
    res = client.post(
        f"/admin/exams/edit/{exam_id}", json={"status": "published"}, headers=bearer(teacher)
    )
    assert res.status_code == 200 and exam_row(app, exam_id)["status"] == "published"


def test_create_as_published_is_refused(app, client, bearer, teacher, example):
    before = snapshot(app)
    res = client.post(
        "/admin/exams", json={**example, "status": "published"}, headers=bearer(teacher)
    )
    assert res.status_code == 400 and "Add at least one question." in res.get_json()["message"]
    assert snapshot(app) == before


def test_a_published_exam_keeps_passing(app, client, bearer, teacher, make_exam, add_questions):
    exam_id = make_exam(teacher)
    add_questions(exam_id)
    publish(client, bearer(teacher), exam_id)
    before = snapshot(app)
    res = client.post(
        f"/admin/exams/edit/{exam_id}", json={"end_time": "11:00"}, headers=bearer(teacher)
    )
    assert res.status_code == 400 and "longer than the window" in res.get_json()["message"]
    assert snapshot(app) == before
    fine = client.post(
        f"/admin/exams/edit/{exam_id}",
        json={"instructions": "Bring a pencil."},
        headers=bearer(teacher),
    )
    assert fine.status_code == 200


def test_unpublish_and_archive(app, client, bearer, teacher, make_exam, add_questions):
    exam_id = make_exam(teacher)
    add_questions(exam_id)
    publish(client, bearer(teacher), exam_id)
    res = client.post(f"/admin/exams/{exam_id}/unpublish", headers=bearer(teacher))
    assert res.status_code == 200 and res.get_json()["exam"]["status"] == "draft"
    res = client.post(f"/admin/exams/{exam_id}/archive", headers=bearer(teacher))
    assert res.status_code == 200 and exam_row(app, exam_id)["status"] == "archived"
    # An archived exam can be restored to draft, or published again through the checklist.
    assert publish(client, bearer(teacher), exam_id).status_code == 200

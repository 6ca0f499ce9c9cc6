"""Every exam field, missing, of the wrong type and out of range: 400 in SmartAIExam's envelope
({"success": false, "message", "errors": {field: message}}) and nothing written."""

from __future__ import annotations

import pytest

from tests.exams.conftest import EXAMPLE, exam_row, snapshot

REQUIRED = ("name", "date", "start_time", "duration")

# (field, value, message shown for the field)
WRONG = [
    ("name", "", "Enter a name."),
    ("name", "   ", "Enter a name."),
    ("name", 123, "Enter a name."),
    ("name", "x" * 201, "Use at most 200 characters."),
    ("date", "20-01-2025", "Enter a date as YYYY-MM-DD."),
    ("date", "2025-02-30", "Enter a date as YYYY-MM-DD."),
    ("date", 20250120, "Enter a date as YYYY-MM-DD."),
    ("start_time", "10am", "Enter a time as HH:MM (24-hour)."),
    ("start_time", "25:00", "Enter a time as HH:MM (24-hour)."),
    ("start_time", 1000, "Enter a time as HH:MM (24-hour)."),
    ("duration", 0, "Enter a whole number of minutes from 1 to 1440."),
    ("duration", 1441, "Enter a whole number of minutes from 1 to 1440."),
    ("duration", 90.5, "Enter a whole number of minutes from 1 to 1440."),
    ("duration", "three hours", "Enter a whole number of minutes from 1 to 1440."),
    ("duration", True, "Enter a whole number of minutes from 1 to 1440."),
    ("status", "open", "Choose draft, published or archived."),
    ("status", 1, "Choose draft, published or archived."),
    ("instructions", 42, "Enter text."),
    ("instructions", "x" * 20001, "Use at most 20000 characters."),
    ("positive_marks", -1, "Enter marks from 0 to 1000."),
    ("positive_marks", 1001, "Enter marks from 0 to 1000."),
    ("positive_marks", "four", "Enter marks from 0 to 1000."),
    ("positive_marks", 1.234, "Use at most 2 decimal places."),
    ("positive_marks", "NaN", "Enter marks from 0 to 1000."),
    (
        "negative_marks",
        -1,
        "Enter the marks deducted for a wrong answer as a number from 0 to 1000 (1 means one mark is taken off).",
    ),
    (
        "negative_marks",
        [1],
        "Enter the marks deducted for a wrong answer as a number from 0 to 1000 (1 means one mark is taken off).",
    ),
    ("max_attempts", -1, "Enter a whole number from 0 to 1000 (0 = unlimited)."),
    ("max_attempts", 1001, "Enter a whole number from 0 to 1000 (0 = unlimited)."),
    ("max_attempts", "once", "Enter a whole number from 0 to 1000 (0 = unlimited)."),
    ("result_mode", "later", "Choose instant, delayed or manual."),
    ("result_mode", None, "This field cannot be empty."),
    ("result_delay", -5, "Enter a whole number of minutes from 0 to 525600."),
    ("result_delay", "soon", "Enter a whole number of minutes from 0 to 525600."),
    ("result_delay", 525601, "Enter a whole number of minutes from 0 to 525600."),
    ("category_id", 999, "No category with id 999."),
    ("category_id", "physics", "Choose a category by its id."),
    ("category_id", 0, "Choose a category by its id."),
    ("end_date", "tomorrow", "Enter a date as YYYY-MM-DD."),
    ("end_time", "6pm", "Enter a time as HH:MM (24-hour)."),
    (
        "ends_at",
        "soon",
        "Enter an ISO 8601 date and time, e.g. 2025-01-20T13:00:00 (UTC) or with an offset.",
    ),
    ("shuffle_questions", "maybe", "Use true or false."),
]


def refused(res, field: str, message: str) -> None:
    assert res.status_code == 400, res.get_json()
    body = res.get_json()
    assert body["success"] is False
    assert body["errors"][field] == message
    assert field in body["message"]


@pytest.mark.parametrize("field", REQUIRED)
def test_create_without_a_required_field(app, client, bearer, teacher, example, field):
    before = snapshot(app)
    body = {k: v for k, v in example.items() if k != field}
    res = client.post("/admin/exams", json=body, headers=bearer(teacher))
    refused(res, field, "Field required")
    assert res.get_json()["message"] == f"{field} is required"
    assert snapshot(app) == before


@pytest.mark.parametrize(("field", "value", "message"), WRONG)
def test_create_with_a_bad_value(app, client, bearer, teacher, example, field, value, message):
    before = snapshot(app)
    res = client.post("/admin/exams", json={**example, field: value}, headers=bearer(teacher))
    refused(res, field, message)
    assert snapshot(app) == before


@pytest.mark.parametrize(("field", "value", "message"), WRONG)
def test_edit_with_a_bad_value(app, client, bearer, teacher, make_exam, field, value, message):
    exam_id = make_exam(teacher)
    before = snapshot(app)
    res = client.post(f"/admin/exams/edit/{exam_id}", json={field: value}, headers=bearer(teacher))
    refused(res, field, message)
    assert snapshot(app) == before


@pytest.mark.parametrize("field", REQUIRED)
def test_edit_cannot_empty_a_required_field(app, client, bearer, teacher, make_exam, field):
    exam_id = make_exam(teacher)
    before = snapshot(app)
    res = client.post(f"/admin/exams/edit/{exam_id}", json={field: None}, headers=bearer(teacher))
    assert res.status_code == 400 and field in res.get_json()["errors"]
    assert snapshot(app) == before


def test_delayed_results_need_a_delay(app, client, bearer, teacher, example):
    before = snapshot(app)
    body = {k: v for k, v in example.items() if k != "result_delay"} | {"result_mode": "delayed"}
    res = client.post("/admin/exams", json=body, headers=bearer(teacher))
    refused(res, "result_delay", "Required when result_mode is delayed (minutes after submission).")
    assert snapshot(app) == before
    ok = client.post("/admin/exams", json={**body, "result_delay": 0}, headers=bearer(teacher))
    assert ok.status_code == 200


def test_ends_at_and_end_parts_are_exclusive(app, client, bearer, teacher, example):
    body = {**example, "ends_at": "2025-01-20T12:00:00", "end_time": "18:00"}
    refused(
        client.post("/admin/exams", json=body, headers=bearer(teacher)),
        "ends_at",
        "Send either ends_at or end_date and end_time, not both.",
    )


def test_end_date_without_a_time(client, bearer, teacher, example):
    body = {**example, "end_date": "2025-01-21"}
    refused(
        client.post("/admin/exams", json=body, headers=bearer(teacher)),
        "end_time",
        "Enter the end time too, or clear the end date.",
    )


def test_every_problem_is_reported_at_once(app, client, bearer, teacher, example):
    """Every badly formed field together; then (once each field is well formed) every problem
    that needs several fields or the database."""
    body = {**example, "duration": 0, "max_attempts": -1, "category_id": 999}
    res = client.post("/admin/exams", json=body, headers=bearer(teacher))
    assert res.status_code == 400
    assert set(res.get_json()["errors"]) == {"duration", "max_attempts"}
    body = {**example, "category_id": 999, "result_mode": "delayed", "result_delay": None}
    del body["result_delay"]
    res = client.post("/admin/exams", json=body, headers=bearer(teacher))
    assert set(res.get_json()["errors"]) == {"category_id", "result_delay"}


def test_body_that_is_not_json_or_an_object(client, bearer, teacher):
    res = client.post(
        "/admin/exams",
        data="{nope",
        headers={**bearer(teacher), "Content-Type": "application/json"},
    )
    assert res.status_code == 400 and res.get_json()["message"] == "Request body must be valid JSON"
    res = client.post("/admin/exams", json=[EXAMPLE], headers=bearer(teacher))
    assert res.status_code == 400 and res.get_json()["success"] is False


def test_marks_with_two_decimals_and_numeric_strings(app, client, bearer, teacher, example):
    res = client.post(
        "/admin/exams",
        json={**example, "positive_marks": "2.5", "negative_marks": 0.33},
        headers=bearer(teacher),
    )
    assert res.status_code == 200
    row = exam_row(app, res.get_json()["exam_id"])
    assert (str(row["positive_marks"]), str(row["negative_marks"])) == ("2.50", "0.33")


def test_zero_attempts_means_unlimited(app, client, bearer, teacher, example):
    res = client.post("/admin/exams", json={**example, "max_attempts": 0}, headers=bearer(teacher))
    assert res.status_code == 200 and res.get_json()["exam"]["max_attempts"] == 0


def test_unknown_proctoring_flag_is_refused(app, client, bearer, teacher, example):
    before = snapshot(app)
    res = client.post(
        "/admin/exams", json={**example, "proctoring": {"webcam": True}}, headers=bearer(teacher)
    )
    assert res.status_code == 400 and "proctoring.webcam" in res.get_json()["errors"]
    assert snapshot(app) == before

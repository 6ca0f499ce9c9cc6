"""Contract tests for SmartAIExam's "Exam Endpoints" (000_…): the documented paths, bodies,
fields and status codes, with the document's own example requests."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, Exam, QuestionResponse, Result, utcnow
from tests.attempts.conftest import attempt_row, results_of

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def doc_example(exam) -> dict:
    """The document's sync example, with this exam's question ids."""
    return {
        "answers": {str(exam.mcq): "A", str(exam.msq): ["A", "C"], str(exam.numeric): "42.5"},
        "markedForReview": [exam.mcq],
    }


# GET /preload-exam/{exam_id} ----------------------------------------------------------------


def test_preload_reports_count_and_cache(api, exam, student):
    first = api(student, "GET", f"/preload-exam/{exam.id}")
    assert first.status_code == 200
    assert first.get_json() == {
        "success": True,
        "cached": first.get_json()["cached"],
        "question_count": 3,
    }
    second = api(student, "GET", f"/preload-exam/{exam.id}")
    assert second.get_json() == {"success": True, "cached": True, "question_count": 3}
    assert "correct_answer" not in second.get_data(as_text=True)


def test_preload_needs_auth_and_a_published_exam(client, api, make_exam, student):
    draft = make_exam(status="draft")
    assert client.get(f"/preload-exam/{draft.id}").status_code == 401
    res = api(student, "GET", f"/preload-exam/{draft.id}")
    assert res.status_code == 404
    assert res.get_json() == {"success": False, "message": "Exam not found"}


# POST /start-exam/{exam_id} -----------------------------------------------------------------


def test_start_fresh_then_resumed(api, exam, student):
    fresh = api(student, "POST", f"/start-exam/{exam.id}")
    assert fresh.status_code == 200
    body = fresh.get_json()
    assert body["success"] is True
    assert body["redirect_url"] == f"/exam/{exam.id}"
    assert body["resumed"] is False
    assert body["fresh_start"] is True
    assert body["attempt_number"] == 1
    assert isinstance(body["attempt_id"], int)
    resumed = api(student, "POST", f"/start-exam/{exam.id}").get_json()
    assert resumed["success"] is True
    assert resumed["resumed"] is True
    assert resumed["attempt_id"] == body["attempt_id"]
    assert resumed["redirect_url"] == f"/exam/{exam.id}"
    assert "fresh_start" not in resumed


def test_start_refuses_past_max_attempts_with_the_documented_message(api, make_exam, student):
    exam = make_exam(max_attempts=1)
    api(student, "POST", f"/start-exam/{exam.id}")
    assert api(student, "POST", f"/submit-exam/{exam.id}").status_code == 200
    res = api(student, "POST", f"/start-exam/{exam.id}")
    assert res.status_code == 400
    assert res.get_json() == {"success": False, "message": "Max attempts (1) reached"}


def test_start_unauthenticated_is_401(client, exam):
    res = client.post(f"/start-exam/{exam.id}", headers={"Accept": "application/json"})
    assert res.status_code == 401
    assert res.get_json() == {"success": False, "message": "Not authenticated"}


def test_start_window_rules(api, make_exam, student):
    now = utcnow()
    upcoming = make_exam(starts_at=now + timedelta(hours=2))
    res = api(student, "POST", f"/start-exam/{upcoming.id}")
    assert res.status_code == 400
    assert res.get_json()["message"].startswith("This exam opens at ")
    closed = make_exam(starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1))
    res = api(student, "POST", f"/start-exam/{closed.id}")
    assert (res.status_code, res.get_json()["message"]) == (400, "This exam has closed.")


def test_only_students_take_exams(api, exam, teacher):
    res = api(teacher, "POST", f"/start-exam/{exam.id}")
    assert res.status_code == 403
    assert "Only students take exams" in res.get_json()["message"]


def test_deadline_is_the_earlier_of_duration_and_exam_end(app: Flask, api, make_exam, student):
    now = utcnow()
    exam = make_exam(duration_minutes=60, ends_at=now + timedelta(minutes=20))
    body = api(student, "POST", f"/start-exam/{exam.id}").get_json()
    attempt = attempt_row(app, body["attempt_id"])
    assert attempt.deadline_at == exam_end(app, exam.id)


def exam_end(app: Flask, exam_id: int):
    with app.app_context():
        return db.session.get(Exam, exam_id).ends_at.replace(microsecond=0)


# POST /api/sync-exam-answers/{exam_id} -----------------------------------------------------


def test_sync_with_the_documented_body(app: Flask, api, exam, student, started):
    attempt_id = started(student, exam.id)["attempt_id"]
    res = api(student, "POST", f"/api/sync-exam-answers/{exam.id}", json=doc_example(exam))
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True and body["saved"] is True
    assert set(body) >= {"seq", "saved_at", "server_time", "deadline_at"}
    attempt = attempt_row(app, attempt_id)
    assert attempt.answers == {
        str(exam.mcq): "A",
        str(exam.msq): ["A", "C"],
        str(exam.numeric): "42.5",
    }
    assert attempt.marked == [exam.mcq]


def test_sync_before_start_is_409(api, exam, student):
    res = api(student, "POST", f"/api/sync-exam-answers/{exam.id}", json=doc_example(exam))
    assert res.status_code == 409
    assert res.get_json()["success"] is False


def test_sync_unauthenticated_is_401_whatever_the_body(client, exam):
    res = client.post(
        f"/api/sync-exam-answers/{exam.id}", data="not json", content_type="application/json"
    )
    assert res.status_code == 401


# POST /submit-exam/{exam_id} ---------------------------------------------------------------


def test_submit_json_client_gets_json(app: Flask, api, exam, student, started):
    started(student, exam.id)
    api(student, "POST", f"/api/sync-exam-answers/{exam.id}", json=doc_example(exam))
    res = api(student, "POST", f"/submit-exam/{exam.id}")
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True
    assert body["redirect_url"] == f"/result/{exam.id}"
    assert body["result_visible"] is True
    # MCQ "A" is wrong (-1), MSQ A,C right (+4), 42.5 is not 9.8 (-1)
    assert body["score"] == 2
    assert body["max_score"] == 12
    [result] = results_of(app, exam.id)
    assert result.id == body["result_id"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionResponse)) == 3


def test_submit_redirects_browsers_by_result_mode(client, web_login, make_exam, student):
    token = web_login(client, student)
    instant = make_exam()
    manual = make_exam(result_mode="manual")
    for exam, target in (
        (instant, f"/result/{instant.id}"),
        (manual, f"/result-pending/{manual.id}"),
    ):
        res = client.post(f"/start-exam/{exam.id}", data={"csrf_token": token}, headers=BROWSER)
        assert (res.status_code, res.headers["Location"]) == (303, f"/exam/{exam.id}")
        res = client.post(f"/submit-exam/{exam.id}", data={"csrf_token": token}, headers=BROWSER)
        assert res.status_code == 302
        assert res.headers["Location"] == target


def test_submit_unauthenticated_is_401(client, exam):
    res = client.post(f"/submit-exam/{exam.id}", headers={"Accept": "application/json"})
    assert res.status_code == 401


def test_submit_is_idempotent(app: Flask, api, exam, student, started):
    started(student, exam.id)
    first = api(student, "POST", f"/submit-exam/{exam.id}").get_json()
    second = api(student, "POST", f"/submit-exam/{exam.id}").get_json()
    assert first["result_id"] == second["result_id"]
    assert len(results_of(app, exam.id)) == 1


def test_submit_without_an_attempt_is_400(api, exam, student):
    res = api(student, "POST", f"/submit-exam/{exam.id}")
    assert res.status_code == 400
    assert res.get_json() == {"success": False, "message": "You have not started this exam."}


def test_submit_applies_the_final_answers_it_carries(app: Flask, api, exam, student, started):
    started(student, exam.id)
    final = {"answers": {str(exam.mcq): "B"}, "markedForReview": [], "seq": 5}
    body = api(student, "POST", f"/submit-exam/{exam.id}", json=final).get_json()
    assert body["score"] == 4


# GET /api/exam-attempts-status/{exam_id} -----------------------------------------------------


def test_status_matches_the_documented_example(app: Flask, api, make_exam, student):
    exam = make_exam(max_attempts=3)
    api(student, "POST", f"/start-exam/{exam.id}")
    api(student, "POST", f"/submit-exam/{exam.id}")
    second = api(student, "POST", f"/start-exam/{exam.id}").get_json()
    body = api(student, "GET", f"/api/exam-attempts-status/{exam.id}").get_json()
    assert body["has_active_attempt"] is True
    assert body["attempt_id"] == second["attempt_id"]
    assert body["attempt_number"] == 2
    assert body["completed_count"] == 1
    assert body["max_attempts"] == 3
    assert body["attempts_remaining"] == 1
    attempt = attempt_row(app, second["attempt_id"])
    assert body["start_time"] == attempt.started_at.strftime("%Y-%m-%d %H:%M:%S")


def test_status_without_attempts_and_unlimited(api, make_exam, student):
    exam = make_exam(max_attempts=0)
    body = api(student, "GET", f"/api/exam-attempts-status/{exam.id}").get_json()
    assert body["has_active_attempt"] is False
    assert body["attempt_id"] is None
    assert body["completed_count"] == 0
    assert body["max_attempts"] == 0
    assert body["unlimited"] is True
    assert body["attempts_remaining"] is None


# Exam delete (the authoring issue left the cascade to this one) ----------------------------


def test_exam_delete_removes_attempts_results_and_responses(
    app: Flask, api, exam, student, teacher, started
):
    started(student, exam.id)
    api(student, "POST", f"/submit-exam/{exam.id}")
    res = api(teacher, "POST", f"/admin/exams/delete/{exam.id}")
    assert res.status_code == 200
    with app.app_context():
        for model in (Attempt, Result, QuestionResponse):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0

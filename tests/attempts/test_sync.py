"""Saving answers: validation that changes nothing, sequence numbers, the grace after the
deadline, and who may save into which attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask

from app.extensions import db
from app.models import Attempt, User, utcnow
from tests.attempts.conftest import attempt_row, results_of
from tests.conftest import PASSWORD


def sync(api, user, exam_id, answers, **extra):
    return api(
        user, "POST", f"/api/sync-exam-answers/{exam_id}", json={"answers": answers, **extra}
    )


@pytest.fixture
def attempt_id(exam, student, started) -> int:
    return started(student, exam.id)["attempt_id"]


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"999999": "A"}, "answers.999999"),
        ({"MCQ": "E"}, "answers.{mcq}"),
        ({"MCQ": ["A"]}, "answers.{mcq}"),
        ({"MSQ": "A"}, "answers.{msq}"),
        ({"MSQ": ["A", "Z"]}, "answers.{msq}"),
        ({"NUMERIC": "forty"}, "answers.{numeric}"),
        ({"NUMERIC": True}, "answers.{numeric}"),
        ({"NUMERIC": "1" * 41}, "answers.{numeric}"),
    ],
)
def test_bad_answers_are_400_and_change_nothing(
    app: Flask, api, exam, student, attempt_id, answers, problem
):
    ids = {"MCQ": exam.mcq, "MSQ": exam.msq, "NUMERIC": exam.numeric}
    assert sync(api, student, exam.id, {str(exam.mcq): "B"}, seq=1).status_code == 200
    sent = {str(ids.get(k, k)): v for k, v in answers.items()}
    res = sync(api, student, exam.id, sent, seq=2)
    assert res.status_code == 400
    body = res.get_json()
    assert body["success"] is False
    assert problem.format(mcq=exam.mcq, msq=exam.msq, numeric=exam.numeric) in body["errors"]
    attempt = attempt_row(app, attempt_id)
    assert attempt.answers == {str(exam.mcq): "B"}
    assert attempt.seq == 1


def test_every_problem_is_reported_at_once(api, exam, student, attempt_id):
    res = sync(
        api, student, exam.id, {str(exam.mcq): "Z", str(exam.numeric): "x"}, markedForReview=[5]
    )
    assert res.status_code == 400
    assert set(res.get_json()["errors"]) == {
        f"answers.{exam.mcq}",
        f"answers.{exam.numeric}",
        "markedForReview",
    }


def test_answers_are_normalised_and_empty_means_unanswered(
    app: Flask, api, exam, student, attempt_id
):
    res = sync(
        api,
        student,
        exam.id,
        {str(exam.mcq): "b", str(exam.msq): ["C", "a", "C"], str(exam.numeric): ""},
    )
    assert res.status_code == 200
    assert attempt_row(app, attempt_id).answers == {str(exam.mcq): "B", str(exam.msq): ["A", "C"]}


def test_missing_answers_field_is_400(api, exam, student, attempt_id):
    res = api(student, "POST", f"/api/sync-exam-answers/{exam.id}", json={"markedForReview": []})
    assert res.status_code == 400
    assert res.get_json()["message"] == "answers is required"


def test_stale_and_repeated_syncs_change_nothing(app: Flask, api, exam, student, attempt_id):
    assert sync(api, student, exam.id, {str(exam.mcq): "A"}, seq=5).get_json()["saved"] is True
    newer = {str(exam.mcq): "C"}
    assert sync(api, student, exam.id, newer, seq=7).get_json()["saved"] is True
    for seq in (7, 6, 5, 1):  # the same sync again, and late arrivals
        body = sync(api, student, exam.id, {str(exam.mcq): "D"}, seq=seq).get_json()
        assert body == {**body, "success": True, "saved": False, "seq": 7}
    attempt = attempt_row(app, attempt_id)
    assert (attempt.answers, attempt.seq) == (newer, 7)


def test_without_seq_the_latest_sync_wins(app: Flask, api, exam, student, attempt_id):
    sync(api, student, exam.id, {str(exam.mcq): "A"}, seq=3)
    body = sync(api, student, exam.id, {str(exam.mcq): "D"}).get_json()
    assert body["saved"] is True and body["seq"] == 4
    assert attempt_row(app, attempt_id).answers == {str(exam.mcq): "D"}


def test_marks_left_out_are_kept(app: Flask, api, exam, student, attempt_id):
    sync(api, student, exam.id, {}, markedForReview=[exam.msq], seq=1)
    sync(api, student, exam.id, {str(exam.mcq): "A"}, seq=2)
    assert attempt_row(app, attempt_id).marked == [exam.msq]


def set_deadline(app: Flask, attempt_id: int, seconds_from_now: int) -> None:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() + timedelta(seconds=seconds_from_now)
        db.session.commit()


def test_syncs_are_taken_within_the_grace_after_the_deadline(
    app: Flask, api, exam, student, attempt_id
):
    set_deadline(app, attempt_id, -45)  # 45 s late: a slow network, a busy server
    res = sync(api, student, exam.id, {str(exam.mcq): "B"}, seq=1)
    assert res.status_code == 200 and res.get_json()["saved"] is True


def test_after_the_grace_the_sync_is_refused_and_the_attempt_submitted(
    app: Flask, api, exam, student, attempt_id
):
    sync(api, student, exam.id, {str(exam.mcq): "B"}, seq=1)
    set_deadline(app, attempt_id, -61)
    res = sync(api, student, exam.id, {str(exam.mcq): "A"}, seq=2)
    assert res.status_code == 409
    assert res.get_json()["submitted"] is True
    attempt = attempt_row(app, attempt_id)
    assert (attempt.status, attempt.submit_reason) == ("submitted", "timeout")
    [result] = results_of(app, exam.id)
    assert result.score == 4  # the answer saved in time, not the late one


def test_a_student_only_ever_writes_their_own_attempt(
    app: Flask, api, exam, student, student_b, attempt_id
):
    sync(api, student, exam.id, {str(exam.mcq): "B"}, seq=1)
    res = sync(api, student_b, exam.id, {str(exam.mcq): "A"}, seq=2)
    assert res.status_code == 409  # student_b has no attempt of their own
    assert attempt_row(app, attempt_id).answers == {str(exam.mcq): "B"}


def test_a_new_password_stops_syncs_even_from_a_warm_cache(
    app: Flask, api, client, bearer, exam, student, attempt_id
):
    headers = bearer(student)
    url = f"/api/sync-exam-answers/{exam.id}"
    assert client.post(url, json={"answers": {}, "seq": 1}, headers=headers).status_code == 200
    with app.app_context():
        user = db.session.get(User, student.id)
        user.auth_stamp = "rotated-by-password-change"
        db.session.commit()
    res = client.post(url, json={"answers": {str(exam.mcq): "A"}, "seq": 2}, headers=headers)
    assert res.status_code == 401
    assert res.get_json() == {"success": False, "message": "token_expired_or_invalid"}
    assert attempt_row(app, attempt_id).answers == {}


def test_cookie_session_needs_the_csrf_token(app: Flask, client, web_login, exam, student):
    token = web_login(client, student)
    client.post(
        f"/start-exam/{exam.id}", data={"csrf_token": token}, headers={"Accept": "text/html"}
    )
    url = f"/api/sync-exam-answers/{exam.id}"
    body = {"answers": {str(exam.mcq): "B"}, "seq": 1}
    refused = client.post(url, json=body)
    assert refused.status_code == 400
    assert "CSRF" in refused.get_json()["message"]
    saved = client.post(url, json=body, headers={"X-CSRFToken": token})
    assert saved.status_code == 200 and saved.get_json()["saved"] is True


def test_sync_moves_to_the_next_attempt_after_a_submit(app: Flask, api, make_exam, student):
    exam = make_exam(max_attempts=2)
    api(student, "POST", f"/start-exam/{exam.id}")
    sync(api, student, exam.id, {str(exam.mcq): "A"}, seq=3)  # warms this process's cache
    api(student, "POST", f"/submit-exam/{exam.id}")
    second = api(student, "POST", f"/start-exam/{exam.id}").get_json()["attempt_id"]
    res = sync(api, student, exam.id, {str(exam.mcq): "C"}, seq=1)
    assert res.status_code == 200 and res.get_json()["saved"] is True
    assert attempt_row(app, second).answers == {str(exam.mcq): "C"}


def test_login_with_password_then_sync_with_the_token(client, exam, student):
    """The whole external-client path: log in as the document shows, start, sync."""
    login = client.post(
        "/api/auth/login", json={"username": student.username, "password": PASSWORD}
    )
    token = login.get_json()["data"]["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/start-exam/{exam.id}", headers=headers).status_code == 200
    res = client.post(
        f"/api/sync-exam-answers/{exam.id}", json={"answers": {str(exam.mcq): "B"}}, headers=headers
    )
    assert res.get_json()["saved"] is True


def test_a_sync_survives_the_database_dropping_its_connection(app: Flask, api, exam, student):
    """The hot path's pool does not ping before use; a connection PostgreSQL dropped (a restart,
    an idle timeout) must cost a retry, not the student's answers."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL terminates connections; SQLite has none to drop")
    from sqlalchemy import text

    attempt_id = api(student, "POST", f"/start-exam/{exam.id}", json={}).get_json()["attempt_id"]
    assert sync(api, student, exam.id, {str(exam.mcq): "A"}, seq=1).status_code == 200
    with app.app_context(), db.engine.begin() as conn:  # every other connection, pooled or not
        dropped = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    assert dropped >= 1
    res = sync(api, student, exam.id, {str(exam.mcq): "C"}, seq=2)
    assert res.status_code == 200
    assert res.get_json()["saved"] is True
    assert attempt_row(app, attempt_id).answers == {str(exam.mcq): "C"}

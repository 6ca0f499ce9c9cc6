"""Attempts left open past their deadline are submitted with their last saved answers: by the
periodic job (through a real rq worker when Redis is there), by the CLI loop `make run` uses,
and on the student's next access."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from app.attempts.jobs import close_overdue_attempts, close_overdue_now
from app.core.jobs import queue
from app.extensions import db
from app.models import Attempt, utcnow
from tests.attempts.conftest import attempt_row, results_of

ROOT = Path(__file__).resolve().parents[2]


def overdue_attempt(app: Flask, api, exam, student, answers: dict, late_seconds: int = 120) -> int:
    attempt_id = api(student, "POST", f"/start-exam/{exam.id}").get_json()["attempt_id"]
    api(student, "POST", f"/api/sync-exam-answers/{exam.id}", json={"answers": answers})
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() - timedelta(seconds=late_seconds)
        db.session.commit()
    return attempt_id


def test_job_submits_overdue_attempts_with_saved_answers(app: Flask, api, exam, student, student_b):
    late = overdue_attempt(app, api, exam, student, {str(exam.mcq): "B"})
    within_grace = overdue_attempt(app, api, exam, student_b, {str(exam.mcq): "B"}, late_seconds=30)
    with app.app_context():
        assert close_overdue_now() == 1
    attempt = attempt_row(app, late)
    assert (attempt.status, attempt.submit_reason) == ("submitted", "timeout")
    assert attempt_row(app, within_grace).status == "in_progress"
    [result] = results_of(app, exam.id)
    assert result.score == 4
    assert result.time_taken_seconds <= 3600  # counted to the deadline, not to when it was noticed
    with app.app_context():
        assert close_overdue_now() == 0  # nothing twice


def test_next_access_submits_it_too(app: Flask, api, exam, student):
    attempt_id = overdue_attempt(app, api, exam, student, {str(exam.mcq): "B"})
    status = api(student, "GET", f"/api/exam-attempts-status/{exam.id}").get_json()
    assert status["has_active_attempt"] is False
    assert status["completed_count"] == 1
    assert attempt_row(app, attempt_id).submit_reason == "timeout"


def test_a_refused_start_still_records_the_timeout(app: Flask, api, make_exam, student):
    exam = make_exam(max_attempts=1)
    attempt_id = overdue_attempt(app, api, exam, student, {})
    res = api(student, "POST", f"/start-exam/{exam.id}")
    assert res.status_code == 400  # the one attempt was used...
    assert attempt_row(app, attempt_id).status == "submitted"  # ...and stays submitted


def test_cli_submits_overdue_attempts(app: Flask, api, exam, student, tmp_path):
    """`flask attempts close-overdue`, run as make run runs it, against the test database."""
    overdue_attempt(app, api, exam, student, {str(exam.mcq): "B"})
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "EXAMHALL_INSTANCE": str(tmp_path),
        "SECRET_KEY": "cli-test",
        "REDIS_URL": "",
    }
    out = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "attempts", "close-overdue"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "1 attempt(s) submitted" in out.stdout
    assert len(results_of(app, exam.id)) == 1


@pytest.mark.redis
def test_job_runs_on_a_real_rq_worker(app: Flask, api, exam, student, redis_url):
    if not redis_url:
        pytest.skip("needs TEST_REDIS_URL (TEST_TARGET=services)")
    overdue_attempt(app, api, exam, student, {str(exam.mcq): "B"})
    name = f"test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=redis_url, RQ_QUEUE=name)
    try:
        with app.app_context():
            queue(app).enqueue(close_overdue_attempts)
    finally:
        app.config.update(REDIS_URL=None, RQ_QUEUE=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "PROMETHEUS_"))}
    env |= {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": redis_url,
        "SECRET_KEY": "rq-test",
        "EXAMHALL_INSTANCE": app.instance_path,
        "PYTHONPATH": str(ROOT),
    }
    worker = subprocess.run(
        [str(Path(sys.executable).parent / "rq"), "worker", "--burst", "--url", redis_url, name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert worker.returncode == 0, worker.stdout + worker.stderr
    [result] = results_of(app, exam.id)
    assert result.score == 4

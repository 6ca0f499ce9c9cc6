"""Background jobs start only after the request that asked for them has committed: in-process by
default, and through real Redis to a real `rq worker` when TEST_REDIS_URL is set."""

from __future__ import annotations

import email
import os
import re
import shutil
import subprocess
import sys
import uuid
from email import policy
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from app import create_app
from app.auth import services
from app.config import TestConfig
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
LINK_RE = re.compile(r"/reset-password/([A-Za-z0-9_.\-]+)")


def mail_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def read_mail(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[return-value]


@pytest.fixture
def mail_dir(app: Flask):
    folder: Path = app.config["MAIL_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_in_process_job_runs_after_the_request_commits(app, client, make_user, mail_dir):
    user = make_user("reader", email="reader@example.com")
    mails_at_commit: list[int] = []

    def on_commit(_session) -> None:
        mails_at_commit.append(len(mail_files(mail_dir)))

    event.listen(db.session, "after_commit", on_commit)
    try:
        res = client.post("/api/request-password-reset", json={"email": "reader@example.com"})
    finally:
        event.remove(db.session, "after_commit", on_commit)
    assert res.status_code == 200
    # the request's commit came first, with no mail written yet; the job's own commit after it
    assert mails_at_commit[0] == 0
    assert mails_at_commit[-1] == 1
    [path] = mail_files(mail_dir)
    msg = read_mail(path)
    assert msg["To"] == "reader@example.com"
    token = LINK_RE.search(msg.get_body(("plain",)).get_content()).group(1)
    with app.app_context():
        assert services.user_for_reset_token(token).id == user.id


def test_unknown_email_gets_the_same_answer_and_no_mail(client, make_user, mail_dir):
    make_user("reader", email="reader@example.com")
    known = client.post("/api/request-password-reset", json={"email": "reader@example.com"})
    shutil.rmtree(mail_dir)
    unknown = client.post("/api/request-password-reset", json={"email": "nobody@example.com"})
    assert (unknown.status_code, unknown.get_json()) == (known.status_code, known.get_json())
    assert unknown.get_json()["success"] is True
    assert mail_files(mail_dir) == []


def test_job_runs_outside_any_request_as_in_a_worker(app, make_user, mail_dir):
    """Workers and the in-process thread pool have an app context but no request: the mail
    templates must render there too."""
    from app.auth.jobs import send_password_reset_email

    user = make_user("offline", email="offline@example.com")
    with app.app_context():
        send_password_reset_email(user.id)
    [path] = mail_files(mail_dir)
    assert read_mail(path)["To"] == "offline@example.com"


def test_threaded_in_process_job_runs_after_the_response(
    app, client, make_user, mail_dir, monkeypatch
):
    """Without JOBS_SYNC (the embedded default) the job runs on a thread after the commit."""
    import time

    monkeypatch.setitem(app.config, "JOBS_SYNC", False)
    make_user("threaded", email="threaded@example.com")
    res = client.post("/api/request-password-reset", json={"email": "threaded@example.com"})
    assert res.status_code == 200
    deadline = time.monotonic() + 10
    while not mail_files(mail_dir) and time.monotonic() < deadline:
        time.sleep(0.02)
    [path] = mail_files(mail_dir)
    assert read_mail(path)["To"] == "threaded@example.com"


@pytest.mark.redis
def test_job_goes_through_redis_to_a_real_rq_worker(
    app, redis_url, make_user, tmp_path, monkeypatch
):
    if not redis_url:
        pytest.skip("needs TEST_REDIS_URL (TEST_TARGET=services)")
    from redis import Redis
    from rq import Queue

    queue_name = f"examhall-test-{uuid.uuid4().hex[:12]}"  # no other run or worker shares it
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    instance = tmp_path / "queued-instance"
    monkeypatch.setenv("EXAMHALL_INSTANCE", str(instance))  # TestConfig sets it; restored after
    config = TestConfig(instance, database_url=database_url, redis_url=redis_url)
    config.RQ_QUEUE = queue_name
    queued_app = create_app(config)
    connection = Redis.from_url(redis_url)
    queue = Queue(queue_name, connection=connection)
    try:
        user = make_user("rqreader", email="rqreader@example.com")
        res = queued_app.test_client().post(
            "/api/request-password-reset", json={"email": "rqreader@example.com"}
        )
        assert res.status_code == 200

        # enqueued after the commit, not run here
        assert queue.count == 1
        [job] = queue.get_jobs()
        assert job.func_name == "app.auth.jobs.send_password_reset_email"
        assert job.args == (user.id,)
        assert mail_files(instance / "mail") == []

        env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "PROMETHEUS_"))}
        env |= {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "EXAMHALL_INSTANCE": str(instance),  # so the worker's MAIL_DIR is instance/mail
            "PYTHONPATH": str(ROOT),
        }
        rq = Path(sys.executable).parent / "rq"
        worker = subprocess.run(
            [str(rq), "worker", "--burst", "--url", redis_url, queue_name],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert worker.returncode == 0, worker.stdout + worker.stderr

        files = mail_files(instance / "mail")
        assert len(files) == 1, worker.stdout + worker.stderr
        msg = read_mail(files[0])
        assert msg["To"] == "rqreader@example.com"
        token = LINK_RE.search(msg.get_body(("plain",)).get_content()).group(1)
        with app.app_context():  # signed with the same key, for the same row
            assert services.user_for_reset_token(token).id == user.id
        assert queue.count == 0
        assert job.get_status(refresh=True) == "finished"
    finally:
        queue.delete(delete_jobs=True)
        for key in connection.scan_iter(f"rq:*{queue_name}*"):
            connection.delete(key)
        connection.close()
        with queued_app.app_context():
            db.engine.dispose()


def test_worker_app_reads_dotenv_in_its_working_directory(tmp_path, monkeypatch):
    """The README puts production settings in .env; an rq worker must see them too."""
    from app.core import jobs

    (tmp_path / ".env").write_text(
        f"EXAMHALL_INSTANCE={tmp_path}\nSECRET_KEY=from-dotenv-0123456789abcdef\n"
        "INSTITUTE_NAME=Dotenv Academy\n"
    )
    saved = dict(os.environ)
    for key in ("EXAMHALL_INSTANCE", "SECRET_KEY", "INSTITUTE_NAME"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(jobs, "_worker_app", None)
    try:
        worker_app = jobs._app_for_worker()
        assert worker_app.config["INSTITUTE_NAME"] == "Dotenv Academy"
        assert worker_app.config["SECRET_KEY"] == "from-dotenv-0123456789abcdef"
    finally:
        os.environ.clear()
        os.environ.update(saved)

"""Requests that race, sent at the same moment from threads over real HTTP to the threaded test
server (on PostgreSQL in CI they truly run at once): a double-clicked start, a sync that meets
the submit, the same sync sent twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import Attempt, Result
from tests.attempts.conftest import attempt_row, results_of


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_starts_create_one_attempt(app: Flask, live_server, bearer, exam, student):
    headers = bearer(student)
    url = f"{live_server}/start-exam/{exam.id}"
    responses = at_once([lambda: requests.post(url, headers=headers, timeout=30) for _ in range(6)])
    bodies = [r.json() for r in responses]
    assert [r.status_code for r in responses] == [200] * 6, bodies
    assert len({b["attempt_id"] for b in bodies}) == 1
    assert sum(1 for b in bodies if b.get("fresh_start")) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_a_sync_meeting_the_submit_is_either_scored_or_refused(
    app: Flask, live_server, bearer, make_exam, make_user
):
    """Whatever the interleaving: an acknowledged sync is in the score; a refused one is not."""
    for round_ in range(8):
        student = make_user(f"racer{round_}")
        exam = make_exam()
        headers = bearer(student)
        requests.post(
            f"{live_server}/start-exam/{exam.id}", headers=headers, timeout=30
        ).raise_for_status()
        right = {"answers": {str(exam.mcq): "B", str(exam.msq): ["A", "C"]}, "seq": 2}
        sync_url = f"{live_server}/api/sync-exam-answers/{exam.id}"
        submit_url = f"{live_server}/submit-exam/{exam.id}"
        requests.post(
            sync_url, json={"answers": {str(exam.mcq): "A"}, "seq": 1}, headers=headers, timeout=30
        )
        synced, submitted = at_once(
            [
                lambda u=sync_url, h=headers, b=right: requests.post(
                    u, json=b, headers=h, timeout=30
                ),
                lambda u=submit_url, h=headers: requests.post(u, headers=h, timeout=30),
            ]
        )
        assert submitted.status_code == 200, submitted.text
        [result] = results_of(app, exam.id)
        if synced.status_code == 200 and synced.json()["saved"]:
            assert result.score == 8, f"acknowledged answers lost in round {round_}"
        else:
            assert synced.status_code == 409, synced.text
            assert result.score == -1  # the earlier, wrong MCQ answer


def test_the_same_sync_twice_is_saved_once(app: Flask, live_server, bearer, exam, student, started):
    attempt_id = started(student, exam.id)["attempt_id"]
    headers = bearer(student)
    url = f"{live_server}/api/sync-exam-answers/{exam.id}"
    body = {"answers": {str(exam.mcq): "C"}, "seq": 9}
    first, second = at_once(
        [lambda: requests.post(url, json=body, headers=headers, timeout=30)] * 2
    )
    assert (first.status_code, second.status_code) == (200, 200)
    assert sorted([first.json()["saved"], second.json()["saved"]]) == [False, True]
    attempt = attempt_row(app, attempt_id)
    assert (attempt.answers, attempt.seq) == ({str(exam.mcq): "C"}, 9)


def test_concurrent_submits_score_once(app: Flask, live_server, bearer, exam, student, started):
    started(student, exam.id)
    headers = bearer(student)
    url = f"{live_server}/submit-exam/{exam.id}"
    responses = at_once([lambda: requests.post(url, headers=headers, timeout=30) for _ in range(4)])
    assert [r.status_code for r in responses] == [200] * 4, [r.text for r in responses]
    assert len({r.json()["result_id"] for r in responses}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Result)) == 1

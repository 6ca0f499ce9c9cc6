"""The sync's fast path (app/attempts/views/fast_sync.py): the ordinary save is answered without
the Flask view, with the view's reply, headers, session refresh and metrics; everything else
reaches the view with its body intact and gets the view's answer."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from app.attempts import services
from app.core import sessions
from app.core.security import ALWAYS
from tests.attempts.conftest import attempt_row

ROUTE = "/api/sync-exam-answers/<int:exam_id>"


@pytest.fixture
def view_calls(monkeypatch) -> Iterator[list[int]]:
    """Counts the requests that reached the Flask view's service call."""
    calls: list[int] = []
    real = services.sync

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "sync", counted)
    yield calls


def synced(api, user, exam_id, body, **kw):
    return api(user, "POST", f"/api/sync-exam-answers/{exam_id}", json=body, **kw)


def count(client, status: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    key = (("endpoint", ROUTE), ("method", "POST"), ("status", status))
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = tuple(sorted(sample.labels.items()))
            if sample.name == "examhall_http_requests_total" and labels == key:
                return sample.value
    return 0.0


def test_an_ordinary_sync_skips_the_view_and_answers_as_it_does(
    app: Flask, client, api, exam, student, started, view_calls
):
    attempt_id = started(student, exam.id)["attempt_id"]
    first = synced(api, student, exam.id, {"answers": {str(exam.mcq): "A"}, "seq": 1})
    assert first.status_code == 200
    assert len(view_calls) == 1  # this process did not know the attempt yet: the view did it

    before = count(client, "200")
    second = synced(
        api,
        student,
        exam.id,
        {"answers": {str(exam.mcq): "b", str(exam.msq): ["C", "A"]}, "seq": 2},
    )
    assert second.status_code == 200
    assert len(view_calls) == 1  # answered before the view
    assert count(client, "200") == before + 1  # still counted under the route

    a, b = first.get_json(), second.get_json()
    assert list(a) == list(b)  # same fields, same order
    assert b["success"] is True and b["saved"] is True and b["seq"] == 2
    assert b["deadline_at"] == a["deadline_at"]
    assert second.mimetype == first.mimetype == "application/json"
    for name, value in ALWAYS:
        assert second.headers[name] == first.headers[name] == value
    assert "Set-Cookie" not in second.headers  # a Bearer request has no session

    attempt = attempt_row(app, attempt_id)
    assert attempt.answers == {str(exam.mcq): "B", str(exam.msq): ["A", "C"]}  # normalised
    assert attempt.seq == 2


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"answers": {"MCQ": "Z"}, "seq": 5}, 400, "answers.{mcq}"),
        ({"answers": {"MCQ": "C"}, "seq": 1}, 200, '"saved":false'),  # stale
        ({"answers": ["A"], "seq": 5}, 400, "answers"),
        ({"answers": {"MCQ": "C"}, "seq": -1}, 400, "seq"),
        ({"answers": {"MCQ": "C"}, "seq": "5"}, 200, '"saved":true'),  # the schema coerces it
        ({"answers": {"MCQ": "C"}, "markedForReview": "MCQ", "seq": 5}, 400, "markedForReview"),
    ],
)
def test_anything_else_reaches_the_view_with_its_body(
    app: Flask, api, exam, student, started, view_calls, body, status, says
):
    attempt_id = started(student, exam.id)["attempt_id"]
    assert synced(api, student, exam.id, {"answers": {str(exam.mcq): "A"}, "seq": 2}).status_code
    ids = {"MCQ": str(exam.mcq)}
    if isinstance(body["answers"], dict):
        body = {**body, "answers": {ids[k]: v for k, v in body["answers"].items()}}
    calls = len(view_calls)
    res = synced(api, student, exam.id, body)
    assert res.status_code == status, res.get_data(as_text=True)
    assert says.format(mcq=exam.mcq) in res.get_data(as_text=True)
    if status == 200:
        assert len(view_calls) == calls + 1  # the view's answer, not the fast path's
    else:  # the fast path never refuses: an error envelope is the view's
        assert res.get_json()["success"] is False
        assert attempt_row(app, attempt_id).answers == {str(exam.mcq): "A"}


def test_bad_credentials_get_the_views_refusal(api, client, exam, student, started):
    started(student, exam.id)
    assert synced(api, student, exam.id, {"answers": {}, "seq": 1}).status_code == 200
    url = f"/api/sync-exam-answers/{exam.id}"
    res = client.post(url, json={"answers": {}}, headers={"Authorization": "Bearer not-a-jwt"})
    assert res.status_code == 401
    assert res.get_json()["success"] is False
    assert client.post(url, json={"answers": {}}).status_code == 401


def test_the_players_cookie_sync_is_checked_for_csrf(
    app: Flask, client, exam, student, web_login, view_calls
):
    token = web_login(client, student)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    started = client.post(f"/start-exam/{exam.id}", headers=headers)
    attempt_id = started.get_json()["attempt_id"]
    url = f"/api/sync-exam-answers/{exam.id}"
    assert client.post(url, json={"answers": {}, "seq": 1}, headers=headers).status_code == 200
    calls = len(view_calls)

    fast = client.post(url, json={"answers": {str(exam.mcq): "D"}, "seq": 2}, headers=headers)
    assert fast.status_code == 200 and fast.get_json()["saved"] is True
    assert len(view_calls) == calls
    assert "Cookie" in fast.headers.get("Vary", "")  # the answer depends on the session
    assert "Set-Cookie" not in fast.headers  # signed less than a minute ago (app/core/sessions)

    for bad in ({}, {"X-CSRFToken": "forged"}):
        forged = client.post(url, json={"answers": {str(exam.mcq): "A"}, "seq": 3}, headers=bad)
        assert forged.status_code == 400  # the view's CSRF refusal; nothing is saved
    assert attempt_row(app, attempt_id).answers == {str(exam.mcq): "D"}


@pytest.mark.parametrize(
    ("referrer", "status"),
    [
        (None, 400),
        ("https://evil.example/exam/1", 400),
        ("http://localhost/exam/1", 400),  # not the same scheme
        ("https://localhost/exam/1", 200),
    ],
)
def test_under_https_the_referrer_must_be_this_site(
    client, exam, student, web_login, view_calls, referrer, status
):
    token = web_login(client, student)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    https = {"base_url": "https://localhost", "headers": headers}
    if referrer:
        https["headers"] = {**headers, "Referer": referrer}
    assert client.post(f"/start-exam/{exam.id}", headers=headers).status_code == 200
    url = f"/api/sync-exam-answers/{exam.id}"
    assert client.post(url, json={"answers": {}, "seq": 1}, headers=headers).status_code == 200
    calls = len(view_calls)
    res = client.post(url, json={"answers": {str(exam.mcq): "C"}, "seq": 2}, **https)
    assert res.status_code == status, res.get_data(as_text=True)
    # accepted on the fast path (the view never ran); refused by Flask-WTF before the view
    assert len(view_calls) == calls
    assert res.get_json()["success"] is (status == 200)


def test_another_sessions_csrf_token_is_refused(
    app: Flask, exam, student, student_b, web_login, view_calls
):
    mine, theirs = app.test_client(), app.test_client()
    token = web_login(mine, student)
    their_token = web_login(theirs, student_b)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    attempt_id = mine.post(f"/start-exam/{exam.id}", headers=headers).get_json()["attempt_id"]
    url = f"/api/sync-exam-answers/{exam.id}"
    assert mine.post(url, json={"answers": {}, "seq": 1}, headers=headers).status_code == 200
    res = mine.post(
        url, json={"answers": {str(exam.mcq): "C"}, "seq": 2}, headers={"X-CSRFToken": their_token}
    )
    assert res.status_code == 400
    assert attempt_row(app, attempt_id).answers == {}


def test_an_expired_csrf_token_is_refused(app: Flask, client, exam, student, web_login):
    token = web_login(client, student)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    attempt_id = client.post(f"/start-exam/{exam.id}", headers=headers).get_json()["attempt_id"]
    url = f"/api/sync-exam-answers/{exam.id}"
    assert client.post(url, json={"answers": {}, "seq": 1}, headers=headers).status_code == 200
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    try:
        time.sleep(2.1)
        res = client.post(url, json={"answers": {str(exam.mcq): "C"}, "seq": 2}, headers=headers)
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = None
    assert res.status_code == 400
    assert attempt_row(app, attempt_id).answers == {}


def test_the_fast_path_sends_the_session_cookie_again_when_it_is_due(
    client, exam, student, web_login, view_calls, monkeypatch
):
    token = web_login(client, student)
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    assert client.post(f"/start-exam/{exam.id}", headers=headers).status_code == 200
    url = f"/api/sync-exam-answers/{exam.id}"
    assert client.post(url, json={"answers": {}, "seq": 1}, headers=headers).status_code == 200
    calls = len(view_calls)
    now = time.time()
    monkeypatch.setattr(sessions.time, "time", lambda: now + sessions.REFRESH_AFTER + 1)
    res = client.post(url, json={"answers": {str(exam.mcq): "A"}, "seq": 2}, headers=headers)
    assert res.status_code == 200 and len(view_calls) == calls
    refreshed = res.headers.get("Set-Cookie", "")
    assert refreshed.startswith("examhall_session=") and "HttpOnly" in refreshed
    assert "Cookie" in res.headers.get("Vary", "")

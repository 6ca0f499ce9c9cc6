"""Fixtures for discussion: the exam-taking fixtures (a teacher's published exam, students,
the API caller), a helper that sits an exam through the documented endpoints, and one that moves
earlier comments back in time so the next post is outside the 10-second window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import DiscussionComment
from tests.attempts.conftest import (  # noqa: F401  (fixtures used by this folder's tests)
    _fresh_hot_cache,
    admin,
    api,
    exam,
    make_exam,
    other_teacher,
    student,
    student_b,
    teacher,
)


def sit(api, user, exam_id: int, answers: dict | None = None) -> dict:  # noqa: F811
    """Start, answer and submit an attempt, as the player does."""
    assert api(user, "POST", f"/start-exam/{exam_id}").status_code == 200
    if answers:
        api(user, "POST", f"/api/sync-exam-answers/{exam_id}", json={"answers": answers})
    res = api(user, "POST", f"/submit-exam/{exam_id}")
    assert res.status_code == 200, res.get_json()
    return res.get_json()


@pytest.fixture
def rewind(app: Flask) -> Callable[[], None]:
    """Every comment so far becomes 11 seconds older: the next post is not rate limited."""

    def run() -> None:
        with app.app_context():
            for comment in db.session.scalars(select(DiscussionComment)):
                comment.created_at -= timedelta(seconds=11)
            db.session.commit()

    return run


@pytest.fixture
def post(api, rewind) -> Callable[..., dict]:  # noqa: F811
    """post(user, question_id, message, **fields) -> the created comment (asserts 200)."""

    def send(user, question_id: int, message: str, **fields) -> dict:
        rewind()
        res = api(
            user, "POST", f"/api/discussion/{question_id}", json={"message": message, **fields}
        )
        assert res.status_code == 200, res.get_json()
        return res.get_json()["message"]

    return send

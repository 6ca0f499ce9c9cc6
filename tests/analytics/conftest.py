"""Analytics fixtures: the exam-taking factories (a teacher's published exam, students, the
Bearer client) and `sit`, which takes an exam through the documented endpoints so every result
here is scored by the real code."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask

from app.extensions import db
from app.models import Result
from tests.attempts import conftest as exam_taking

# The exam-taking fixtures, shared by name.
_fresh_hot_cache = exam_taking._fresh_hot_cache
admin = exam_taking.admin
api = exam_taking.api
make_exam = exam_taking.make_exam
other_teacher = exam_taking.other_teacher
student = exam_taking.student
student_b = exam_taking.student_b
teacher = exam_taking.teacher


@pytest.fixture
def sit(app: Flask, api) -> Callable[..., int]:
    """sit(student, exam, {qid: answer}, submitted_at=None) -> result id."""

    def take(user, exam, answers: dict, submitted_at: datetime | None = None) -> int:
        assert api(user, "POST", f"/start-exam/{exam.id}").status_code == 200
        res = api(
            user,
            "POST",
            f"/api/sync-exam-answers/{exam.id}",
            json={"answers": {str(k): v for k, v in answers.items()}},
        )
        assert res.status_code == 200, res.get_json()
        body = api(user, "POST", f"/submit-exam/{exam.id}").get_json()
        result_id = body["result_id"]
        if submitted_at is not None:
            with app.app_context():
                db.session.get(Result, result_id).submitted_at = submitted_at
                db.session.commit()
        return result_id

    return take

"""Fixtures for exam taking: a teacher's published exam put straight into the database (its
authoring endpoints are another package's), students, and helpers that drive the documented
endpoints the way a client does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.attempts import hot
from app.extensions import db
from app.models import Attempt, Exam, Question, Result, Section, User, utcnow

QUESTIONS = [
    {"question_type": "MCQ", "options": ["1", "2", "3", "4"], "correct_answer": "B"},
    {"question_type": "MSQ", "options": ["a", "b", "c", "d"], "correct_answer": "A,C"},
    {"question_type": "NUMERIC", "correct_answer": "9.8", "tolerance": Decimal("0.05")},
]


@dataclass
class ExamFixture:
    id: int
    question_ids: list[int]
    owner_id: int
    section_ids: list[int] = field(default_factory=list)

    @property
    def mcq(self) -> int:
        return self.question_ids[0]

    @property
    def msq(self) -> int:
        return self.question_ids[1]

    @property
    def numeric(self) -> int:
        return self.question_ids[2]


@pytest.fixture(autouse=True)
def _fresh_hot_cache() -> None:
    """Each test's ids start again at 1 on PostgreSQL; the sync cache must not remember the
    previous test's attempts."""
    hot.clear()


@pytest.fixture
def teacher(make_user) -> User:
    return make_user("tara", roles=("teacher",))


@pytest.fixture
def other_teacher(make_user) -> User:
    return make_user("tomas", roles=("teacher",))


@pytest.fixture
def admin(make_user) -> User:
    return make_user("root", roles=("admin",))


@pytest.fixture
def student(make_user) -> User:
    return make_user("sam", roles=("student",))


@pytest.fixture
def student_b(make_user) -> User:
    return make_user("sita", roles=("student",))


@pytest.fixture
def make_exam(app: Flask, teacher: User) -> Callable[..., ExamFixture]:
    """A published exam, open since an hour ago, with the given questions (default: one
    MCQ, one MSQ, one NUMERIC); `sections` puts question i in section sections[i]."""

    def make(
        questions: list[dict[str, Any]] | None = None,
        sections: list[str | None] | None = None,
        owner: User | None = None,
        **fields: Any,
    ) -> ExamFixture:
        now = utcnow()
        values: dict[str, Any] = {
            "name": "Physics Mock 1",
            "status": "published",
            "starts_at": now - timedelta(hours=1),
            "ends_at": None,
            "duration_minutes": 60,
            "positive_marks": Decimal("4"),
            "negative_marks": Decimal("1"),
            "max_attempts": 2,
            "result_mode": "instant",
            "proctoring": {},
            **fields,
        }
        with app.app_context():
            exam = Exam(owner_id=(owner or teacher).id, **values)
            db.session.add(exam)
            db.session.flush()
            by_name: dict[str, Section] = {}
            for name in dict.fromkeys(n for n in (sections or []) if n):
                by_name[name] = Section(exam_id=exam.id, name=name, position=len(by_name) + 1)
                db.session.add(by_name[name])
            db.session.flush()
            rows = []
            for i, q in enumerate(questions or QUESTIONS):
                section = by_name.get((sections or [None] * (i + 1))[i] or "")
                rows.append(
                    Question(
                        exam_id=exam.id,
                        position=i + 1,
                        text=q.get("text", f"Question {i + 1}"),
                        section_id=section.id if section else None,
                        **{k: v for k, v in q.items() if k != "text"},
                    )
                )
            db.session.add_all(rows)
            db.session.commit()
            return ExamFixture(
                exam.id, [q.id for q in rows], exam.owner_id, [s.id for s in by_name.values()]
            )

    return make


@pytest.fixture
def exam(make_exam) -> ExamFixture:
    return make_exam()


@pytest.fixture
def api(client: FlaskClient, bearer) -> Callable[..., Any]:
    """api(user, "POST", path, json=...) -> response, with the user's Bearer token."""

    def call(user: User, method: str, path: str, **kw: Any):
        headers = {**bearer(user), **kw.pop("headers", {})}
        return client.open(path, method=method, headers=headers, **kw)

    return call


@pytest.fixture
def started(api) -> Callable[[User, int], dict]:
    def start(user: User, exam_id: int) -> dict:
        res = api(user, "POST", f"/start-exam/{exam_id}")
        assert res.status_code == 200, res.get_json()
        return res.get_json()

    return start


def attempt_row(app: Flask, attempt_id: int) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def results_of(app: Flask, exam_id: int) -> list[Result]:
    with app.app_context():
        rows = list(db.session.scalars(select(Result).where(Result.exam_id == exam_id)))
        for r in rows:
            db.session.expunge(r)
        return rows

"""Fixtures for the question pages: teachers, a student, exams made straight in the database,
and questions added through the questions service (the pages' own dependency)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Exam, Question, Section, User
from app.questions import services

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def hx(token: str | None = None, **extra: str) -> dict[str, str]:
    headers = {"HX-Request": "true", **BROWSER, **extra}
    if token:
        headers["X-CSRFToken"] = token
    return headers


@pytest.fixture
def teacher(make_user) -> User:
    return make_user("tina", roles=("teacher",), full_name="Tina Teacher")


@pytest.fixture
def other_teacher(make_user) -> User:
    return make_user("otto", roles=("teacher",), full_name="Otto Other")


@pytest.fixture
def student(make_user) -> User:
    return make_user("sam", roles=("student",))


@pytest.fixture
def make_exam(app: Flask) -> Callable[..., int]:
    def make(
        owner: User, name: str = "Physics mock", sections: tuple[str, ...] = (), **kw: Any
    ) -> int:
        with app.app_context():
            exam = Exam(name=name, owner_id=owner.id, **kw)
            exam.sections = [Section(name=s, position=i) for i, s in enumerate(sections)]
            db.session.add(exam)
            db.session.commit()
            return exam.id

    return make


MCQ = {
    "question_type": "MCQ",
    "question_text": "Kinetic energy is $\\frac{1}{2}mv^2$. Which is a unit of energy?",
    "option_a": "Joule",
    "option_b": "Newton",
    "option_c": "Watt",
    "option_d": "Pascal",
    "correct_answer": "A",
    "topic": "Mechanics",
    "difficulty": 2,
}


@pytest.fixture
def add_question(app: Flask) -> Callable[..., int]:
    def add(owner: User, exam_id: int, **fields: Any) -> int:
        with app.app_context():
            actor = db.session.get(User, owner.id)
            question = services.add_question(actor, exam_id, {**MCQ, **fields})
            db.session.commit()
            return question.id

    return add


@pytest.fixture
def questions_of(app: Flask) -> Callable[[int], list[dict[str, Any]]]:
    """The exam's questions in order, as plain dicts (text, type, options, answer)."""

    def read(exam_id: int) -> list[dict[str, Any]]:
        with app.app_context():
            rows = db.session.scalars(
                select(Question)
                .where(Question.exam_id == exam_id)
                .order_by(Question.position, Question.id)
            )
            return [
                {
                    "id": q.id,
                    "text": q.text,
                    "type": q.question_type,
                    "options": list(q.options),
                    "answer": q.correct_answer,
                    "tolerance": q.tolerance,
                    "positive_marks": q.positive_marks,
                    "negative_marks": q.negative_marks,
                    "topic": q.topic,
                    "difficulty": q.difficulty,
                    "tags": list(q.tags),
                    "image_url": q.image_url,
                    "section_id": q.section_id,
                }
                for q in rows
            ]

    return read


@pytest.fixture
def question_count(app: Flask) -> Callable[[], int]:
    def count() -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Question)) or 0

    return count


@pytest.fixture
def signed_in(client: FlaskClient, web_login, teacher) -> str:
    """The teacher signed in; the CSRF token for later posts."""
    return web_login(client, teacher)

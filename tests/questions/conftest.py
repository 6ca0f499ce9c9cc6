"""Fixtures for the question bank: two teachers with an exam each, an admin, a student and a
proctor; exams made straight in the database; a snapshot of the questions table to prove that a
refused request wrote nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Exam, Question, Section, User
from app.questions import services

SAMPLES = Path(__file__).parent / "samples"

MCQ = {
    "question_text": "A block of mass $\\large m$ slides down; its kinetic energy is?",
    "question_type": "MCQ",
    "option_a": "$\\large \\frac{1}{2}mv^2$",
    "option_b": "$mv$",
    "option_c": "$mgh$",
    "option_d": "$0$",
    "correct_answer": "A",
    "positive_marks": 4.0,
    "negative_marks": 1.0,
}
MSQ = {
    "question_text": "Which are SI base units?",
    "question_type": "MSQ",
    "option_a": "metre",
    "option_b": "newton",
    "option_c": "kelvin",
    "option_d": "joule",
    "correct_answer": "A,C",
}
NUMERIC = {
    "question_text": "$g$ in m/s² to one decimal place?",
    "question_type": "NUMERIC",
    "correct_answer": "9.8",
    "tolerance": "0.05",
}


@pytest.fixture
def admin(make_user) -> User:
    return make_user("root", roles=("admin",))


@pytest.fixture
def teacher_a(make_user) -> User:
    return make_user("anita", roles=("teacher",))


@pytest.fixture
def teacher_b(make_user) -> User:
    return make_user("bharat", roles=("teacher",))


@pytest.fixture
def student(make_user) -> User:
    return make_user("sita", roles=("student",))


@pytest.fixture
def proctor(make_user) -> User:
    return make_user("prakash", roles=("proctor",))


@pytest.fixture
def make_exam(app: Flask) -> Callable[..., int]:
    def make(
        owner: User, name: str = "Physics mock", sections: tuple[str, ...] = (), **kw: Any
    ) -> int:
        with app.app_context():
            co_owners = [db.session.get(User, u.id) for u in kw.pop("co_owners", ())]
            exam = Exam(name=name, owner_id=owner.id, **kw)
            exam.sections = [Section(name=s, position=i) for i, s in enumerate(sections)]
            exam.co_owners = co_owners
            db.session.add(exam)
            db.session.commit()
            return exam.id

    return make


@pytest.fixture
def exam_a(make_exam, teacher_a) -> int:
    return make_exam(teacher_a, "Anita's physics", sections=("Mechanics", "Optics"))


@pytest.fixture
def exam_b(make_exam, teacher_b) -> int:
    return make_exam(teacher_b, "Bharat's chemistry")


@pytest.fixture
def add(app: Flask) -> Callable[..., int]:
    """Add a question through the service, as `actor`; returns its id."""

    def make(actor: User, exam_id: int, data: dict[str, Any] | None = None, **kw: Any) -> int:
        with app.app_context():
            fresh = db.session.get(User, actor.id)
            question = services.add_question(fresh, exam_id, {**(data or MCQ), **kw})
            db.session.commit()
            return question.id

    return make


@pytest.fixture
def rows(app: Flask) -> Callable[..., list[dict[str, Any]]]:
    """Every question (or one exam's), as plain dicts in exam order: compare before and after."""

    def read(exam_id: int | None = None) -> list[dict[str, Any]]:
        with app.app_context():
            stmt = select(Question).order_by(Question.exam_id, Question.position, Question.id)
            if exam_id is not None:
                stmt = stmt.where(Question.exam_id == exam_id)
            out = []
            for q in db.session.scalars(stmt):
                out.append(
                    {c.key: getattr(q, c.key) for c in Question.__table__.columns}  # type: ignore[attr-defined]
                )
            return out

    return read


@pytest.fixture
def section_id(app: Flask) -> Callable[[int, str], int]:
    def find(exam_id: int, name: str) -> int:
        with app.app_context():
            return db.session.scalar(
                select(Section.id).where(Section.exam_id == exam_id, Section.name == name)
            )

    return find

"""Subject fixtures: a subject put straight into the database, enrolment, and a bank exam with
one question of each objective type (and a coding one the tutor must skip)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

import pytest
from flask import Flask

from app.extensions import db
from app.models import Enrollment, Exam, Question, Subject, User

BANK = [
    {"question_type": "MCQ", "text": "2 + 2?", "options": ["3", "4", "5"], "correct_answer": "B"},
    {
        "question_type": "MSQ",
        "text": "Prime numbers?",
        "options": ["2", "4", "5", "9"],
        "correct_answer": "A,C",
    },
    {
        "question_type": "NUMERIC",
        "text": "g in m/s^2?",
        "correct_answer": "9.8",
        "tolerance": Decimal("0.05"),
    },
    {"question_type": "CODING", "text": "Write quicksort", "correct_answer": ""},
]


def create_subject(
    app: Flask,
    code: str = "INF001",
    name: str = "Algorithms",
    professor: User | None = None,
    description: str = "Course on algorithm design and analysis",
    guide: str = "",
    students: tuple[User, ...] = (),
    bank: bool = False,
) -> str:
    with app.app_context():
        subject = Subject(
            code=code,
            name=name,
            description=description,
            guide=guide,
            professor_id=professor.id if professor else None,
        )
        db.session.add(subject)
        db.session.flush()
        for student in students:
            db.session.add(Enrollment(subject_id=subject.id, user_id=student.id))
        if bank:
            exam = Exam(name=f"{name} bank", status="published")
            exam.questions = [Question(position=i, **q) for i, q in enumerate(BANK)]
            subject.bank_exams = [exam]
        db.session.commit()
        return code


@pytest.fixture
def make_subject(app: Flask) -> Callable[..., str]:
    return functools.partial(create_subject, app)

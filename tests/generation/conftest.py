"""Fixtures for the AI command centre: authors and others, exams straight in the database,
small PDFs made with fpdf2, and model replies in the format the prompt asks for."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from fpdf import FPDF
from sqlalchemy import select

from app.extensions import db
from app.models import Exam, Question, User


def mcq(text: str = "Which law says F = ma?", **kw: Any) -> dict[str, Any]:
    item = {
        "question_type": "MCQ",
        "question_text": text,
        "options": [
            "Newton's first law",
            "Newton's second law",
            "Newton's third law",
            "Hooke's law",
        ],
        "correct_answer": "B",
        "explanation": "The second law relates force, mass and acceleration.",
        "difficulty": "Medium",
        "topic": "Newton's Laws",
    }
    return {**item, **kw}


def msq(text: str = "Which are vector quantities?", **kw: Any) -> dict[str, Any]:
    item = {
        "question_type": "MSQ",
        "question_text": text,
        "options": ["Force", "Mass", "Velocity", "Time"],
        "correct_answer": ["A", "C"],
        "explanation": "Force and velocity have a direction.",
        "difficulty": "Medium",
        "topic": "Newton's Laws",
    }
    return {**item, **kw}


def numeric(text: str = "A 2 kg mass accelerates at $3\\,m/s^2$. Force in N?", **kw: Any) -> dict:
    item = {
        "question_type": "NUMERIC",
        "question_text": text,
        "answer": 6,
        "tolerance": 0.1,
        "explanation": "$F = ma = 2 \\times 3 = 6$ N.",
        "difficulty": "Medium",
        "topic": "Newton's Laws",
    }
    return {**item, **kw}


def reply(*items: dict[str, Any]) -> str:
    return json.dumps({"questions": list(items)})


def make_pdf(*pages: str) -> bytes:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


@pytest.fixture
def teacher(make_user) -> User:
    return make_user("tara", roles=("teacher",))


@pytest.fixture
def other_teacher(make_user) -> User:
    return make_user("tomas", roles=("teacher",))


@pytest.fixture
def student(make_user) -> User:
    return make_user("sam", roles=("student",))


@pytest.fixture
def proctor(make_user) -> User:
    return make_user("prakash", roles=("proctor",))


@pytest.fixture
def make_exam(app: Flask) -> Callable[..., int]:
    def make(owner: User, name: str = "Physics mock", **kw: Any) -> int:
        with app.app_context():
            exam = Exam(name=name, owner_id=owner.id, **kw)
            db.session.add(exam)
            db.session.commit()
            return exam.id

    return make


@pytest.fixture
def saved(app: Flask) -> Callable[[int], list[Question]]:
    """The questions of an exam as stored, in exam order (detached)."""

    def read(exam_id: int) -> list[Question]:
        with app.app_context():
            stmt = (
                select(Question)
                .where(Question.exam_id == exam_id)
                .order_by(Question.position, Question.id)
            )
            found = list(db.session.scalars(stmt))
            for q in found:
                db.session.expunge(q)
            return found

    return read


@pytest.fixture
def no_ai(app: Flask):
    """This server without a Groq key."""
    saved_key = app.config.get("GROQ_API_KEY")
    app.config["GROQ_API_KEY"] = None
    yield
    app.config["GROQ_API_KEY"] = saved_key

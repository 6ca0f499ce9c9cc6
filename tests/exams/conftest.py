"""Fixtures for exam authoring: one user per role, a category, exams created through the API (so
the tests exercise the same path clients use), questions put straight in the database (the
question endpoints are another package's), and a snapshot of the exam tables to prove that a
refused request wrote nothing."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import Category, Exam, Question, Section, User, exam_co_owners

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

# The example body the brief and the document's field list describe.
EXAMPLE = {
    "name": "Physics Mock 1",
    "date": "2025-01-20",
    "start_time": "10:00",
    "duration": 180,
    "status": "draft",
    "instructions": "Answer all questions. Each wrong answer costs one mark.",
    "positive_marks": 4,
    "negative_marks": 1,
    "max_attempts": 1,
    "result_mode": "instant",
    "result_delay": 0,
}


def hx(token: str | None = None) -> dict[str, str]:
    headers = {"HX-Request": "true", **BROWSER}
    if token:
        headers["X-CSRFToken"] = token
    return headers


def png_bytes(size: tuple[int, int] = (8, 8), fmt: str = "PNG", noise: bool = False) -> bytes:
    out = io.BytesIO()
    image = (
        Image.effect_noise(size, 50).convert("RGB")
        if noise
        else Image.new("RGB", size, (200, 30, 30))
    )
    image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _empty_uploads(app: Flask) -> None:
    """Each test starts with no uploaded files (the app, and its instance folder, are shared)."""
    shutil.rmtree(Path(app.instance_path) / "uploads", ignore_errors=True)


@pytest.fixture
def admin(make_user) -> User:
    return make_user("root", roles=("admin",))


@pytest.fixture
def teacher(make_user) -> User:
    return make_user("anita", roles=("teacher",))


@pytest.fixture
def teacher_b(make_user) -> User:
    return make_user("bharat", roles=("teacher",))


@pytest.fixture
def student(make_user) -> User:
    return make_user("sam", roles=("student",))


@pytest.fixture
def proctor(make_user) -> User:
    return make_user("priya", roles=("proctor",))


@pytest.fixture
def category(app: Flask) -> Category:
    with app.app_context():
        cat = Category(name="Physics", image_url="")
        db.session.add(cat)
        db.session.commit()
        db.session.refresh(cat)
        db.session.expunge(cat)
        return cat


@pytest.fixture
def example(category: Category) -> dict[str, Any]:
    return {**EXAMPLE, "category_id": category.id}


@pytest.fixture
def make_exam(client: FlaskClient, bearer) -> Callable[..., int]:
    """Create an exam through POST /admin/exams as `owner`; returns its id."""

    def make(owner: User, **fields: Any) -> int:
        body = {**EXAMPLE, **fields}
        res = client.post("/admin/exams", json=body, headers=bearer(owner))
        assert res.status_code == 200, res.get_json()
        return res.get_json()["exam_id"]

    return make


@pytest.fixture
def add_questions(app: Flask) -> Callable[..., list[int]]:
    """Valid questions of each type, or the ones given, straight into the database."""

    def add(exam_id: int, questions: list[dict[str, Any]] | None = None) -> list[int]:
        questions = questions or [
            {"question_type": "MCQ", "options": ["1", "2", "3", "4"], "correct_answer": "B"},
            {"question_type": "MSQ", "options": ["a", "b", "c", "d"], "correct_answer": "A,C"},
            {"question_type": "NUMERIC", "correct_answer": "9.8", "tolerance": "0.05"},
        ]
        with app.app_context():
            start = len(db.session.get(Exam, exam_id).questions)
            rows = [
                Question(exam_id=exam_id, position=start + i + 1, text=f"Question {i + 1}", **q)
                for i, q in enumerate(questions)
            ]
            db.session.add_all(rows)
            db.session.commit()
            return [q.id for q in rows]

    return add


def exam_row(app: Flask, exam_id: int) -> dict[str, Any] | None:
    with app.app_context():
        exam = db.session.get(Exam, exam_id)
        if exam is None:
            return None
        return {
            c.key: getattr(exam, c.key) for c in Exam.__table__.columns if c.key != "updated_at"
        }


def snapshot(app: Flask) -> dict[str, Any]:
    """Every row of the exam tables, to compare before and after a refused request."""
    with app.app_context():

        def rows(model) -> list[tuple]:
            cols = [c for c in model.__table__.columns if c.key != "updated_at"]
            return sorted(
                tuple(getattr(o, c.key) for c in cols) for o in db.session.scalars(select(model))
            )

        return {
            "exams": rows(Exam),
            "sections": rows(Section),
            "questions": rows(Question),
            "categories": rows(Category),
            "co_owners": sorted(db.session.execute(select(exam_co_owners)).all()),
        }


@pytest.fixture
def signed_in(client: FlaskClient, web_login, teacher) -> str:
    """The teacher signed in through the login form; the CSRF token for their requests."""
    return web_login(client, teacher)

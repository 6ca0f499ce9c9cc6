"""The question bank: every question the author may manage, filtered and paginated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Response, request
from sqlalchemy import select

from app.core.actions import page_number
from app.core.auth import auth_required
from app.core.respond import respond
from app.core.surfaces import wants_json
from app.exams import services as exams
from app.exams.access import AUTHOR_ROLES, manageable_exam
from app.extensions import db
from app.models import Exam, User
from app.questions import services
from app.questions.pages.common import (
    BANK_PER_PAGE,
    BANK_TEMPLATE,
    DIFFICULTIES,
    TYPE_CHOICES,
    bp,
    question_view,
)
from app.questions.presenters import question_json
from app.questions.validation import TYPES

# The bank -----------------------------------------------------------------------------------


@dataclass
class BankFilters:
    q: str = ""
    topic: str = ""
    difficulty: int | None = None
    type: str = ""
    exam_id: int | None = None
    page: int = 1
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> BankFilters:
        out = cls(
            q=(args.get("q") or "").strip()[:200], topic=(args.get("topic") or "").strip()[:200]
        )
        out.page = page_number(args.get("page"))
        difficulty = (args.get("difficulty") or "").strip()
        if difficulty:
            if difficulty.isdigit() and 1 <= int(difficulty) <= 5:
                out.difficulty = int(difficulty)
            else:
                out.problems.append("Difficulty is a level from 1 to 5; showing every level.")
        kind = (args.get("type") or "").strip().upper()
        if kind:
            if kind in TYPES:
                out.type = kind
            else:
                out.problems.append("Type is MCQ, MSQ or NUMERIC; showing every type.")
        exam_id = (args.get("exam_id") or "").strip()
        if exam_id:
            if exam_id.isdigit():
                out.exam_id = int(exam_id)
            else:
                out.problems.append("That exam does not exist; showing every exam.")
        return out

    @property
    def active(self) -> bool:
        return bool(self.q or self.topic or self.difficulty or self.type or self.exam_id)

    def query(self, page: int | None = None) -> dict[str, Any]:
        """The filters as URL parameters (empty ones left out)."""
        values = {
            "q": self.q,
            "topic": self.topic,
            "difficulty": self.difficulty,
            "type": self.type,
            "exam_id": self.exam_id,
            "page": page if page and page > 1 else None,
        }
        return {k: v for k, v in values.items() if v}


def bank_context(actor: User, filters: BankFilters) -> dict[str, Any]:
    exam_rows = db.session.execute(
        exams.visible(actor).with_only_columns(Exam.id, Exam.name).order_by(Exam.name, Exam.id)
    ).all()
    exam_names = {row.id: row.name for row in exam_rows}
    if filters.exam_id is not None and filters.exam_id not in exam_names:
        manageable_exam(actor, filters.exam_id)  # 404 or 403, as for the exam's own pages
    result = services.search_bank(
        actor,
        q=filters.q or None,
        topic=filters.topic or None,
        difficulty=filters.difficulty,
        question_type=filters.type or None,
        exam_id=filters.exam_id,
        page=filters.page,
        per_page=BANK_PER_PAGE,
    )
    if result.page > result.pages:
        filters.page = result.pages
        return bank_context(actor, filters)
    exams_by_id = {
        e.id: e
        for e in db.session.scalars(
            select(Exam).where(Exam.id.in_({q.exam_id for q in result.items}))
        )
    } if result.items else {}  # fmt: skip
    return {
        "result": result,
        "questions": [question_view(q, exams_by_id[q.exam_id]) for q in result.items],
        "filters": filters,
        "exam_choices": [(row.id, row.name) for row in exam_rows],
        "topics": services.bank_topics(actor),
        "type_choices": TYPE_CHOICES,
        "difficulty_choices": DIFFICULTIES,
    }


@bp.get("/questions/bank")
@auth_required(*AUTHOR_ROLES)
def bank_page(actor: User) -> Response:
    filters = BankFilters.from_args(request.args)
    context = bank_context(actor, filters)
    data = None
    if wants_json():
        result = context["result"]
        data = {
            "success": True,
            "questions": [question_json(q) for q in result.items],
            "pagination": result.meta(),
        }
    return respond(data, template=BANK_TEMPLATE, block="results", **context)

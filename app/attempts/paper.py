"""The paper a student sits: which questions, in which order, with which options, and what the
player may show of them (never the answer key or the explanation).

The order is fixed when an attempt starts and stored on it, so a reload, a second device or a
resumed attempt shows the same paper. Questions are grouped by section in the teacher's order;
shuffling happens inside each section, so the section tabs stay meaningful.

The questions' student-facing text is cached in this process per exam (the document's
`preload-exam` "pre-caches exam questions"), keyed by a version that changes whenever the exam
or any of its questions does, so a teacher's correction shows at the next page load.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.exams.checklist import LETTERS
from app.extensions import db
from app.models import Attempt, Exam, Question, Section

GENERAL = "General"
_CACHE_SIZE = 64


@dataclass(frozen=True)
class PaperQuestion:
    id: int
    question_type: str
    text: str
    image_url: str
    options: tuple[tuple[str, str], ...]  # (letter, text) in the exam's order
    section_id: int | None
    section_name: str
    positive_marks: Any
    negative_marks: Any


@dataclass
class Paper:
    version: tuple
    questions: dict[int, PaperQuestion] = field(default_factory=dict)
    sections: list[tuple[int | None, str, list[int]]] = field(default_factory=list)


_lock = threading.Lock()
_cache: OrderedDict[int, Paper] = OrderedDict()


def exam_version(exam_id: int) -> tuple:
    """Changes whenever the exam or one of its questions is edited, added or deleted."""
    row = db.session.execute(
        select(Exam.updated_at, func.count(Question.id), func.max(Question.updated_at))
        .select_from(Exam)
        .outerjoin(Question, Question.exam_id == Exam.id)
        .where(Exam.id == exam_id)
        .group_by(Exam.id, Exam.updated_at)
    ).first()
    return tuple(row) if row else ()


def _load(exam: Exam, version: tuple) -> Paper:
    questions = list(
        db.session.scalars(
            select(Question)
            .where(Question.exam_id == exam.id)
            .options(selectinload(Question.section))
            .order_by(Question.position, Question.id)
        )
    )
    paper = Paper(version=version)
    sections: list[Section] = list(exam.sections)
    groups: dict[int | None, list[int]] = {s.id: [] for s in sections}
    for q in questions:
        section_name = q.section.name if q.section else ""
        paper.questions[q.id] = PaperQuestion(
            id=q.id,
            question_type=(q.question_type or "").upper(),
            text=q.text,
            image_url=q.image_url or "",
            options=tuple(
                (LETTERS[i], str(text))
                for i, text in enumerate(q.options or [])
                if str(text or "").strip()
            ),
            section_id=q.section_id,
            section_name=section_name,
            positive_marks=q.positive_marks
            if q.positive_marks is not None
            else exam.positive_marks,
            negative_marks=q.negative_marks
            if q.negative_marks is not None
            else exam.negative_marks,
        )
        groups.setdefault(q.section_id if q.section_id in groups else None, []).append(q.id)
    paper.sections = [(s.id, s.name, groups[s.id]) for s in sections if groups[s.id]]
    if groups.get(None):
        paper.sections.append((None, GENERAL if paper.sections else "", groups[None]))
    return paper


def paper_for(exam: Exam) -> tuple[Paper, bool]:
    """The exam's paper and whether it was already cached in this process."""
    version = exam_version(exam.id)
    with _lock:
        cached = _cache.get(exam.id)
        if cached is not None and cached.version == version:
            _cache.move_to_end(exam.id)
            return cached, True
    paper = _load(exam, version)
    with _lock:
        _cache[exam.id] = paper
        _cache.move_to_end(exam.id)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return paper, False


def new_layout(exam: Exam, paper: Paper, rng: random.Random) -> tuple[list[int], dict[str, dict]]:
    """The order of questions and options for a new attempt, shuffled if the exam asks."""
    order: list[int] = []
    layout: dict[str, dict[str, Any]] = {}
    for _section_id, _name, ids in paper.sections:
        group = list(ids)
        if exam.shuffle_questions:
            rng.shuffle(group)
        order.extend(group)
    for qid in order:
        q = paper.questions[qid]
        letters = "".join(letter for letter, _text in q.options)
        positions = list(range(len(letters)))
        if exam.shuffle_options and q.question_type in ("MCQ", "MSQ"):
            rng.shuffle(positions)
        layout[str(qid)] = {"type": q.question_type, "letters": letters, "order": positions}
    return order, layout


@dataclass(frozen=True)
class ShownQuestion:
    """One question as the player shows it in this attempt."""

    number: int
    question: PaperQuestion
    options: tuple[tuple[str, str, str], ...]  # (label shown, letter stored, text)
    section_key: str
    section_name: str


def shown_questions(attempt: Attempt, paper: Paper) -> list[ShownQuestion]:
    """The attempt's questions in its order. Options are labelled A, B, C... as shown; the
    letter stored for each stays the question's own, so scoring and API clients never see the
    shuffle. A question deleted since the attempt started is left out."""
    out: list[ShownQuestion] = []
    for qid in attempt.question_ids:
        q = paper.questions.get(qid)
        if q is None:
            continue
        by_letter = dict(q.options)
        entry = attempt.layout.get(str(qid), {})
        letters = entry.get("letters", "")
        shown = [letters[i] for i in entry.get("order", []) if i < len(letters)]
        # Options added since the attempt started are shown last; removed ones are skipped.
        shown += [letter for letter in by_letter if letter not in shown]
        options = tuple(
            (LETTERS[i], letter, by_letter[letter])
            for i, letter in enumerate(x for x in shown if x in by_letter)
        )
        out.append(
            ShownQuestion(
                number=len(out) + 1,
                question=q,
                options=options,
                section_key=str(q.section_id or "general"),
                section_name=q.section_name or GENERAL,
            )
        )
    return out


def question_count(exam: Exam) -> int:
    return db.session.scalar(select(func.count()).where(Question.exam_id == exam.id)) or 0

"""The teacher pages for questions (issue 3): an exam's question list, the question editor, the
bank across exams and the import preview. HTML for people, through htmx where a region changes;
every change goes through `app.questions.services` (and the importers' service), the same calls
the SmartAIExam admin JSON API makes, so the permission rule and the validation are theirs.

Each view renders the full page for a browser and just the named block for htmx
(app.core.respond); actions on the list run through app.core.actions.perform, which also gives
a plain form post (no JavaScript) a redirect with a flash message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app, url_for
from werkzeug.routing import BuildError

from app.core.surfaces import Surface, surface_blueprint
from app.models import Exam, Question
from app.questions.validation import LETTERS

bp = surface_blueprint("question_pages", __name__, Surface.WEB, url_prefix="/admin")

LIST_TEMPLATE = "questions/list.html"
EDITOR_TEMPLATE = "questions/editor.html"
BANK_TEMPLATE = "questions/bank.html"
IMPORT_TEMPLATE = "questions/import.html"

NEW_OPTIONS = 4  # rows a new MCQ/MSQ starts with
BANK_PER_PAGE = 20
DIFFICULTIES = ((1, "1 · very easy"), (2, "2 · easy"), (3, "3 · medium"), (4, "4 · hard"),
                (5, "5 · very hard"))  # fmt: skip
TYPE_CHOICES = (("MCQ", "Single answer (MCQ)"), ("MSQ", "Multiple answers (MSQ)"),
                ("NUMERIC", "Numeric"))  # fmt: skip


# How a question reads on the pages ----------------------------------------------------------


def number_text(value: Decimal | int | None) -> str:
    """4.00 -> "4", 0.50 -> "0.5", None -> ""."""
    if value is None:
        return ""
    d = Decimal(value)
    return format(d.normalize(), "f") if d != 0 else "0"


@dataclass(frozen=True)
class OptionView:
    letter: str
    text: str
    correct: bool


@dataclass(frozen=True)
class QuestionView:
    id: int
    exam_id: int
    type: str
    text: str
    options: list[OptionView]
    correct_letters: str
    answer: str
    tolerance: str
    positive: str
    negative: str
    positive_value: Decimal
    default_marks: bool
    topic: str
    subtopic: str
    difficulty: int
    section: str
    set_number: int
    tags: list[str]
    image_url: str
    exam_name: str = ""


def correct_letters(q: Question) -> list[str]:
    if q.question_type == "NUMERIC":
        return []
    return [p.strip().upper() for p in (q.correct_answer or "").split(",") if p.strip()]


def question_view(
    q: Question, exam: Exam, sections: Mapping[int, str] | None = None
) -> QuestionView:
    letters = correct_letters(q)
    positive = q.positive_marks if q.positive_marks is not None else exam.positive_marks
    negative = q.negative_marks if q.negative_marks is not None else exam.negative_marks
    numeric = q.question_type == "NUMERIC"
    return QuestionView(
        id=q.id,
        exam_id=q.exam_id,
        type=q.question_type,
        text=q.text,
        options=[
            OptionView(letter=LETTERS[i], text=str(text), correct=LETTERS[i] in letters)
            for i, text in enumerate((q.options or [])[: len(LETTERS)])
        ],
        correct_letters="".join(letters) if not numeric else (q.correct_answer or ""),
        answer=q.correct_answer if numeric else "",
        tolerance=number_text(q.tolerance) if numeric and q.tolerance else "",
        positive=number_text(positive),
        negative=number_text(negative),
        positive_value=Decimal(positive or 0),
        default_marks=q.positive_marks is None and q.negative_marks is None,
        topic=q.topic or "",
        subtopic=q.subtopic or "",
        difficulty=q.difficulty,
        section=(sections or {}).get(q.section_id or 0, ""),
        set_number=q.set_number,
        tags=list(q.tags or []),
        image_url=q.image_url or "",
        exam_name=exam.name,
    )


def _url(endpoint: str, **values: Any) -> str | None:
    """A link to a page another part of the app provides, or None while it does not exist."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def exam_links(exam: Exam) -> dict[str, str | None]:
    return {
        "exams": _url("exam_pages.list_page"),
        "exam": _url("exam_pages.editor", exam_id=exam.id),
        "export": _url("sae_admin_questions.export_csv", exam_id=exam.id),
    }


def section_names(exam: Exam) -> dict[int, str]:
    return {s.id: s.name for s in exam.sections}

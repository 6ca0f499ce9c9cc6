"""CSV export in the import's own columns (app.questions.importers.csv_format), so a file
exported from one exam imports into another as the same questions. UTF-8 with a BOM and CRLF
line ends, which Excel needs to show ₹, Devanagari and LaTeX correctly; text cells guarded
against formula injection (see csv_format's docstring for the rule and its inverse)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from decimal import Decimal

from sqlalchemy import select
from werkzeug.utils import secure_filename

from app.exams.access import manageable_exam
from app.extensions import db
from app.models import Question, Section
from app.questions.importers.csv_format import COLUMNS, RISKY, TEXT_COLUMNS, guard
from app.questions.validation import OPTION_KEYS, TAG_SEPARATOR

BOM = "\ufeff"


def export_csv(actor, exam_id: int) -> tuple[str, bytes]:
    """(file name, CSV bytes) of every question of the exam, in exam order."""
    exam = manageable_exam(actor, exam_id)
    questions = db.session.scalars(
        select(Question).where(Question.exam_id == exam.id).order_by(Question.position, Question.id)
    )
    names = select(Section.id, Section.name).where(Section.exam_id == exam.id)
    sections = {sid: name for sid, name in db.session.execute(names)}
    slug = secure_filename(exam.name.lower())[:60] or "exam"
    return f"exam-{exam.id}-{slug}.csv", to_csv(questions, sections)


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def row_of(q: Question, sections: Mapping[int, str]) -> dict[str, str]:
    options = list(q.options or [])
    cells = {
        "question_text": q.text,
        "question_type": q.question_type,
        "correct_answer": q.correct_answer,
        "tolerance": _number(q.tolerance) if q.question_type == "NUMERIC" else "",
        "positive_marks": _number(q.positive_marks),
        "negative_marks": _number(q.negative_marks),
        "explanation": q.explanation,
        "topic": q.topic,
        "subtopic": q.subtopic,
        "difficulty": str(q.difficulty),
        "source": q.source,
        "tags": f"{TAG_SEPARATOR} ".join(q.tags or []),
        "image_url": q.image_url,
        "section": sections.get(q.section_id, "") if q.section_id else "",
        "set_number": str(q.set_number),
    }
    for i, key in enumerate(OPTION_KEYS):
        cells[key] = options[i] if i < len(options) else ""
    return {k: guard(v) if k in TEXT_COLUMNS else _plain(v) for k, v in cells.items()}


def _plain(value: str) -> str:
    """Number and letter cells are written as they are, since validation allows nothing else
    there; should anything else ever be stored, it is guarded all the same."""
    if value.startswith(RISKY):
        try:
            Decimal(value)
        except ArithmeticError:
            return guard(value)
    return value


def to_csv(questions: Iterable[Question], sections: Mapping[int, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for q in questions:
        cells = row_of(q, sections)
        writer.writerow([cells[c] for c in COLUMNS])
    return (BOM + buffer.getvalue()).encode("utf-8")

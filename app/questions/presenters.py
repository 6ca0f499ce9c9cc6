"""A question in SmartAIExam's field names (000_…: the AI Command Centre's question shape), so
what `GET /admin/questions/get/<id>` returns can be posted back to edit-ajax or batch-add."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from app.core.jsonprovider import iso
from app.models import Question
from app.questions.validation import OPTION_KEYS


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def editable(q: Question) -> dict[str, Any]:
    """The fields a client sends to add or edit a question; options as `option_a`.. (only
    those present) and marks as stored (None = the exam's default)."""
    data: dict[str, Any] = {
        "question_text": q.text,
        "question_type": q.question_type,
        "correct_answer": q.correct_answer,
        "tolerance": q.tolerance,
        "image_path": q.image_url,
        "positive_marks": q.positive_marks,
        "negative_marks": q.negative_marks,
        "explanation": q.explanation,
        "topic": q.topic,
        "subtopic": q.subtopic,
        "difficulty": q.difficulty,
        "source": q.source,
        "tags": list(q.tags or []),
        "section_id": q.section_id,
        "set_number": q.set_number,
    }
    for key, text in zip(OPTION_KEYS, q.options or [], strict=False):
        data[key] = text
    return data


def question_json(q: Question) -> dict[str, Any]:
    """The `question` object of the admin endpoints. Every option key is present (null when the
    question has fewer options); `options` lists the same texts."""
    options = list(q.options or [])
    body: dict[str, Any] = {"id": q.id, "exam_id": q.exam_id, "question_text": q.text}
    for i, key in enumerate(OPTION_KEYS):
        body[key] = options[i] if i < len(options) else None
    body.update(
        {
            "options": options,
            "correct_answer": q.correct_answer,
            "question_type": q.question_type,
            "tolerance": _number(q.tolerance),
            "image_path": q.image_url or None,
            "positive_marks": _number(q.positive_marks),
            "negative_marks": _number(q.negative_marks),
            "explanation": q.explanation,
            "topic": q.topic,
            "subtopic": q.subtopic,
            "difficulty": q.difficulty,
            "source": q.source,
            "tags": list(q.tags or []),
            "section_id": q.section_id,
            "set_number": q.set_number,
            "position": q.position,
            "created_at": iso(q.created_at),
            "updated_at": iso(q.updated_at),
        }
    )
    return body


def preview_json(row: int, fields: dict[str, Any]) -> dict[str, Any]:
    """A validated question of an import preview (not saved yet): where it is in the file and
    the fields it will be saved with, in the names of `question_json`."""
    return {
        "row": row,
        "question_text": fields["text"],
        "question_type": fields["question_type"],
        "options": list(fields["options"]),
        "correct_answer": fields["correct_answer"],
        "tolerance": _number(fields["tolerance"]),
        "image_path": fields["image_url"] or None,
        "positive_marks": _number(fields["positive_marks"]),
        "negative_marks": _number(fields["negative_marks"]),
        "explanation": fields["explanation"],
        "topic": fields["topic"],
        "subtopic": fields["subtopic"],
        "difficulty": fields["difficulty"],
        "source": fields["source"],
        "tags": list(fields["tags"]),
        "section_id": fields["section_id"],
        "set_number": fields["set_number"],
    }

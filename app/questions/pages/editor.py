"""The question editor: type-specific answer inputs, live KaTeX preview, errors by field."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for
from sqlalchemy import func, or_, select

from app.core import storage
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.respond import respond
from app.core.surfaces import wants_json
from app.exams.access import AUTHOR_ROLES, manageable_exam
from app.extensions import db, htmx
from app.models import Exam, Question, User
from app.questions import services
from app.questions.images import UPLOAD_FOLDER
from app.questions.pages.common import (
    DIFFICULTIES,
    EDITOR_TEMPLATE,
    NEW_OPTIONS,
    bp,
    correct_letters,
    exam_links,
    number_text,
)
from app.questions.presenters import question_json
from app.questions.validation import LETTERS, OPTION_KEYS, TYPES

# The editor ---------------------------------------------------------------------------------

FIELD_LABELS = {
    "question_text": "The question",
    "question_type": "The type",
    "correct_answer": "The correct answer",
    "tolerance": "The tolerance",
    "positive_marks": "The marks",
    "negative_marks": "The deduction",
    "explanation": "The explanation",
    "topic": "The topic",
    "subtopic": "The subtopic",
    "difficulty": "The difficulty",
    "source": "The source",
    "tags": "Tags",
    "section_id": "The section",
    "set_number": "The set",
    "image_url": "The image address",
    **{key: f"Option {key[-1].upper()}" for key in OPTION_KEYS},
}
# Where a service's field error is shown on the form.
FORM_FIELD = {"image_path": "image_url", "options": "correct_answer"}


def split_tags(value: str) -> list[str]:
    return [t.strip() for t in value.replace(";", ",").split(",") if t.strip()]


def blank_form(qtype: str) -> dict[str, Any]:
    qtype = qtype if qtype in TYPES else "MCQ"
    return {
        "question_type": qtype,
        "question_text": "",
        "options": [
            {"letter": LETTERS[i], "text": "", "correct": False} for i in range(NEW_OPTIONS)
        ],
        "numeric_answer": "",
        "tolerance": "",
        "explanation": "",
        "positive_marks": "",
        "negative_marks": "",
        "section_id": "",
        "set_number": "1",
        "topic": "",
        "subtopic": "",
        "difficulty": "3",
        "source": "",
        "tags": "",
        "image_url": "",
    }


def form_from_question(q: Question) -> dict[str, Any]:
    letters = correct_letters(q)
    options = [
        {"letter": LETTERS[i], "text": str(text), "correct": LETTERS[i] in letters}
        for i, text in enumerate((q.options or [])[: len(LETTERS)])
    ]
    numeric = q.question_type == "NUMERIC"
    if not options:  # a NUMERIC question switched to MCQ starts with empty rows
        options = blank_form("MCQ")["options"]
    return {
        "question_type": q.question_type,
        "question_text": q.text,
        "options": options,
        "numeric_answer": q.correct_answer if numeric else "",
        "tolerance": number_text(q.tolerance) if numeric and q.tolerance else "",
        "explanation": q.explanation or "",
        "positive_marks": number_text(q.positive_marks),
        "negative_marks": number_text(q.negative_marks),
        "section_id": str(q.section_id or ""),
        "set_number": str(q.set_number),
        "topic": q.topic or "",
        "subtopic": q.subtopic or "",
        "difficulty": str(q.difficulty),
        "source": q.source or "",
        "tags": ", ".join(q.tags or []),
        "image_url": q.image_url or "",
    }


def form_from_request() -> tuple[dict[str, Any], dict[str, Any]]:
    """(data for the service in SmartAIExam's names, the values to show the form again)."""
    f = request.form
    qtype = f.get("question_type", "MCQ").strip().upper()
    correct = [c.strip().upper() for c in f.getlist("correct") if c.strip()]
    rows = [(LETTERS[i], f.get(key, "")) for i, key in enumerate(OPTION_KEYS) if key in f]
    shown = {
        "question_type": qtype if qtype in TYPES else "MCQ",
        "question_text": f.get("question_text", ""),
        "options": [{"letter": L, "text": t, "correct": L in correct} for L, t in rows]
        or blank_form("MCQ")["options"],
        **{
            name: f.get(name, "")
            for name in (
                "numeric_answer",
                "tolerance",
                "explanation",
                "positive_marks",
                "negative_marks",
                "section_id",
                "set_number",
                "topic",
                "subtopic",
                "difficulty",
                "source",
                "tags",
                "image_url",
            )
        },
    }
    data: dict[str, Any] = {
        "question_type": qtype,
        "question_text": shown["question_text"],
        "explanation": shown["explanation"],
        "positive_marks": shown["positive_marks"],
        "negative_marks": shown["negative_marks"],
        "section_id": shown["section_id"],
        "set_number": shown["set_number"],
        "topic": shown["topic"],
        "subtopic": shown["subtopic"],
        "difficulty": shown["difficulty"],
        "source": shown["source"],
        "tags": split_tags(shown["tags"]),
        "image_path": shown["image_url"],
    }
    if qtype == "NUMERIC":
        data["correct_answer"] = shown["numeric_answer"]
        data["tolerance"] = shown["tolerance"]
    else:
        # Every letter is sent: a row the author removed clears that option on an edit.
        texts = dict(rows)
        for letter, key in zip(LETTERS, OPTION_KEYS, strict=True):
            data[key] = texts.get(letter, "")
        data["correct_answer"] = ",".join(correct)
        data["tolerance"] = ""
    return data, shown


def form_errors(err: Invalid, qtype: str) -> dict[str, str]:
    """The service's field errors, keyed by the form's field names, as sentences."""
    if not err.fields:
        return {"__all__": err.message}
    out: dict[str, str] = {}
    for f in err.fields:
        loc = [str(p) for p in f.get("loc", []) if p != "body"]
        name = loc[0] if loc else "__all__"
        key = FORM_FIELD.get(name, name)
        if name == "options" and qtype == "NUMERIC":
            key = "__all__"
        empty = f.get("type") in ("missing", "too_short", "string_too_short")
        msg = "is required" if empty else str(f.get("msg", ""))
        out.setdefault(key, sentence(key, name, msg, qtype))
    return out


def sentence(key: str, name: str, msg: str, qtype: str) -> str:
    if name == "correct_answer" and msg == "is required":
        return "Enter the correct value." if qtype == "NUMERIC" else "Tick the correct option."
    if name == "question_text" and msg == "is required":
        return "Write the question."
    if "options must not have gaps" in msg:
        return "Fill in this option, or remove it."
    if msg.startswith("Input should be"):
        msg = "should be" + msg[len("Input should be") :]
    if msg[:1].islower():
        label = FIELD_LABELS.get(key, key.replace("_", " ").capitalize())
        first = msg.split(" ", 1)[0]
        joiner = " " if first in ("is", "must", "should", "has", "at", "no") else ": "
        msg = f"{label}{joiner}{msg}"
    return msg if msg.endswith((".", ")")) else msg + "."


def editor_context(
    exam: Exam,
    *,
    question: Question | None,
    form: dict[str, Any],
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    errors = errors or {}
    more = ("section_id", "set_number", "topic", "subtopic", "difficulty", "source", "tags",
            "image_url")  # fmt: skip
    number = None
    if question is not None:
        number = 1 + (
            db.session.scalar(
                select(func.count())
                .select_from(Question)
                .where(
                    Question.exam_id == exam.id,
                    or_(
                        Question.position < question.position,
                        (Question.position == question.position) & (Question.id < question.id),
                    ),
                )
            )
            or 0
        )
    return {
        "exam": exam,
        "question": question,
        "number": number,
        "form": form,
        "errors": errors,
        "links": exam_links(exam),
        "section_choices": [(s.id, s.name) for s in exam.sections],
        "difficulty_choices": DIFFICULTIES,
        "exam_positive": number_text(exam.positive_marks),
        "exam_negative": number_text(exam.negative_marks),
        # The extra fields start folded away unless they hold something worth seeing.
        "open_details": any(k in errors for k in more)
        or bool(
            form.get("topic")
            or form.get("section_id")
            or form.get("image_url")
            or form.get("tags")
            or form.get("source")
            or form.get("subtopic")
            or str(form.get("set_number") or "1") != "1"
        ),
    }


def saved(exam_id: int, question_id: int, message: str) -> Response:
    """After a save: back to the list, at the question (HX-Redirect for htmx, 303 otherwise)."""
    flash(message, "success")
    target = url_for("question_pages.list_page", exam_id=exam_id, _anchor=f"q-{question_id}")
    if htmx:
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, 303)


def attach_uploaded_image(data: dict[str, Any]) -> None:
    """A picture chosen in the editor replaces the image address: stored under
    uploads/questions after Pillow has decoded it, and removed again if the save fails."""
    upload = request.files.get("image_file")
    if upload is None or not upload.filename:
        return
    stored = storage.save_image(storage.read_limited(upload.stream), UPLOAD_FOLDER, "image_url")
    data["image_path"] = stored.url


@bp.route("/exams/<int:exam_id>/questions/new", methods=["GET", "POST"])
@auth_required(*AUTHOR_ROLES)
def new_question(actor: User, exam_id: int) -> Response:
    exam = manageable_exam(actor, exam_id)
    if request.method == "GET":
        form = blank_form(request.args.get("type", "MCQ").upper())
        return respond(
            template=EDITOR_TEMPLATE,
            block="editor",
            **editor_context(exam, question=None, form=form),
        )
    data, shown = form_from_request()
    try:
        attach_uploaded_image(data)
        question = services.add_question(actor, exam.id, data)
    except Invalid as err:
        db.session.rollback()
        context = editor_context(
            exam, question=None, form=shown, errors=form_errors(err, shown["question_type"])
        )
        return respond(template=EDITOR_TEMPLATE, block="editor", status=400, **context)
    count = db.session.scalar(
        select(func.count()).select_from(Question).where(Question.exam_id == exam.id)
    )
    return saved(exam.id, question.id, f"Question {count} added.")


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@auth_required(*AUTHOR_ROLES)
def edit_question(actor: User, question_id: int) -> Response:
    question = services.get_question(actor, question_id)
    exam = question.exam
    if request.method == "GET":
        context = editor_context(exam, question=question, form=form_from_question(question))
        data = {"success": True, "question": question_json(question)} if wants_json() else None
        return respond(data, template=EDITOR_TEMPLATE, block="editor", **context)
    data, shown = form_from_request()
    try:
        attach_uploaded_image(data)
        question = services.edit_question(actor, question_id, data)
    except Invalid as err:
        db.session.rollback()
        question = services.get_question(actor, question_id)
        context = editor_context(
            question.exam,
            question=question,
            form=shown,
            errors=form_errors(err, shown["question_type"]),
        )
        return respond(template=EDITOR_TEMPLATE, block="editor", status=400, **context)
    return saved(question.exam_id, question.id, "Question saved.")

"""CSV, GIFT and Aiken import: preview first, then commit exactly what was previewed."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask import Response, flash, redirect, request, url_for

from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.respond import respond
from app.exams.access import AUTHOR_ROLES, manageable_exam
from app.extensions import db, htmx
from app.models import Exam, Question, User
from app.questions.importers import FORMATS
from app.questions.importers import service as importer
from app.questions.pages.common import (
    IMPORT_TEMPLATE,
    QuestionView,
    bp,
    exam_links,
    question_view,
    section_names,
)
from app.questions.pages.editor import sentence

# Import -------------------------------------------------------------------------------------

IMPORT_FORMATS = (
    ("csv", "CSV", "A spreadsheet saved as CSV UTF-8, with a header row (the columns are below)."),
    ("gift", "Moodle GIFT", "Moodle's text format: multiple choice, multiple answers, true/false, numerical."),
    ("aiken", "Aiken", "Moodle's simple format for single-answer multiple choice."),
)  # fmt: skip
PREVIEW_SHOWN = 200  # valid questions drawn on the preview page; all of them are imported
REJECTED_SHOWN = 500


def preview_view(item: Mapping[str, Any], exam: Exam, sections: Mapping[int, str]) -> QuestionView:
    """A validated, not yet saved row of an import preview, drawn like a saved question."""
    q = Question(
        id=0,
        exam_id=exam.id,
        question_type=item["question_type"],
        text=item["question_text"],
        options=list(item["options"]),
        correct_answer=item["correct_answer"],
        tolerance=None if item["tolerance"] is None else Decimal(str(item["tolerance"])),
        image_url=item["image_path"] or "",
        positive_marks=None
        if item["positive_marks"] is None
        else Decimal(str(item["positive_marks"])),
        negative_marks=None
        if item["negative_marks"] is None
        else Decimal(str(item["negative_marks"])),
        topic=item["topic"],
        subtopic=item["subtopic"],
        difficulty=item["difficulty"],
        section_id=item["section_id"],
        set_number=item["set_number"],
        tags=list(item["tags"]),
    )
    return question_view(q, exam, sections)


def import_context(
    exam: Exam,
    *,
    fmt: str = "csv",
    preview: dict[str, Any] | None = None,
    filename: str = "",
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> dict[str, Any]:
    valid = []
    if preview:
        # GIFT and Aiken reasons start "line N: "; the table already says which line.
        for e in preview["errors"]:
            prefix = f"line {e['row']}: "
            if isinstance(e.get("reason"), str) and e["reason"].startswith(prefix):
                e["reason"] = e["reason"][len(prefix) :]
        names = section_names(exam)
        valid = [
            (item["row"], preview_view(item, exam, names))
            for item in preview["questions"][:PREVIEW_SHOWN]
        ]
    return {
        "exam": exam,
        "links": exam_links(exam),
        "formats": IMPORT_FORMATS,
        "format": fmt,
        "preview": preview,
        "valid": valid,
        "filename": filename,
        "errors": errors or {},
        "error": error,
        "max_rejected": REJECTED_SHOWN,
    }


@bp.get("/exams/<int:exam_id>/questions/import")
@auth_required(*AUTHOR_ROLES)
def import_page(actor: User, exam_id: int) -> Response:
    exam = manageable_exam(actor, exam_id)
    fmt = request.args.get("format", "csv")
    context = import_context(exam, fmt=fmt if fmt in FORMATS else "csv")
    return respond(template=IMPORT_TEMPLATE, block="import_panel", **context)


@bp.post("/exams/<int:exam_id>/questions/import")
@auth_required(*AUTHOR_ROLES)
def import_preview(actor: User, exam_id: int) -> Response:
    """Check the file and show what would be imported; nothing is written (the service keeps the
    file for the commit and signs a token naming it)."""
    exam = manageable_exam(actor, exam_id)
    fmt = request.form.get("format", "")
    upload = request.files.get("file")
    errors: dict[str, str] = {}
    if fmt not in FORMATS:
        errors["format"] = "Choose the file's format."
    if upload is None or not upload.filename:
        errors["file"] = "Choose a file to import."
    if not errors:
        content = upload.read()
        if not content.strip():
            errors["file"] = "The file is empty."
    if errors:
        context = import_context(exam, fmt=fmt if fmt in FORMATS else "csv", errors=errors)
        return respond(template=IMPORT_TEMPLATE, block="import_panel", status=400, **context)
    try:
        preview = importer.preview_import(actor, exam.id, fmt, content)
    except Invalid as err:  # the whole file is unusable: not UTF-8, no header row
        db.session.rollback()
        context = import_context(
            exam, fmt=fmt, errors={"file": sentence("file", "file", err.message, "")}
        )
        return respond(template=IMPORT_TEMPLATE, block="import_panel", status=400, **context)
    context = import_context(exam, fmt=fmt, preview=preview, filename=upload.filename)
    return respond(template=IMPORT_TEMPLATE, block="import_panel", **context)


@bp.post("/exams/<int:exam_id>/questions/import/commit")
@auth_required(*AUTHOR_ROLES)
def import_commit(actor: User, exam_id: int) -> Response:
    """Insert exactly the valid rows of the previewed file, then back to the list."""
    exam = manageable_exam(actor, exam_id)
    try:
        outcome = importer.commit_import(actor, request.form.get("token", ""), exam.id)
    except Invalid as err:
        db.session.rollback()
        context = import_context(exam, error=err.message)
        return respond(template=IMPORT_TEMPLATE, block="import_panel", status=400, **context)
    n = outcome["inserted"]
    message = f"Imported {n} question{'' if n == 1 else 's'}."
    if outcome["skipped"]:
        message += f" {outcome['skipped']} rejected {'was' if outcome['skipped'] == 1 else 'were'} left out."
    flash(message, "success")
    target = url_for("question_pages.list_page", exam_id=exam.id)
    if htmx:
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, 303)

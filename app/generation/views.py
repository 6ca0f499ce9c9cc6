"""The AI command centre (000_…, "AI Command Centre"; Groq instead of the document's Gemini):
the documented JSON endpoints under /admin/ai-command-centre/* and the teachers' page.

JSON: `generate` answers in the request (multipart as documented; a JSON body also works for
`pure`), `save` and `export-csv` take `{questions: [...]}`. The page runs generation as a job
(app.generation.runs.run_generation) and polls its progress with HTMX, then saves or exports
the questions as the teacher edited them. Authors only (teachers, managers, admins); students
and proctors get 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Response, redirect, request, url_for
from pydantic import BaseModel
from sqlalchemy import select

from app.core import limits
from app.core.api import endpoint, is_form, raw_input, validate
from app.core.auth import auth_required
from app.core.errors import AppError, Invalid
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.exams.access import AUTHOR_ROLES, manageable_clause
from app.extensions import db, htmx, limiter
from app.generation import pdftext, runs
from app.generation import services as generation
from app.generation.schemas import (
    GenerateFields,
    GenerateForm,
    GenerateOut,
    QuestionsIn,
    SaveOut,
)
from app.llm import client as llm
from app.models import Exam, GenerationJob, User
from app.questions.pages.common import DIFFICULTIES
from app.questions.validation import OPTION_KEYS

api_bp = surface_blueprint("sae_ai_command_centre", __name__, Surface.SMARTAIEXAM)
pages_bp = surface_blueprint("generation_pages", __name__, Surface.WEB, url_prefix="/admin")
TAGS = ["SmartAIExam admin: AI command centre"]
TEMPLATE = "generation/centre.html"
ERRORS: dict[int, Any] = {400: None, 401: None, 403: None, 404: None}
AI_ERRORS: dict[int, Any] = {502: None, 503: None, 504: None}
GENERATE_LIMIT = "60 per hour"  # each one is a paid model call of up to a minute


def multipart(model: type[BaseModel]) -> Callable:
    """Document a multipart/form-data body (the PDF upload); the view reads request.files."""

    def decorate(view: Callable) -> Callable:
        view.__api__.extra_bodies.append(("multipart/form-data", model))
        return view

    return decorate


def _fields(data: Any, source: str) -> GenerateFields:
    if not isinstance(data, dict):
        raise Invalid("Request body must be a JSON object")
    return validate(GenerateFields, data, source)  # type: ignore[arg-type]


def _pdf(fields: GenerateFields) -> tuple[str, str]:
    """(text, file name) of the uploaded PDF for extract and mine; nothing for pure."""
    upload = request.files.get("pdf_file")
    if not fields.needs_pdf:
        return "", ""
    if upload is None or not upload.filename:
        raise Invalid(
            f"pdf_file is required for mode {fields.mode}",
            fields=[{"loc": ["body", "pdf_file"], "msg": "Field required", "type": "missing"}],
        )
    text, _pages = pdftext.pdf_text(upload.read(pdftext.MAX_PDF_BYTES + 1))
    return text, upload.filename


def _questions_body() -> QuestionsIn:
    data = raw_input("json")
    if not isinstance(data, dict):
        raise Invalid("Request body must be a JSON object")
    return validate(QuestionsIn, data)


# JSON ---------------------------------------------------------------------------------------


@api_bp.post("/admin/ai-command-centre/generate")
@limiter.limit(GENERATE_LIMIT, key_func=limits.per_account)
@auth_required(*AUTHOR_ROLES)
@multipart(GenerateForm)
@endpoint(
    "AI question generation (Groq). mode: extract | mine (pdf_file) | pure (topic)",
    body=GenerateFields,
    responses={200: GenerateOut, **ERRORS, 413: None, **AI_ERRORS},
    tags=TAGS,
    parse_input=False,
)
def generate(actor: User) -> Response:
    generation.require_configured()
    if is_form():
        fields = _fields(request.form.to_dict(), "form")
    else:
        fields = _fields(raw_input("json"), "json")
    text, _name = _pdf(fields)
    outcome = generation.generate(actor, fields, text)
    return respond(
        {
            "success": True,
            "count": len(outcome.questions),
            "questions": outcome.questions,
            "dropped": outcome.dropped,
            "repaired": outcome.repaired,
        }
    )


@api_bp.post("/admin/ai-command-centre/save")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Save to DB. Body: { questions: [...] } -> { success, count }; all or nothing",
    body=QuestionsIn,
    responses={200: SaveOut, **ERRORS},
    tags=TAGS,
    parse_input=False,
)
def save(actor: User) -> Response:
    body = _questions_body()
    count = generation.save_questions(actor, body.questions, body.exam_id)
    return respond({"success": True, "count": count})


def _csv_response(content: bytes) -> Response:
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Response(
        content,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="generated-questions-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


@api_bp.post("/admin/ai-command-centre/export-csv")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Export as CSV (the question import's format). Body: { questions: [...] } -> CSV download",
    body=QuestionsIn,
    responses={200: "text/csv", **ERRORS},
    tags=TAGS,
    parse_input=False,
)
def export_csv(actor: User) -> Response:
    body = _questions_body()
    return _csv_response(generation.export_csv(actor, body.questions))


# The page -----------------------------------------------------------------------------------

FORM_DEFAULTS = {
    "mode": "pure",
    "topic": "",
    "difficulty": "Medium",
    "mcq_count": "5",
    "msq_count": "2",
    "numeric_count": "3",
}
FIELD_NAMES = ("question_text", *OPTION_KEYS[:4], "correct_answer", "tolerance", "explanation")


def _context(actor: User, **extra: Any) -> dict[str, Any]:
    exams = list(
        db.session.scalars(select(Exam).where(manageable_clause(actor)).order_by(Exam.name))
    )
    context: dict[str, Any] = {
        "configured": llm.is_configured(),
        "not_configured_message": llm.NOT_CONFIGURED,
        "exams": exams,
        "runs": runs.recent_runs(actor),
        "form": dict(FORM_DEFAULTS),
        "form_errors": {},
        "run": None,
        "questions": [],
        "dropped": [],
        "edit_errors": {},
        "chosen": None,
        "exam_id": None,
        "saved": None,
        "message": None,
        "error": None,
        "levels": DIFFICULTIES,
        "max_pdf_mb": pdftext.MAX_PDF_BYTES // (1024 * 1024),
        "max_pdf_pages": pdftext.MAX_PDF_PAGES,
        "max_per_type": 20,
    }
    context.update(extra)
    run = context["run"]
    if run is not None and run.status == "done" and not context["questions"]:
        context["questions"] = list(run.result.get("questions", []))
        context["dropped"] = list(run.result.get("dropped", []))
    return context


def _panel(actor: User, status: int = 200, **extra: Any) -> Response:
    return respond(template=TEMPLATE, block="panel", status=status, **_context(actor, **extra))


@pages_bp.get("/ai-command-centre")
@auth_required(*AUTHOR_ROLES)
def page(actor: User) -> Response:
    run = None
    if request.args.get("run", "").isdigit():
        run = runs.get_run(actor, int(request.args["run"]))
    return respond(template=TEMPLATE, **_context(actor, run=run))


def _form_errors(err: Invalid) -> dict[str, str]:
    """Field name -> a sentence naming the field ("pdf_file is required for mode extract")."""
    if len(err.fields) == 1:
        loc = [str(p) for p in err.fields[0].get("loc", []) if p not in ("body", "form")]
        return {loc[0] if loc else "__all__": err.message}
    errors: dict[str, str] = {}
    for f in err.fields:
        loc = [str(p) for p in f.get("loc", []) if p not in ("body", "form")]
        name = loc[0] if loc else "__all__"
        msg = f.get("msg", "").removeprefix("Value error, ")
        sentence = f"{name} is required" if f.get("type") == "missing" else f"{name}: {msg}"
        errors.setdefault(name, msg if name == "__all__" else sentence)
    return errors or {"__all__": err.message}


@pages_bp.post("/ai-command-centre/runs")
@limiter.limit(GENERATE_LIMIT, key_func=limits.per_account)
@auth_required(*AUTHOR_ROLES)
def start(actor: User) -> Response:
    """Check the form and the PDF here (a bad file is the teacher's to fix now), then hand the
    model call to a job and show its progress."""
    form = {**FORM_DEFAULTS, **{k: v for k, v in request.form.items() if k in FORM_DEFAULTS}}
    try:
        fields = _fields(request.form.to_dict(), "form")
        text, filename = _pdf(fields)
        run = runs.start_run(actor, fields, text, filename)
    except Invalid as err:  # swapped in with the form's errors
        db.session.rollback()
        return _panel(actor, status=400, form=form, form_errors=_form_errors(err))
    except AppError as err:  # no key, model down: announced (data-error-message)
        db.session.rollback()
        return _panel(actor, status=err.status, form=form, error=err.message)
    if not htmx:
        return redirect(url_for("generation_pages.page", run=run.id), 303)
    return _panel(actor, run=run, form=form)


@pages_bp.get("/ai-command-centre/runs/<int:run_id>")
@auth_required(*AUTHOR_ROLES)
def run_status(actor: User, run_id: int) -> Response:
    run = runs.get_run(actor, run_id)
    if not htmx:
        return redirect(url_for("generation_pages.page", run=run.id), 303)
    return _panel(actor, run=run)


def _edited(run: GenerationJob) -> tuple[list[dict[str, Any]], list[int]]:
    """Every question of the run as the teacher edited it on the page, and the chosen ones'
    places. The type is the generated one: the form does not change it."""
    generated = run.result.get("questions", [])
    questions = []
    for i, original in enumerate(generated):
        item = dict(original)
        for name in (*FIELD_NAMES, "topic", "difficulty"):
            key = f"q-{i}-{name}"
            if key in request.form:
                item[name] = request.form[key]
        questions.append(item)
    chosen = sorted(
        {int(v) for v in request.form.getlist("chosen") if v.isdigit() and int(v) < len(generated)}
    )
    return questions, chosen


def _edit_errors(err: Invalid, chosen: list[int]) -> dict[str, str]:
    """Errors located as questions[i].field (i among the chosen) -> "<question>-<field>"."""
    errors: dict[str, str] = {}
    for f in err.fields:
        loc = [p for p in f.get("loc", []) if p != "body"]
        if len(loc) >= 3 and loc[0] == "questions" and isinstance(loc[1], int):
            place = chosen[loc[1]] if loc[1] < len(chosen) else loc[1]
            field = str(loc[2])
            if field in ("option_e", "options"):
                field = "option_a"
            msg = f.get("msg", "")
            errors.setdefault(f"{place}-{field}", "Required." if msg == "is required" else msg)
    return errors


def _exam_choice() -> int | None:
    value = request.form.get("exam_id", "")
    return int(value) if value.isdigit() else None


@pages_bp.post("/ai-command-centre/runs/<int:run_id>/save")
@auth_required(*AUTHOR_ROLES)
def save_run(actor: User, run_id: int) -> Response:
    """Save the chosen questions, as edited, to the exam picked on the page; all or nothing."""
    run = runs.get_run(actor, run_id)
    questions, chosen = _edited(run)
    exam_id = _exam_choice()
    keep = {"run": run, "questions": questions, "chosen": chosen, "exam_id": exam_id}
    if not chosen:
        return _panel(actor, status=400, error="Choose at least one question to save.", **keep)
    if exam_id is None:
        return _panel(actor, status=400, error="Choose the exam to save the questions to.", **keep)
    items = [{k: v for k, v in questions[i].items() if k not in ("positive_marks", "negative_marks")}
             for i in chosen]  # fmt: skip
    try:
        count = generation.save_questions(actor, items, exam_id)
    except Invalid as err:
        db.session.rollback()
        return _panel(actor, status=400, error="Some questions need fixing before they can be saved.",
                      edit_errors=_edit_errors(err, chosen), **keep)  # fmt: skip
    exam = db.session.get(Exam, exam_id)
    saved = {"count": count, "exam": exam}
    return _panel(actor, saved=saved, **keep)


@pages_bp.post("/ai-command-centre/runs/<int:run_id>/export-csv")
@auth_required(*AUTHOR_ROLES)
def export_run(actor: User, run_id: int) -> Response:
    """The chosen questions, as edited, as a CSV download (a plain form post, not HTMX)."""
    run = runs.get_run(actor, run_id)
    questions, chosen = _edited(run)
    keep = {"run": run, "questions": questions, "chosen": chosen, "exam_id": _exam_choice()}
    if not chosen:
        return respond(template=TEMPLATE, status=400,
                       **_context(actor, error="Choose at least one question to export.", **keep))  # fmt: skip
    items = [{k: v for k, v in questions[i].items() if k != "exam_id"} for i in chosen]
    try:
        content = generation.export_csv(actor, items)
    except Invalid as err:
        db.session.rollback()
        return respond(template=TEMPLATE, status=400, **_context(
            actor, error="Some questions need fixing before they can be exported.",
            edit_errors=_edit_errors(err, chosen), **keep))  # fmt: skip
    return _csv_response(content)

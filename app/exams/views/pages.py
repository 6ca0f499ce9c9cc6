"""The teachers' exam pages: the list and the editor. Each is one view for three clients (full
page, an HTMX block, or JSON for API clients); the editor's panels post to the endpoints in
api.py and structure.py, which render the panel again through the context builders here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, request, url_for
from sqlalchemy import select

from app.core import roles as R
from app.core.api import endpoint
from app.core.auth import auth_required, current_actor
from app.core.errors import Invalid
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.exams import presenters, schedule, services
from app.exams.access import AUTHOR_ROLES, require_author
from app.exams.fields import STATUSES
from app.exams.schemas import ExamGetOut, ExamsListOut, ExamsQuery
from app.extensions import db
from app.models import Category, Exam, User, utcnow

bp = surface_blueprint("exam_pages", __name__, Surface.WEB, url_prefix="/admin/exams")

LIST_TEMPLATE = "exams/list.html"
EDITOR_TEMPLATE = "exams/editor.html"
TAGS = ["SmartAIExam admin: exams"]
PANELS = ("heading", "settings", "sections", "coowners", "publish", "danger")
FLAGS = ("shuffle_questions", "shuffle_options", "msq_partial_credit")


# The list -----------------------------------------------------------------------------------


def list_data(
    actor: User, q: str, status: str | None, page: Any, per_page: Any = None
) -> dict[str, Any]:
    result, counts = services.list_exams(actor, q, status, page, per_page)
    return {
        "success": True,
        "exams": [presenters.exam_summary(e, counts.get(e.id, 0)) for e in result.items],
        "pagination": result.meta(),
        "counts": services.status_counts(actor, q),
        "_result": result,
    }


@bp.get("")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Exams page: the full page, its panel for HTMX, or the list as JSON",
    query=ExamsQuery,
    responses={200: ExamsListOut, 400: None},
    tags=TAGS,
)
def list_page(actor: User, query: ExamsQuery) -> Response:
    data = list_data(actor, query.q, query.status, query.page, query.per_page)
    result = data.pop("_result")
    return respond(
        data,
        template=LIST_TEMPLATE,
        block="panel",
        result=result,
        exams=data["exams"],
        counts=data["counts"],
        q=query.q,
        tab=query.status or "",
        statuses=STATUSES,
    )


# The editor ---------------------------------------------------------------------------------


def settings_values(exam: Exam | None) -> dict[str, str]:
    """The settings form's values, as strings, for an exam or for a new one (tomorrow at ten)."""
    if exam is None:
        start = schedule.to_local(utcnow() + timedelta(days=1))
        return {
            "name": "",
            "instructions": "",
            "date": start.strftime("%Y-%m-%d"),
            "start_time": "10:00",
            "end_date": "",
            "end_time": "",
            "duration": "60",
            "positive_marks": "4",
            "negative_marks": "1",
            "max_attempts": "1",
            "result_mode": "instant",
            "result_delay": "0",
            "category_id": "",
        }
    data = presenters.exam_summary(exam, 0)
    values = {
        k: "" if data[k] is None else str(data[k])
        for k in (
            "name",
            "instructions",
            "date",
            "start_time",
            "end_date",
            "end_time",
            "duration",
            "positive_marks",
            "negative_marks",
            "max_attempts",
            "result_mode",
            "result_delay",
            "category_id",
        )
    }
    values.update({f: "on" if data[f] else "" for f in FLAGS})
    values.update({f"proctoring_{k}": "on" if v else "" for k, v in data["proctoring"].items()})
    for key in ("positive_marks", "negative_marks"):
        values[key] = _plain_number(exam, key)
    return values


def _plain_number(exam: Exam, column: str) -> str:
    value = getattr(exam, column)
    return "" if value is None else format(value.normalize(), "f")


def submitted_values() -> dict[str, str]:
    """What the teacher typed, for showing a refused form again."""
    values = request.form.to_dict()
    for flag in (*FLAGS, *(f"proctoring_{k}" for k in presenters.PROCTORING_FLAGS)):
        values[flag] = "on" if flag in request.form else ""
    return values


def editor_context(
    exam_id: int | None = None,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    error: str | None = None,
    panel: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Everything the editor template needs. `message`/`error` belong to `panel` (the one an
    action re-renders); the full page shows flashed messages instead."""
    actor = current_actor()
    exam = services.get_exam(actor, exam_id) if exam_id is not None else None
    detail = presenters.exam_detail(exam) if exam is not None else None
    return {
        "exam": exam,
        "detail": detail,
        "checklist": detail["checklist"] if detail else [],
        "form": form if form is not None else settings_values(exam),
        "errors": errors or {},
        "category_options": [("", "No category")]
        + [
            (str(c.id), c.name)
            for c in db.session.scalars(select(Category).order_by(Category.name))
        ],
        "zone_label": schedule.zone_label(exam.starts_at if exam else None),
        "questions_url": f"/admin/exams/{exam.id}/questions" if exam else None,
        "is_owner": bool(exam and (exam.owner_id == actor.id or actor.has_role(R.ADMIN))),
        "panel": panel,
        "message": message,
        "error": error,
        "statuses": STATUSES,
        "proctoring_flags": presenters.PROCTORING_FLAGS,
        "problem_count": sum(len(i["problems"]) for i in detail["checklist"]) if detail else 0,
        **extra,
    }


@bp.get("/new")
@auth_required(*AUTHOR_ROLES)
def new_page(actor: User) -> Response:
    """The editor with an empty settings form; it posts to POST /admin/exams."""
    require_author(actor)
    return respond(None, template=EDITOR_TEMPLATE, block="settings", **editor_context())


@bp.get("/<int:exam_id>")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Exam editor: the full page, one panel for HTMX (?panel=), or the exam as JSON",
    responses={200: ExamGetOut, 403: None, 404: None},
    tags=TAGS,
)
def editor(actor: User, exam_id: int) -> Response:
    panel = request.args.get("panel") or "settings"
    if panel not in PANELS:
        raise Invalid("panel must be one of " + ", ".join(PANELS))
    context = editor_context(exam_id)
    return respond(
        {"success": True, "exam": context["detail"]},
        template=EDITOR_TEMPLATE,
        block=panel,
        **context,
    )


def editor_url(exam_id: int) -> str:
    return url_for("exam_pages.editor", exam_id=exam_id)


def hx_trigger(response: Response, event: str) -> Response:
    """Panels that show derived state (the heading, the checklist) refresh themselves on these
    events: exam-settings-saved (heading, checklist, the delete form's name), and
    exam-status-changed (heading)."""
    if response.status_code < 400:
        response.headers["HX-Trigger"] = event
    return response

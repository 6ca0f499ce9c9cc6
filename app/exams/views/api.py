"""SmartAIExam's exam endpoints (000_…, "Admin JSON APIs": exams) and the editor's state changes.

Each POST is one view for every client: JSON for API clients (a JSON body or a form), and for
the editor page the panel it came from (HTMX) or a redirect back with a flash (a plain form).
Teachers and managers manage the exams they own or co-own, admins every exam (app.exams.access).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, flash, redirect, request, url_for
from pydantic import BaseModel

from app.core.actions import perform
from app.core.api import endpoint, is_form, parse_body, validate
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.forms import field_errors
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint, wants_json
from app.exams import presenters, services
from app.exams.access import AUTHOR_ROLES
from app.exams.schemas import (
    DeleteIn,
    ExamCreateIn,
    ExamCreateOut,
    ExamEditOut,
    ExamFieldsIn,
    ExamGetOut,
    ExamsListOut,
    ExamsQuery,
    MessageOut,
    PublishOut,
    ReleaseIn,
    ReleaseOut,
)
from app.exams.views.pages import (
    EDITOR_TEMPLATE,
    FLAGS,
    TAGS,
    editor_context,
    editor_url,
    hx_trigger,
    list_data,
    submitted_values,
)
from app.extensions import db, htmx
from app.models import Exam, User

bp = surface_blueprint("sae_exams", __name__, Surface.SMARTAIEXAM)
M = TypeVar("M", bound=ExamFieldsIn)
FORM = "application/x-www-form-urlencoded"


def accepts(media: str, model: type[BaseModel]) -> Callable:
    """Document a second request body (the pages post forms where clients post JSON)."""

    def decorate(view: Callable) -> Callable:
        view.__api__.extra_bodies.append((media, model))  # type: ignore[attr-defined]
        return view

    return decorate


def exam_input(model: type[M]) -> M:
    """JSON, or a form. The editor's settings form (marked `_form=settings`) always sends every
    field, so there an unticked box means false and a hidden, empty delay means "unchanged";
    a form from another client changes only the fields it sends, like JSON."""
    if not is_form():
        return parse_body(model)
    data: dict[str, Any] = request.form.to_dict()
    proctoring = {
        key: data.pop(f"proctoring_{key}")
        for key in presenters.PROCTORING_FLAGS
        if f"proctoring_{key}" in data
    }
    if data.pop("_form", "") == "settings":
        data.update({flag: "on" if flag in request.form else "off" for flag in FLAGS})
        proctoring = {
            key: "on" if f"proctoring_{key}" in request.form else "off"
            for key in presenters.PROCTORING_FLAGS
        }
        if not data.get("result_delay", "").strip():  # hidden unless delayed; then required
            data.pop("result_delay", None)
    if proctoring:
        data["proctoring"] = proctoring
    return validate(model, data, "form")


def _settings_form(act: Callable[[], Exam], exam_id: int | None) -> Response:
    """The editor's settings form: errors next to the fields (400), or saved."""
    try:
        exam = act()
    except Invalid as err:
        db.session.rollback()
        count = len(err.fields)
        summary = (  # the fields say what is wrong; a refused publish says it here
            f"Please correct the {count} highlighted field{'s' if count > 1 else ''}."
            if count
            else err.message
        )
        context = editor_context(
            exam_id,
            form=submitted_values(),
            errors=field_errors(err),
            error=summary,
            panel="settings",
        )
        return respond(None, template=EDITOR_TEMPLATE, block="settings", status=400, **context)
    if exam_id is None:
        if htmx:
            return Response(status=200, headers={"HX-Redirect": editor_url(exam.id)})
        flash(f"Exam “{exam.name}” created. Add questions next.", "success")
        return redirect(editor_url(exam.id), 303)
    if not htmx:
        flash("Settings saved.", "success")
        return redirect(editor_url(exam.id), 303)
    context = editor_context(exam.id, message="Settings saved.", panel="settings")
    return hx_trigger(
        respond(None, template=EDITOR_TEMPLATE, block="settings", **context), "exam-settings-saved"
    )


@bp.post("/admin/exams")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, ExamCreateIn)
@endpoint(
    "Create exam",
    body=ExamCreateIn,
    responses={200: ExamCreateOut, 400: None},
    tags=TAGS,
    parse_input=False,
)
def create_exam(actor: User) -> Response:
    """Fields: name, date, start_time, duration (required), status, instructions,
    positive_marks, negative_marks, max_attempts, result_mode, result_delay, category_id; also
    end_date/end_time or ends_at, shuffle_questions, shuffle_options, msq_partial_credit,
    proctoring. A new exam cannot be created as published: it has no questions yet."""

    def act() -> Exam:
        return services.create_exam(actor, exam_input(ExamCreateIn))

    if not wants_json():
        return _settings_form(act, None)
    exam = act()
    return respond(
        {
            "success": True,
            "message": f"Exam “{exam.name}” created.",
            "exam_id": exam.id,
            "exam": presenters.exam_detail(exam),
        }
    )


@bp.post("/admin/exams/edit/<int:exam_id>")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, ExamFieldsIn)
@endpoint(
    "Update exam fields (only those sent)",
    body=ExamFieldsIn,
    responses={200: ExamEditOut, 400: None, 403: None, 404: None},
    tags=TAGS,
    parse_input=False,
)
def edit_exam(actor: User, exam_id: int) -> Response:
    """Setting status to published runs the publish checklist; saving an exam that is already
    published runs it too, so a published exam always passes it."""

    def act() -> Exam:
        return services.update_exam(actor, exam_id, exam_input(ExamFieldsIn))

    if not wants_json():
        return _settings_form(act, exam_id)
    exam = act()
    return respond(
        {"success": True, "message": "Exam updated.", "exam": presenters.exam_detail(exam)}
    )


@bp.post("/admin/exams/delete/<int:exam_id>")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, DeleteIn)
@endpoint(
    "Delete exam + all questions, sections (and later results, responses)",
    body=DeleteIn,
    responses={200: MessageOut, 400: None, 403: None, 404: None},
    tags=TAGS,
    parse_input=False,
)
def delete_exam(actor: User, exam_id: int) -> Response:
    def act() -> str:
        return services.delete_exam(actor, exam_id, parse_body(DeleteIn).confirm_name)

    if wants_json():
        name = act()
        return respond({"success": True, "message": f"Exam “{name}” deleted."})
    try:
        name = act()
    except Invalid as err:
        db.session.rollback()
        context = editor_context(
            exam_id, error=err.message, errors=field_errors(err), panel="danger"
        )
        return respond(None, template=EDITOR_TEMPLATE, block="danger", status=400, **context)
    flash(f"Exam “{name}” deleted.", "success")
    target = url_for("exam_pages.list_page")
    if htmx:
        return Response(status=200, headers={"HX-Redirect": target})
    return redirect(target, 303)


def _on_panel(act: Callable[[], dict[str, Any]], exam_id: int, panel: str) -> Response:
    response = perform(
        act,
        template=EDITOR_TEMPLATE,
        block=panel,
        context=functools.partial(editor_context, panel=panel),
        page_endpoint="exam_pages.editor",
        state={"exam_id": exam_id},
    )
    return hx_trigger(response, "exam-status-changed") if htmx else response


@bp.post("/admin/exams/<int:exam_id>/release-results")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, ReleaseIn)
@endpoint(
    "Toggle result release (manual result mode)",
    body=ReleaseIn,
    responses={200: ReleaseOut, 400: None, 403: None, 404: None},
    tags=TAGS,
    parse_input=False,
)
def release_results(actor: User, exam_id: int) -> Response:
    """Without a body it toggles, as documented; `released: true|false` sets the value, which
    a client can safely repeat."""

    def act() -> dict[str, Any]:
        exam = services.release_results(actor, exam_id, parse_body(ReleaseIn).released)
        state = "released" if exam.results_released else "withheld"
        return {"success": True, "released": exam.results_released, "message": f"Results {state}."}

    return _on_panel(act, exam_id, "publish")


def _status_view(actor: User, exam_id: int, status: str, message: str) -> Response:
    def act() -> dict[str, Any]:
        exam = services.set_status(actor, exam_id, status)
        return {"success": True, "message": message, "exam": presenters.exam_detail(exam)}

    return _on_panel(act, exam_id, "publish")


@bp.post("/admin/exams/<int:exam_id>/publish")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Publish, if the checklist is met (else 400 with the checklist)",
    responses={200: PublishOut, 400: None, 403: None, 404: None},
    tags=TAGS,
)
def publish_exam(actor: User, exam_id: int) -> Response:
    return _status_view(actor, exam_id, "published", "Exam published: students can see it.")


@bp.post("/admin/exams/<int:exam_id>/unpublish")
@auth_required(*AUTHOR_ROLES)
@endpoint("Back to draft", responses={200: PublishOut, 403: None, 404: None}, tags=TAGS)
def unpublish_exam(actor: User, exam_id: int) -> Response:
    return _status_view(
        actor, exam_id, "draft", "Exam moved back to draft: students no longer see it."
    )


@bp.post("/admin/exams/<int:exam_id>/archive")
@auth_required(*AUTHOR_ROLES)
@endpoint("Archive", responses={200: PublishOut, 403: None, 404: None}, tags=TAGS)
def archive_exam(actor: User, exam_id: int) -> Response:
    return _status_view(actor, exam_id, "archived", "Exam archived.")


@bp.get("/admin/api/exams")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Paginated exams: own and co-owned (admins: all)",
    query=ExamsQuery,
    responses={200: ExamsListOut, 400: None},
    tags=TAGS,
)
def list_exams(actor: User, query: ExamsQuery) -> Response:
    data = list_data(actor, query.q, query.status, query.page, query.per_page)
    data.pop("_result")
    return respond(data)


@bp.get("/admin/api/exams/<int:exam_id>")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Exam with sections, co-owners, question count and publish checklist",
    responses={200: ExamGetOut, 403: None, 404: None},
    tags=TAGS,
)
def get_exam(actor: User, exam_id: int) -> Response:
    return respond(
        {"success": True, "exam": presenters.exam_detail(services.get_exam(actor, exam_id))}
    )

"""SmartAIExam's question endpoints (000_…, "Admin JSON APIs": `/admin/questions/*`) and the
format-agnostic import the question pages use. JSON for API clients (Bearer or session with
CSRF); question bodies may be JSON or a form. Teachers and managers work on the exams they own
or co-own, admins on all; students and proctors get 403 (app.exams.access)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request
from pydantic import BaseModel

from app.core.api import endpoint, is_form, raw_input, validate
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.exams.access import AUTHOR_ROLES
from app.models import User
from app.questions import exporters
from app.questions import services as questions
from app.questions.importers import service as imports
from app.questions.presenters import question_json
from app.questions.schemas import (
    BatchAddBody,
    BatchAddIn,
    BatchAddOut,
    DeleteMultipleIn,
    DeleteMultipleOut,
    ExamRef,
    ImportCommitOut,
    ImportCsvFields,
    ImportCsvForm,
    ImportCsvOut,
    ImportFields,
    ImportForm,
    ImportPreviewOut,
    QuestionEditIn,
    QuestionEnvelope,
    QuestionIn,
    SuccessOut,
)

bp = surface_blueprint("sae_admin_questions", __name__, Surface.SMARTAIEXAM)
TAGS = ["SmartAIExam admin: questions"]
ERRORS: dict[int, Any] = {400: None, 401: None, 403: None, 404: None}


def multipart(model: type[BaseModel]) -> Callable:
    """Document a multipart/form-data body (file uploads); the view reads request.files."""

    def decorate(view: Callable) -> Callable:
        view.__api__.extra_bodies.append(("multipart/form-data", model))
        return view

    return decorate


def _body() -> dict[str, Any]:
    data = raw_input("form" if is_form() else "json")
    if not isinstance(data, dict):
        raise Invalid("Request body must be a JSON object")
    return data


def _upload() -> bytes:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(
            "file is required",
            fields=[{"loc": ["body", "file"], "msg": "Field required", "type": "missing"}],
        )
    return upload.read(imports.MAX_FILE_BYTES + 1)


@bp.get("/admin/questions/get/<int:question_id>")
@auth_required(*AUTHOR_ROLES)
@endpoint("Fetch single question", responses={200: QuestionEnvelope, **ERRORS}, tags=TAGS)
def get_question(actor: User, question_id: int) -> Response:
    question = questions.get_question(actor, question_id)
    return respond({"success": True, "question": question_json(question)})


@bp.post("/admin/questions/add-ajax")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Add question",
    body=QuestionIn,
    responses={200: QuestionEnvelope, **ERRORS},
    tags=TAGS,
    parse_input=False,  # JSON or a form; the question rules validate (app.questions.validation)
)
def add_question(actor: User) -> Response:
    data = _body()
    exam = validate(ExamRef, {"exam_id": data.get("exam_id")})
    question = questions.add_question(actor, exam.exam_id, data)
    return respond({"success": True, "question": question_json(question)})


@bp.post("/admin/questions/edit-ajax/<int:question_id>")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Update question (fields left out keep their value)",
    body=QuestionEditIn,
    responses={200: QuestionEnvelope, **ERRORS},
    tags=TAGS,
    parse_input=False,
)
def edit_question(actor: User, question_id: int) -> Response:
    question = questions.edit_question(actor, question_id, _body())
    return respond({"success": True, "question": question_json(question)})


@bp.post("/admin/questions/delete/<int:question_id>")
@auth_required(*AUTHOR_ROLES)
@endpoint("Delete question", responses={200: SuccessOut, **ERRORS}, tags=TAGS)
def delete_question(actor: User, question_id: int) -> Response:
    questions.delete_question(actor, question_id)
    return respond({"success": True})


@bp.post("/admin/questions/delete-multiple")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Bulk delete, all or nothing",
    body=DeleteMultipleIn,
    responses={200: DeleteMultipleOut, **ERRORS},
    tags=TAGS,
    parse_input=False,
)
def delete_multiple(actor: User) -> Response:
    data = {"ids": request.form.getlist("ids")} if is_form() else _body()
    body = validate(DeleteMultipleIn, data)
    return respond({"success": True, "deleted": questions.delete_questions(actor, body.ids)})


@bp.post("/admin/questions/batch-add")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Bulk insert, all or nothing",
    body=BatchAddIn,
    responses={200: BatchAddOut, **ERRORS},
    tags=TAGS,
    parse_input=False,
)
def batch_add(actor: User) -> Response:
    body = validate(BatchAddBody, _body())
    added = questions.batch_add(actor, body.exam_id, body.questions)
    return respond(
        {"success": True, "inserted": len(added), "questions": [question_json(q) for q in added]}
    )


@bp.get("/admin/questions/export-csv/<int:exam_id>")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Download CSV of all questions for exam", responses={200: "text/csv", **ERRORS}, tags=TAGS
)
def export_csv(actor: User, exam_id: int) -> Response:
    filename, content = exporters.export_csv(actor, exam_id)
    return Response(
        content,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/admin/questions/import-csv")
@auth_required(*AUTHOR_ROLES)
@multipart(ImportCsvForm)
@endpoint(
    "Upload CSV -> { success, inserted, skipped, errors }",
    responses={200: ImportCsvOut, **ERRORS, 413: None},
    tags=TAGS,
    parse_input=False,
)
def import_csv(actor: User) -> Response:
    fields = validate(ImportCsvFields, request.form.to_dict())
    content = _upload()
    if fields.preview:
        checked = imports.check(actor, fields.exam_id, "csv", content).preview()
        return respond(
            {
                "success": True,
                "preview": True,
                "inserted": 0,
                "skipped": checked["skipped"],
                "valid": checked["valid"],
                "errors": checked["errors"],
                "ignored_columns": checked["ignored_columns"],
                "questions": checked["questions"],
            }
        )
    outcome = imports.import_now(actor, fields.exam_id, "csv", content)
    return respond({"success": True, "preview": False, **outcome})


@bp.post("/admin/questions/import")
@auth_required(*AUTHOR_ROLES)
@multipart(ImportForm)
@endpoint(
    "Import CSV, GIFT or Aiken: preview (nothing written, returns a token), then commit",
    responses={200: ImportPreviewOut | ImportCommitOut, **ERRORS, 413: None},
    tags=TAGS,
    parse_input=False,
)
def import_questions(actor: User) -> Response:
    fields = validate(ImportFields, _body())
    if fields.mode == "commit" and fields.token:
        outcome = imports.commit_import(actor, fields.token, fields.exam_id)
        return respond({"success": True, "mode": "commit", **outcome})
    if fields.exam_id is None:
        raise Invalid(
            "exam_id is required",
            fields=[{"loc": ["body", "exam_id"], "msg": "Field required", "type": "missing"}],
        )
    content = _upload()
    if fields.mode == "commit":  # one step, without a preview
        outcome = imports.import_now(actor, fields.exam_id, fields.format, content)
        body = {"exam_id": fields.exam_id, "format": fields.format, **outcome}
        return respond({"success": True, "mode": "commit", **body})
    preview = imports.preview_import(actor, fields.exam_id, fields.format, content)
    return respond({"success": True, "mode": "preview", **preview})

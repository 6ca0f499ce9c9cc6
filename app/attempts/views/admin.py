"""Attempt management (000_…, "Admin JSON APIs": attempts): search, modify, bulk modify, and
per-student extra time, for API clients and the teachers' page at /admin/attempts. The POST
routes are one view each for both (app.core.actions.perform)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request
from sqlalchemy import select

from app.attempts import allowances
from app.attempts.schemas import (
    AttemptsSearchOut,
    AttemptsSearchQuery,
    BulkModifyIn,
    BulkModifyOut,
    ExtraTimeIn,
    ModifyIn,
    ModifyOut,
)
from app.core.actions import page_number, perform
from app.core.api import endpoint, is_form, parse_body, validate
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.jsonprovider import iso
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.exams.access import AUTHOR_ROLES, manageable_clause
from app.extensions import db
from app.models import Exam, User

api_bp = surface_blueprint("sae_attempts_admin", __name__, Surface.SMARTAIEXAM)
pages_bp = surface_blueprint("attempt_pages", __name__, Surface.WEB, url_prefix="/admin")
TEMPLATE = "attempts/admin.html"
TAGS = ["SmartAIExam admin: attempts"]


def row_json(row: allowances.Row) -> dict[str, Any]:
    data = row.as_dict()
    data["last_attempt_at"] = iso(row.last_attempt_at)
    return data


def _int_or_none(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _state() -> dict[str, Any]:
    return {
        "q": request.values.get("q", ""),
        "exam_id": _int_or_none(request.values.get("exam_id")),
        "status": request.values.get("status") or None,
        "page": page_number(request.values.get("page")),
    }


def _context(
    actor: User,
    q: str = "",
    exam_id: int | None = None,
    status: str | None = None,
    page: Any = 1,
    **extra: Any,
) -> dict[str, Any]:
    status = status if status in allowances.STATUSES else None
    exams = list(
        db.session.scalars(select(Exam).where(manageable_clause(actor)).order_by(Exam.name))
    )
    if exam_id not in {e.id for e in exams}:
        exam_id = None
    result = allowances.search(
        actor, q=q or "", exam_id=exam_id, status=status, page=page_number(page)
    )
    return {
        "result": result,
        "rows": result.items,
        "exams": exams,
        "q": q or "",
        "exam_id": exam_id,
        "status_filter": status or "",
        "message": None,
        "error": None,
        **extra,
    }


def _perform(actor: User, act: Callable[[], dict[str, Any]]) -> Response:
    return perform(
        act,
        template=TEMPLATE,
        block="panel",
        context=lambda **kw: _context(actor, **kw),
        page_endpoint="attempt_pages.page",
        state=_state(),
    )


@api_bp.get("/admin/api/attempts/search")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Paginated attempts per student and exam. status: unlimited | available | exhausted",
    query=AttemptsSearchQuery,
    responses={200: AttemptsSearchOut, 400: None, 403: None, 404: None},
    tags=TAGS,
)
def search(actor: User, query: AttemptsSearchQuery) -> Response:
    result = allowances.search(
        actor,
        q=query.q,
        exam_id=query.exam_id,
        status=query.status,
        page=query.page,
        per_page=query.per_page,
    )
    return respond(
        {
            "success": True,
            "attempts": [row_json(r) for r in result.items],
            "pagination": result.meta(),
        }
    )


@api_bp.post("/admin/attempts/modify")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Reset, increase or decrease one student's attempts at one exam",
    body=ModifyIn,
    responses={200: ModifyOut, 400: None, 403: None, 404: None},
    tags=TAGS,
    parse_input=False,
)
def modify(actor: User) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(ModifyIn)
        change = allowances.modify(actor, body.student_id, body.exam_id, body.action, body.amount)
        row = allowances.row_for(actor, change.student.id, change.exam.id)
        return {"success": True, "message": change.message, "attempt": row_json(row)}

    return _perform(actor, act)


def _bulk_body() -> BulkModifyIn:
    """JSON as documented; the page's form sends checked rows as items=<student>:<exam>."""
    if not is_form():
        return parse_body(BulkModifyIn)
    items = []
    for value in request.form.getlist("items"):
        student, _, exam = value.partition(":")
        if not (student.isdigit() and exam.isdigit()):
            raise Invalid(f"Bad item {value!r}: expected student_id:exam_id.")
        items.append({"student_id": int(student), "exam_id": int(exam)})
    data = {
        "items": items,
        "action": request.form.get("action", ""),
        "amount": request.form.get("amount") or None,
    }
    return validate(BulkModifyIn, data, "form")


@api_bp.post("/admin/attempts/bulk-modify")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "The same change for many (student, exam) pairs, all or nothing",
    body=BulkModifyIn,
    responses={200: BulkModifyOut, 400: None, 403: None, 404: None},
    tags=TAGS,
    parse_input=False,
)
def bulk_modify(actor: User) -> Response:
    def act() -> dict[str, Any]:
        body = _bulk_body()
        pairs = [(i.student_id, i.exam_id) for i in body.items]
        changes = allowances.bulk_modify(actor, pairs, body.action, body.amount)
        rows = [allowances.row_for(actor, c.student.id, c.exam.id) for c in changes]
        count = len(changes)
        return {
            "success": True,
            "message": f"Updated {count} student{'' if count == 1 else 's'}.",
            "updated": count,
            "attempts": [row_json(r) for r in rows],
        }

    return _perform(actor, act)


@api_bp.post("/admin/attempts/extra-time")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Extra minutes for one student at one exam (moves the open attempt's deadline)",
    body=ExtraTimeIn,
    responses={200: ModifyOut, 400: None, 403: None, 404: None},
    tags=TAGS,
    parse_input=False,
)
def extra_time(actor: User) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(ExtraTimeIn)
        change = allowances.set_extra_time(actor, body.student_id, body.exam_id, body.minutes)
        row = allowances.row_for(actor, change.student.id, change.exam.id)
        return {"success": True, "message": change.message, "attempt": row_json(row)}

    return _perform(actor, act)


@pages_bp.get("/attempts")
@auth_required(*AUTHOR_ROLES)
def page(actor: User) -> Response:
    context = _context(actor, **_state())
    data = {
        "success": True,
        "attempts": [row_json(r) for r in context["rows"]],
        "pagination": context["result"].meta(),
    }
    return respond(data, template=TEMPLATE, block="panel", **context)

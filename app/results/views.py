"""Result pages: the student's result (`/result/<exam_id>`, where submission redirects), the
pending page until it is out, and the staff view of any result they may see. Each answers JSON
to API clients (the same report, without the key until the result is visible)."""

from __future__ import annotations

from typing import Any

from flask import Response, redirect, url_for
from pydantic import BaseModel, ConfigDict, Field

from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.jsonprovider import iso
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint, wants_json
from app.discussion.services import count_map
from app.models import User
from app.results import services

bp = surface_blueprint("results", __name__, Surface.WEB)
TAGS = ["SmartAIExam: results"]
TEMPLATE = "results/result.html"


class ResultQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    attempt: int | None = Field(default=None, ge=1, description="Attempt number (default: latest)")


class ResultOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    success: bool
    result: dict[str, Any]


class PendingOut(BaseModel):
    success: bool
    visible: bool
    visible_at: str | None = Field(description="UTC; null while the teacher holds results")
    result_url: str


def _page(rep: services.Report, actor: User, *, staff: bool) -> Response:
    question_ids = [q.question_id for q in rep.questions if q.question_id]
    # Comment counts for the palette and each question's discussion panel (pages only).
    counts = {} if wants_json() else count_map(actor, question_ids)
    return respond(
        {"success": True, "result": services.summary_json(rep)},
        template=TEMPLATE,
        report=rep,
        staff=staff,
        discussion_counts=counts,
    )


@bp.get("/result/<int:exam_id>")
@auth_required()
@endpoint(
    "Your result on an exam (latest attempt, or ?attempt=N)",
    query=ResultQuery,
    responses={200: ResultOut, 302: None, 404: None},
    tags=TAGS,
)
def result_page(actor: User, exam_id: int, query: ResultQuery) -> Response:
    result = services.own_result(actor, exam_id, query.attempt)
    if not services.is_visible(result, result.exam) and not wants_json():
        return redirect(url_for("results.pending_page", exam_id=exam_id))
    return _page(services.report(result), actor, staff=False)


@bp.get("/result-pending/<int:exam_id>")
@auth_required()
@endpoint(
    "Whether your latest result is out, and when it will be",
    responses={200: PendingOut, 302: None, 404: None},
    tags=TAGS,
)
def pending_page(actor: User, exam_id: int) -> Response:
    result = services.own_result(actor, exam_id)
    exam = result.exam
    visible = services.is_visible(result, exam)
    when = services.visible_at(result, exam)
    result_url = url_for("results.result_page", exam_id=exam_id)
    if visible and not wants_json():
        return redirect(result_url)
    return respond(
        {"success": True, "visible": visible, "visible_at": iso(when), "result_url": result_url},
        template="results/pending.html",
        exam=exam,
        result=result,
        visible_at=when,
    )


@bp.get("/admin/results/<int:result_id>")
@auth_required()
@endpoint(
    "Any result, for the teachers who manage its exam and admins",
    responses={200: ResultOut, 403: None, 404: None},
    tags=TAGS,
)
def staff_result_page(actor: User, result_id: int) -> Response:
    result = services.viewable_result(actor, result_id)
    staff = services.is_staff_viewer(actor, result.exam)
    return _page(services.report(result, viewer=actor), actor, staff=staff)

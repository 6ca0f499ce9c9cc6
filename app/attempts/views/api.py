"""SmartAIExam's exam endpoints (000_…, "Exam Endpoints"): preload, start, sync, submit, status.

Start and submit are also the player's form targets: a browser gets a redirect (with a flash on
failure), an API client JSON. The sync endpoint is the hot path of exam day; it reads the
identity the request claims and lets the one UPDATE in the service check it. Its ordinary case
is usually answered before Flask routes the request (fast_sync.py); this view answers the rest.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for

from app.attempts import services
from app.attempts.schemas import (
    PreloadOut,
    StartOut,
    StatusOut,
    SubmitIn,
    SubmitOut,
    SyncIn,
    SyncOut,
)
from app.core.api import endpoint, parse
from app.core.auth import auth_required, claimed_identity
from app.core.errors import AppError
from app.core.jsonprovider import iso
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint, wants_json
from app.extensions import db
from app.models import User, utcnow
from app.results.services import is_visible

bp = surface_blueprint("sae_attempts", __name__, Surface.SMARTAIEXAM)
TAGS = ["SmartAIExam: exams"]


def player_url(exam_id: int) -> str:
    return url_for("exam_player.player", exam_id=exam_id)


def exam_page_url(exam_id: int) -> str:
    return url_for("exam_player.exam_page", exam_id=exam_id)


@bp.get("/preload-exam/<int:exam_id>")
@auth_required()
@endpoint(
    "Pre-cache the exam's questions on the server (no answers are sent)",
    responses={200: PreloadOut, 401: None, 403: None, 404: None},
    tags=TAGS,
)
def preload_exam(actor: User, exam_id: int) -> Response:
    count, cached = services.preload(actor, exam_id)
    return respond({"success": True, "cached": cached, "question_count": count})


@bp.post("/start-exam/<int:exam_id>")
@auth_required()
@endpoint(
    "Create a new attempt or resume the one in progress",
    responses={200: StartOut, 400: None, 401: None, 403: None, 404: None},
    tags=TAGS,
)
def start_exam(actor: User, exam_id: int) -> Response:
    if not wants_json():
        try:
            services.start(actor, exam_id)
        except AppError as err:
            db.session.rollback()
            flash(err.message, "error")
            return redirect(exam_page_url(exam_id), 303)
        return redirect(player_url(exam_id), 303)
    attempt, resumed = services.start(actor, exam_id)
    body: dict[str, Any] = {
        "success": True,
        "redirect_url": player_url(exam_id),
        "resumed": resumed,
    }
    body.update({"attempt_id": attempt.id, "attempt_number": attempt.number})
    if not resumed:
        body["fresh_start"] = True
    body["deadline_at"] = iso(attempt.deadline_at)
    return respond(body)


@bp.post("/api/sync-exam-answers/<int:exam_id>")
@endpoint(
    "Save the answers held so far (the whole set), with an optional sequence number",
    body=SyncIn,
    responses={200: SyncOut, 400: None, 401: None, 409: None},
    tags=TAGS,
    parse_input=False,
)
def sync_answers(exam_id: int) -> Response:
    identity = claimed_identity()  # before the body: no credentials is 401, whatever was sent
    body = parse(SyncIn)
    saved = services.sync(
        identity, exam_id, body.answers, marked=body.markedForReview, seq=body.seq
    )
    return respond(sync_reply(saved))


def sync_reply(saved: services.Saved) -> dict[str, Any]:
    """The sync's answer, here and on its fast path (fast_sync.py)."""
    return {
        "success": True,
        "saved": saved.saved,
        "seq": saved.seq,
        "saved_at": iso(saved.saved_at),
        "server_time": iso(utcnow()),
        "deadline_at": iso(saved.deadline_at),
    }


@bp.post("/submit-exam/<int:exam_id>")
@auth_required()
@endpoint(
    "Submit the attempt: score it and create its result (302 to the result for browsers)",
    body=SubmitIn,
    responses={200: SubmitOut, 302: None, 400: None, 401: None, 404: None},
    tags=TAGS,
    parse_input=False,
)
def submit_exam(actor: User, exam_id: int) -> Response:
    final = parse(SubmitIn).model_dump() if request.is_json else None
    identity = claimed_identity() if final else None
    if not wants_json():
        try:
            result = services.submit(actor, exam_id, final, identity)
        except AppError as err:
            db.session.rollback()
            flash(err.message, "error")
            return redirect(exam_page_url(exam_id), 303)
        return redirect(result_url(result), 302)
    result = services.submit(actor, exam_id, final, identity)
    visible = is_visible(result, result.exam)
    body: dict[str, Any] = {
        "success": True,
        "message": "Exam submitted.",
        "redirect_url": result_url(result),
        "attempt_id": result.attempt_id,
        "result_id": result.id,
        "result_visible": visible,
    }
    if visible:
        body.update({"score": result.score, "max_score": result.max_score})
    return respond(body)


def result_url(result) -> str:
    """The result page once it is visible, the pending page until then."""
    if is_visible(result, result.exam):
        return url_for("results.result_page", exam_id=result.exam_id)
    return url_for("results.pending_page", exam_id=result.exam_id)


@bp.get("/api/exam-attempts-status/<int:exam_id>")
@auth_required()
@endpoint(
    "Attempts used and the attempt in progress",
    responses={200: StatusOut, 401: None, 403: None, 404: None},
    tags=TAGS,
)
def attempts_status(actor: User, exam_id: int) -> Response:
    status = services.attempts_status(actor, exam_id)
    status["deadline_at"] = iso(status["deadline_at"])
    return respond({"success": True, **status})

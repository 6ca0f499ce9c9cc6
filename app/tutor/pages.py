"""The tutor page of a subject: the student's sessions with its tutor, the conversation, a form
to ask, and practice tests. Sends and answers are HTMX posts that re-render the session panel;
without JavaScript they post and redirect back."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, flash, redirect, request, url_for

from app.core import limits
from app.core.auth import auth_required
from app.core.errors import AppError, NotFound
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import db, htmx, limiter
from app.models import Question, Subject, TutorSession, User
from app.subjects import markdown
from app.subjects import services as subjects
from app.tutor import services as tutor

bp = surface_blueprint("tutor_pages", __name__, Surface.WEB)
TEMPLATE = "tutor/page.html"


def _context(actor: User, subject: Subject, session: TutorSession | None, **extra: Any) -> dict:
    sessions = list(db.session.scalars(tutor.sessions_of(actor, subject.code).limit(50)))
    step = None
    if session is not None:
        test = tutor.active_test(session)
        if test is not None:
            current = len(test.answers)
            question = db.session.get(Question, test.question_ids[current])
            step = {
                "index": current,
                "total": len(test.question_ids),
                "question": tutor.present(question, current) if question else None,
            }
    return {
        "subject": subject,
        "session": session,
        "sessions": sessions,
        "practice": step,
        "has_bank": bool(subjects.bank_questions(subject)),
        "render": markdown.render,
        "message": None,
        "error": None,
        "draft": "",
        **extra,
    }


def _session_for(actor: User, subject: Subject, session_id: str | None) -> TutorSession | None:
    if not session_id:
        return None
    session = tutor.owned(actor, session_id)
    if session.subject_id != subject.id:
        raise NotFound("Session not found")
    return session


@bp.get("/learn/subjects/<code>/tutor")
@auth_required()
def tutor_page(actor: User, code: str) -> Response:
    subject = subjects.get(code)
    tutor.may_use(actor, subject)
    session = _session_for(actor, subject, request.args.get("session"))
    return respond(template=TEMPLATE, block="panel", **_context(actor, subject, session))


def _after(actor: User, subject: Subject, session: TutorSession | None, **extra: Any) -> Response:
    """HTMX gets the panel again (with the error's status, so app.js announces it); a plain form
    post is redirected back to the page."""
    error = extra.get("error")
    status = extra.pop("status", 200)
    if not htmx:
        if error:
            flash(error, "error")
        return redirect(
            url_for(
                "tutor_pages.tutor_page", code=subject.code, session=session.id if session else None
            ),
            303,
        )
    headers = {}
    if session is not None:
        headers["HX-Push-Url"] = url_for(
            "tutor_pages.tutor_page", code=subject.code, session=session.id
        )
    return respond(
        template=TEMPLATE,
        block="panel",
        status=status,
        headers=headers,
        **_context(actor, subject, session, **extra),
    )


@bp.post("/learn/subjects/<code>/tutor/send")
@auth_required()
@limiter.shared_limit(limits.TUTOR_CHAT, scope="tutor-chat", key_func=limits.per_actor)
def send(actor: User, code: str) -> Response:
    subject = subjects.get(code)
    session = _session_for(actor, subject, request.form.get("session_id"))
    content = (request.form.get("content") or "").strip()
    if not content:
        return _after(actor, subject, session, error="Write a question first.", status=400)
    if len(content) > 8000:
        return _after(
            actor, subject, session, error="That message is too long.", draft=content, status=400
        )
    try:
        turn = tutor.chat(
            actor,
            session_id=session.id if session else uuid.uuid4().hex,
            subject_code=subject.code,
            content=content,
        )
    except AppError as err:
        db.session.rollback()
        return _after(actor, subject, session, error=err.message, draft=content, status=err.status)
    return _after(actor, subject, turn.session)


@bp.post("/learn/subjects/<code>/tutor/practice")
@auth_required()
def practice(actor: User, code: str) -> Response:
    subject = subjects.get(code)
    session = _session_for(actor, subject, request.form.get("session_id"))
    answers = request.form.getlist("answer")
    answer: Any = None
    if answers:
        answer = answers if request.form.get("multiple") else answers[0]
    try:
        if session is None:
            session = tutor.open_session(actor, subject, uuid.uuid4().hex, "Practice test")
        index = request.form.get("index")
        step = tutor.resume(
            actor, session.id, answer, int(index) if index and index.isdigit() else None
        )
    except AppError as err:
        db.session.rollback()
        if session is not None and db.session.get(TutorSession, session.id) is None:
            session = None  # the session opened for this test was rolled back with it
        return _after(actor, subject, session, error=err.message, status=err.status)
    message = None
    if step.feedback is not None:
        message = "Correct!" if step.feedback.get("correct") else "Not quite."
    return _after(actor, subject, session, message=message)


@bp.post("/learn/sessions/<session_id>/delete")
@auth_required()
def delete(actor: User, session_id: str) -> Response:
    session = tutor.owned(actor, session_id)
    code = session.subject.code
    tutor.delete(actor, session_id)
    flash("Conversation deleted.", "success")
    target = url_for("tutor_pages.tutor_page", code=code)
    if htmx:  # confirmed in the browser (hx-confirm); htmx follows HX-Redirect
        return Response(status=200, headers={"HX-Redirect": target})
    return redirect(target, 303)

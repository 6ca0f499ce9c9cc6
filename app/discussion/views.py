"""SmartAIExam's discussion endpoints (000_…, "Discussion Endpoints") and the discussion panel
of the result review page.

The JSON routes are the documented ones plus pin, best answer and open (not in the document).
The page routes render the panel of one question (`templates/discussion/panel.html`): htmx
gets the panel alone, a browser without JavaScript the panel on a page of its own, and the
panel's forms post back here, so both clients share the services.
"""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for

from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.errors import AppError, NotFound
from app.core.jsonprovider import iso
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.discussion import access, services
from app.discussion.schemas import (
    BestAnswerIn,
    BestAnswerOut,
    CommentIn,
    CountsIn,
    CountsOut,
    EditIn,
    OpenIn,
    OpenOut,
    PinIn,
    PinOut,
    PostOut,
    SuccessOut,
    ThreadOut,
)
from app.extensions import db, htmx
from app.models import DiscussionComment, User

bp = surface_blueprint("sae_discussion", __name__, Surface.SMARTAIEXAM)
pages_bp = surface_blueprint("discussion_pages", __name__, Surface.WEB)
TAGS = ["SmartAIExam: discussion"]
PANEL = "discussion/panel.html"
ERRORS = {400: None, 401: None, 403: None, 404: None}


def jsonable(comment: dict[str, Any]) -> dict[str, Any]:
    """Times as the document shows them ("2025-01-15T10:00:00"), replies likewise."""
    out = dict(comment)
    out["created_at"] = iso(comment["created_at"])
    out["edited_at"] = iso(comment["edited_at"])
    out["replies"] = [jsonable(r) for r in comment["replies"]]
    return out


def _comment_out(actor: User, comment: DiscussionComment) -> dict[str, Any]:
    moderator = access.can_moderate(actor, comment.question.exam)
    return jsonable(services.comment_json(comment, actor, moderator))


# JSON ----------------------------------------------------------------------------------------


@bp.get("/api/discussion/<int:question_id>")
@auth_required()
@endpoint("Threaded comments of a question", responses={200: ThreadOut, **ERRORS}, tags=TAGS)
def get_thread(actor: User, question_id: int) -> Response:
    t = services.thread(actor, question_id)
    return respond(
        {"success": True, "count": t.count, "comments": [jsonable(c) for c in t.comments]}
    )


@bp.post("/api/discussion/<int:question_id>")
@auth_required()
@endpoint(
    "Post a comment or a reply: at most 500 characters, one per 10 seconds",
    body=CommentIn,
    responses={200: PostOut, **ERRORS, 429: None},
    tags=TAGS,
)
def post_comment(actor: User, question_id: int, body: CommentIn) -> Response:
    comment = services.post(
        actor, question_id, body.message, parent_id=body.parent_id, exam_id=body.exam_id
    )
    return respond({"success": True, "message": _comment_out(actor, comment)})


@bp.put("/api/discussion/edit/<int:comment_id>")
@auth_required()
@endpoint(
    "Edit your own comment (the exam's teachers and admins: any)",
    body=EditIn,
    responses={200: SuccessOut, **ERRORS},
    tags=TAGS,
)
def edit_comment(actor: User, comment_id: int, body: EditIn) -> Response:
    services.edit(actor, comment_id, body.message)
    return respond({"success": True})


@bp.delete("/api/discussion/delete/<int:comment_id>")
@auth_required()
@endpoint(
    "Soft-delete your own comment (the exam's teachers and admins: any)",
    responses={200: SuccessOut, **ERRORS},
    tags=TAGS,
)
def delete_comment(actor: User, comment_id: int) -> Response:
    services.delete(actor, comment_id)
    return respond({"success": True})


@bp.post("/api/discussion/counts/bulk")
@auth_required()
@endpoint(
    "Comment counts for up to 100 questions at once",
    body=CountsIn,
    responses={200: CountsOut, 400: None, 401: None},
    tags=TAGS,
)
def bulk_counts(actor: User, body: CountsIn) -> Response:
    return respond({"success": True, "counts": services.counts(actor, body.question_ids)})


@bp.post("/api/discussion/pin/<int:comment_id>")
@auth_required()
@endpoint(
    "Pin or unpin a top-level comment (the exam's teachers and admins)",
    body=PinIn,
    responses={200: PinOut, **ERRORS},
    tags=TAGS,
)
def pin_comment(actor: User, comment_id: int, body: PinIn) -> Response:
    comment = services.set_pinned(actor, comment_id, body.pinned)
    return respond({"success": True, "is_pinned": comment.pinned})


@bp.post("/api/discussion/best-answer/<int:comment_id>")
@auth_required()
@endpoint(
    "Mark or unmark the question's best answer (the exam's teachers and admins)",
    body=BestAnswerIn,
    responses={200: BestAnswerOut, **ERRORS},
    tags=TAGS,
)
def best_answer(actor: User, comment_id: int, body: BestAnswerIn) -> Response:
    comment = services.set_best_answer(actor, comment_id, body.best_answer)
    return respond({"success": True, "is_best_answer": comment.best_answer})


@bp.post("/api/discussion/open/<int:exam_id>")
@auth_required()
@endpoint(
    "Open (or close) an exam's discussion to every student (the exam's teachers and admins)",
    body=OpenIn,
    responses={200: OpenOut, **ERRORS},
    tags=TAGS,
)
def open_discussion(actor: User, exam_id: int, body: OpenIn) -> Response:
    exam = services.set_open(actor, exam_id, body.open)
    return respond({"success": True, "exam_id": exam.id, "discussion_open": exam.discussion_open})


# The panel -----------------------------------------------------------------------------------


def panel_context(
    actor: User, question_id: int, *, message: str | None = None, error: str | None = None
) -> dict[str, Any]:
    """What the panel shows: the thread, or why it is not available (yet)."""
    question = access.question_for(actor, question_id)
    problem = access.access_problem(actor, question)
    ctx: dict[str, Any] = {
        "question": question,
        "problem": problem,
        "message": message,
        "error": error,
        "thread": None if problem else services.thread(actor, question_id),
        "next_url": _next_url(),
        "oob": bool(htmx),
    }
    return ctx


def _next_url() -> str:
    """Where a form post without JavaScript returns to: the page it came from (same site)."""
    target = request.form.get("next") or request.args.get("next") or ""
    # Browsers read a backslash as a slash: "/\\evil.example" would leave the site.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return "" if any(ord(ch) < 32 for ch in target) else target


def _after(actor: User, question_id: int, act, done: str) -> Response:
    """Run a change from a panel form; answer the panel again (htmx) or go back (plain form).
    A refused change answers the panel with the message and the error's status."""
    status, message, error = 200, done, None
    try:
        act()
    except AppError as err:
        db.session.rollback()
        status, message, error = err.status, None, err.message
    if not htmx:
        flash(error or message, "error" if error else "success")
        back = _next_url() or url_for("discussion_pages.panel", question_id=question_id)
        return redirect(back, 303)
    ctx = panel_context(actor, question_id, message=message, error=error)
    return respond(None, template=PANEL, block="panel", status=status, **ctx)


@pages_bp.get("/discussion/<int:question_id>")
@auth_required()
def panel(actor: User, question_id: int) -> Response:
    """The panel (200 also when the discussion is not open to this student: it says why)."""
    return respond(None, template=PANEL, block="panel", **panel_context(actor, question_id))


@pages_bp.post("/discussion/<int:question_id>")
@auth_required()
def panel_post(actor: User, question_id: int) -> Response:
    form = request.form
    parent = form.get("parent_id", "")

    def act() -> None:
        services.post(
            actor,
            question_id,
            form.get("message"),
            parent_id=int(parent) if parent.isdigit() else None,
        )

    return _after(actor, question_id, act, "Reply posted." if parent else "Comment posted.")


def _question_of(comment_id: int) -> int:
    comment = db.session.get(DiscussionComment, comment_id)
    if comment is None:
        raise NotFound(access.COMMENT_NOT_FOUND)
    return comment.question_id


@pages_bp.post("/discussion/comment/<int:comment_id>/edit")
@auth_required()
def panel_edit(actor: User, comment_id: int) -> Response:
    qid = _question_of(comment_id)
    return _after(
        actor,
        qid,
        lambda: services.edit(actor, comment_id, request.form.get("message")),
        "Comment updated.",
    )


@pages_bp.post("/discussion/comment/<int:comment_id>/delete")
@auth_required()
def panel_delete(actor: User, comment_id: int) -> Response:
    qid = _question_of(comment_id)
    return _after(actor, qid, lambda: services.delete(actor, comment_id), "Comment deleted.")


@pages_bp.post("/discussion/comment/<int:comment_id>/pin")
@auth_required()
def panel_pin(actor: User, comment_id: int) -> Response:
    qid = _question_of(comment_id)
    pinned = request.form.get("pinned") == "1"
    return _after(
        actor,
        qid,
        lambda: services.set_pinned(actor, comment_id, pinned),
        "Comment pinned." if pinned else "Comment unpinned.",
    )


@pages_bp.post("/discussion/comment/<int:comment_id>/best-answer")
@auth_required()
def panel_best(actor: User, comment_id: int) -> Response:
    qid = _question_of(comment_id)
    best = request.form.get("best_answer") == "1"
    return _after(
        actor,
        qid,
        lambda: services.set_best_answer(actor, comment_id, best),
        "Marked as the best answer." if best else "Best answer mark removed.",
    )


@pages_bp.post("/discussion/exam/<int:exam_id>/open")
@auth_required()
def panel_open(actor: User, exam_id: int) -> Response:
    """The teacher's switch on the result page: answers its own small block (a refusal goes
    to the error handler, which app.js announces)."""
    value = request.form.get("open") == "1"
    exam = services.set_open(actor, exam_id, value)
    if not htmx:
        flash("Discussion opened to every student." if value else "Discussion closed.", "success")
        return redirect(_next_url() or "/", 303)
    return respond(
        None,
        template="discussion/open_control.html",
        block="control",
        exam=exam,
        saved=True,
        next_url=_next_url(),
    )

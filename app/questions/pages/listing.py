"""The question list of one exam: order, duplicate, move, delete and bulk delete."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Response, request

from app.core.actions import perform
from app.core.auth import auth_required
from app.core.errors import Invalid, NotFound
from app.core.respond import respond
from app.core.surfaces import wants_json
from app.exams.access import AUTHOR_ROLES, manageable_exam
from app.models import Question, User
from app.questions import services
from app.questions.pages.common import (
    LIST_TEMPLATE,
    bp,
    exam_links,
    number_text,
    question_view,
    section_names,
)
from app.questions.presenters import question_json

# The question list --------------------------------------------------------------------------


def list_context(
    actor: User,
    exam_id: Any,
    *,
    message: str | None = None,
    error: str | None = None,
    focus: str | None = None,
    selected: frozenset[int] = frozenset(),
    **_: Any,
) -> dict[str, Any]:
    exam = manageable_exam(actor, int(exam_id))
    questions = services.list_exam_questions(actor, exam.id)  # one query, in exam order
    names = section_names(exam)
    views = [question_view(q, exam, names) for q in questions]
    return {
        "exam": exam,
        "questions": views,
        "total_marks": number_text(sum((v.positive_value for v in views), Decimal(0))),
        "links": exam_links(exam),
        "message": message,
        "error": error,
        "focus": focus,
        "selected": selected,
    }


@bp.get("/exams/<int:exam_id>/questions")
@auth_required(*AUTHOR_ROLES)
def list_page(actor: User, exam_id: int) -> Response:
    context = list_context(actor, exam_id)
    data = None
    if wants_json():
        data = {
            "success": True,
            "exam_id": exam_id,
            "questions": [question_json(q) for q in services.list_exam_questions(actor, exam_id)],
        }
    return respond(data, template=LIST_TEMPLATE, block="panel", **context)


def _on_list(
    actor: User,
    exam_id: int,
    act: Callable[[], dict[str, Any]],
    *,
    focus: str | None = None,
    selected: frozenset[int] = frozenset(),
) -> Response:
    def context(**state: Any) -> dict[str, Any]:
        if state.get("error"):  # a refused change keeps the ticks and the focus where they were
            return list_context(actor, focus=None, selected=selected, **state)
        return list_context(actor, focus=focus, **state)

    return perform(
        act,
        template=LIST_TEMPLATE,
        block="panel",
        context=context,
        page_endpoint="question_pages.list_page",
        state={"exam_id": exam_id},
    )


def _question_in(actor: User, exam_id: int, question_id: int) -> tuple[Question, list[int]]:
    """The question, if it is in this exam, and the exam's question ids in order."""
    ids = [q.id for q in services.list_exam_questions(actor, exam_id)]
    if question_id not in ids:
        raise NotFound("Question not found in this exam")
    return services.get_question(actor, question_id), ids


@bp.post("/exams/<int:exam_id>/questions/<int:question_id>/duplicate")
@auth_required(*AUTHOR_ROLES)
def duplicate_question(actor: User, exam_id: int, question_id: int) -> Response:
    def act() -> dict[str, Any]:
        _, ids = _question_in(actor, exam_id, question_id)
        copy = services.duplicate_question(actor, question_id)
        n = ids.index(question_id) + 1
        return {
            "success": True,
            "message": f"Question {n} duplicated: the copy is question {n + 1}.",
            "question": question_json(copy),
        }

    return _on_list(actor, exam_id, act)


@bp.post("/exams/<int:exam_id>/questions/<int:question_id>/move/<any(up, down):direction>")
@auth_required(*AUTHOR_ROLES)
def move_question(actor: User, exam_id: int, question_id: int, direction: str) -> Response:
    def act() -> dict[str, Any]:
        _, ids = _question_in(actor, exam_id, question_id)
        index = ids.index(question_id)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(ids):
            raise Invalid(
                f"Question {index + 1} is already the {'first' if target < 0 else 'last'}."
            )
        ordered = services.move_question(actor, question_id, target)
        return {
            "success": True,
            "message": f"Question {index + 1} moved {direction}: it is now question {target + 1}.",
            "order": [q.id for q in ordered],
        }

    # Keyboard users keep their place: the same button of the moved question gets the focus
    # (or the other one, when the question reached an end of the list).
    return _on_list(actor, exam_id, act, focus=f"{direction}-{question_id}")


@bp.post("/exams/<int:exam_id>/questions/<int:question_id>/delete")
@auth_required(*AUTHOR_ROLES)
def delete_question(actor: User, exam_id: int, question_id: int) -> Response:
    def act() -> dict[str, Any]:
        _, ids = _question_in(actor, exam_id, question_id)
        services.delete_question(actor, question_id)
        return {
            "success": True,
            "message": f"Question {ids.index(question_id) + 1} deleted.",
            "deleted": 1,
        }

    return _on_list(actor, exam_id, act)


def selected_ids() -> list[int]:
    out: list[int] = []
    for value in request.form.getlist("ids"):
        try:
            out.append(int(value))
        except ValueError:
            raise Invalid("The selection is not a list of questions.") from None
    return list(dict.fromkeys(out))


@bp.post("/exams/<int:exam_id>/questions/delete-selected")
@auth_required(*AUTHOR_ROLES)
def delete_selected(actor: User, exam_id: int) -> Response:
    try:
        chosen = selected_ids()
    except Invalid:
        chosen = []

    def act() -> dict[str, Any]:
        ids = selected_ids()
        if not ids:
            raise Invalid("Select at least one question first.", code="empty_selection")
        in_exam = {q.id for q in services.list_exam_questions(actor, exam_id)}
        if not set(ids) <= in_exam:
            raise Invalid("Some selected questions are not in this exam; reload the page.")
        deleted = services.delete_questions(actor, ids)
        noun = "question" if deleted == 1 else "questions"
        return {"success": True, "message": f"Deleted {deleted} {noun}.", "deleted": deleted}

    return _on_list(actor, exam_id, act, selected=frozenset(chosen))

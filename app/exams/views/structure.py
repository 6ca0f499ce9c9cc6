"""An exam's sections and co-owners: JSON for API clients, the editor's panels for the page
(app.core.actions.perform). Not in SmartAIExam's document; the shapes are in docs/api-notes.md."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, flash, redirect, url_for

from app.core.actions import perform
from app.core.api import endpoint, parse_body
from app.core.auth import auth_required
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint, wants_json
from app.exams import presenters, structure
from app.exams.access import AUTHOR_ROLES, manageable_exam
from app.exams.schemas import (
    CoOwnerIn,
    CoOwnersOut,
    SectionEditIn,
    SectionIn,
    SectionMoveIn,
    SectionsOut,
)
from app.exams.services import invalid_field
from app.exams.views.api import FORM, accepts
from app.exams.views.pages import EDITOR_TEMPLATE, TAGS, editor_context
from app.extensions import db, htmx
from app.models import Exam, User

bp = surface_blueprint(
    "sae_exam_structure", __name__, Surface.SMARTAIEXAM, url_prefix="/admin/exams/<int:exam_id>"
)


def _panel(act: Callable[[], dict[str, Any]], exam_id: int, panel: str) -> Response:
    return perform(
        act,
        template=EDITOR_TEMPLATE,
        block=panel,
        context=functools.partial(editor_context, panel=panel),
        page_endpoint="exam_pages.editor",
        state={"exam_id": exam_id},
    )


def _sections(actor: User, exam_id: int, message: str) -> dict[str, Any]:
    exam = manageable_exam(actor, exam_id)
    return {"success": True, "message": message, "sections": presenters.sections(exam)}


def _co_owners(actor: User, exam_id: int, message: str) -> dict[str, Any]:
    exam = manageable_exam(actor, exam_id)
    people = sorted(exam.co_owners, key=lambda u: u.username)
    return {
        "success": True,
        "message": message,
        "co_owners": [presenters.person(u) for u in people],
    }


SECTION_DOC: dict[str, Any] = {
    "responses": {200: SectionsOut, 400: None, 403: None, 404: None},
    "tags": TAGS,
}


@bp.post("/sections")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, SectionIn)
@endpoint("Add a section at the end", body=SectionIn, parse_input=False, **SECTION_DOC)
def add_section(actor: User, exam_id: int) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(SectionIn)
        sec = structure.add_section(actor, exam_id, body.name, body.description)
        return _sections(actor, exam_id, f"Section “{sec.name}” added.")

    return _panel(act, exam_id, "sections")


@bp.post("/sections/<int:section_id>")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, SectionEditIn)
@endpoint(
    "Rename a section or change its description",
    body=SectionEditIn,
    parse_input=False,
    **SECTION_DOC,
)
def edit_section(actor: User, exam_id: int, section_id: int) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(SectionEditIn)
        sec = structure.edit_section(actor, exam_id, section_id, body.name, body.description)
        return _sections(actor, exam_id, f"Section “{sec.name}” saved.")

    return _panel(act, exam_id, "sections")


@bp.post("/sections/reorder")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Reorder sections: every id in the new order",
    body=SectionMoveIn,
    parse_input=False,
    **SECTION_DOC,
)
def reorder_sections(actor: User, exam_id: int) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(SectionMoveIn)
        if body.order is None:
            raise invalid_field("order", "List every section id in the new order.")
        structure.move_section(actor, exam_id, None, None, body.order)
        return _sections(actor, exam_id, "Sections reordered.")

    return _panel(act, exam_id, "sections")


@bp.post("/sections/<int:section_id>/move")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, SectionMoveIn)
@endpoint(
    "Move a section one place up or down", body=SectionMoveIn, parse_input=False, **SECTION_DOC
)
def move_section(actor: User, exam_id: int, section_id: int) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(SectionMoveIn)
        structure.move_section(actor, exam_id, section_id, body.direction, None)
        return _sections(actor, exam_id, f"Section moved {body.direction}.")

    return _panel(act, exam_id, "sections")


@bp.post("/sections/<int:section_id>/delete")
@auth_required(*AUTHOR_ROLES)
@endpoint("Delete a section; its questions stay in the exam, outside any section", **SECTION_DOC)
def delete_section(actor: User, exam_id: int, section_id: int) -> Response:
    def act() -> dict[str, Any]:
        name = structure.delete_section(actor, exam_id, section_id)
        return _sections(
            actor, exam_id, f"Section “{name}” deleted; its questions are now outside any section."
        )

    return _panel(act, exam_id, "sections")


CO_OWNER_DOC: dict[str, Any] = {
    "responses": {200: CoOwnersOut, 400: None, 403: None, 404: None},
    "tags": TAGS,
}


@bp.post("/co-owners/add")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, CoOwnerIn)
@endpoint(
    "Add a co-owner by username (owner or admin)", body=CoOwnerIn, parse_input=False, **CO_OWNER_DOC
)
def add_co_owner(actor: User, exam_id: int) -> Response:
    def act() -> dict[str, Any]:
        user = structure.add_co_owner(actor, exam_id, parse_body(CoOwnerIn).username)
        return _co_owners(actor, exam_id, f"{user.username} can now manage this exam.")

    return _panel(act, exam_id, "coowners")


@bp.post("/co-owners/remove")
@auth_required(*AUTHOR_ROLES)
@accepts(FORM, CoOwnerIn)
@endpoint(
    "Remove a co-owner by username (owner or admin; anyone may leave)",
    body=CoOwnerIn,
    parse_input=False,
    **CO_OWNER_DOC,
)
def remove_co_owner(actor: User, exam_id: int) -> Response:
    """A co-owner who removes themself leaves the exam: the page then goes back to the list."""
    body = parse_body(CoOwnerIn)
    if body.username.strip().lower() == actor.username.lower():
        structure.remove_co_owner(actor, exam_id, body.username)
        exam = db.session.get(Exam, exam_id)
        people = sorted(exam.co_owners, key=lambda u: u.username) if exam else []
        message = "You no longer co-own this exam."
        if wants_json():
            return respond(
                {
                    "success": True,
                    "message": message,
                    "co_owners": [presenters.person(u) for u in people],
                }
            )
        flash(message, "success")
        target = url_for("exam_pages.list_page")
        return Response(headers={"HX-Redirect": target}) if htmx else redirect(target, 303)

    def act() -> dict[str, Any]:
        user = structure.remove_co_owner(actor, exam_id, body.username)
        return _co_owners(actor, exam_id, f"{user.username} no longer manages this exam.")

    return _panel(act, exam_id, "coowners")

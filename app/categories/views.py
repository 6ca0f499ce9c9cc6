"""SmartAIExam's category endpoints (000_…, "Admin JSON APIs": "Category CRUD") and the
categories page. The document's clients upload the picture in a multipart form; JSON bodies are
accepted for changes without a picture. The POST routes serve the page too (perform())."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request

from app.categories import services
from app.categories.schemas import (
    CategoriesOut,
    CategoryChangeOut,
    CategoryDeleteOut,
    CategoryEditForm,
    CategoryEditJsonIn,
    CategoryForm,
    CategoryJsonIn,
)
from app.core import storage
from app.core.actions import perform
from app.core.api import endpoint, is_form, parse_body
from app.core.auth import auth_required, current_actor
from app.core.jsonprovider import iso
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.exams.access import AUTHOR_ROLES
from app.exams.views.api import accepts
from app.models import Category, User

api_bp = surface_blueprint("sae_categories", __name__, Surface.SMARTAIEXAM)
pages_bp = surface_blueprint("category_pages", __name__, Surface.WEB)

TEMPLATE = "exams/categories.html"
TAGS = ["SmartAIExam admin: categories"]
MULTIPART = "multipart/form-data"


def category_json(category: Category, counts: dict[int, int]) -> dict[str, Any]:
    return {
        "id": category.id,
        "name": category.name,
        "image_url": category.image_url,
        "exam_count": counts.get(category.id, 0),
        "created_at": iso(category.created_at),
        "updated_at": iso(category.updated_at),
    }


def _listing(actor: User) -> list[dict[str, Any]]:
    counts = services.exam_counts()
    return [category_json(c, counts) for c in services.list_categories(actor)]


def _context(message: str | None = None, error: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "categories": _listing(current_actor()),
        "message": message,
        "error": error,
        "max_mb": storage.MAX_IMAGE_BYTES // (1024 * 1024),
        **extra,
    }


def _perform(act: Callable[[], dict[str, Any]]) -> Response:
    return perform(
        act,
        template=TEMPLATE,
        block="panel",
        context=_context,
        page_endpoint="category_pages.page",
        state={},
    )


def _upload() -> bytes | None:
    """The picture from a multipart form; an empty file input means none."""
    file = request.files.get("image")
    if file is None or not file.filename:
        return None
    return storage.read_limited(file.stream)


@api_bp.get("/admin/api/categories")
@auth_required(*AUTHOR_ROLES)
@endpoint("List all categories", responses={200: CategoriesOut}, tags=TAGS)
def list_categories(actor: User) -> Response:
    return respond({"success": True, "categories": _listing(actor)})


@api_bp.post("/admin/categories/create")
@auth_required(*AUTHOR_ROLES)
@accepts(MULTIPART, CategoryForm)
@endpoint(
    "Create. Multipart: name, image (optional, max 5MB)",
    body=CategoryJsonIn,
    responses={200: CategoryChangeOut, 400: None, 409: None},
    tags=TAGS,
    parse_input=False,
)
def create_category(actor: User) -> Response:
    def act() -> dict[str, Any]:
        if is_form():
            category = services.create_category(actor, request.form.get("name"), _upload())
        else:
            category = services.create_category(actor, parse_body(CategoryJsonIn).name)
        return {
            "success": True,
            "message": f"Category “{category.name}” created.",
            "category": category_json(category, {}),
        }

    return _perform(act)


@api_bp.post("/admin/categories/update/<int:cat_id>")
@auth_required(*AUTHOR_ROLES)
@accepts(MULTIPART, CategoryEditForm)
@endpoint(
    "Update name or image",
    body=CategoryEditJsonIn,
    responses={200: CategoryChangeOut, 400: None, 404: None, 409: None},
    tags=TAGS,
    parse_input=False,
)
def update_category(actor: User, cat_id: int) -> Response:
    """Multipart: name and/or image (a new picture deletes the old file), or remove_image=1.
    JSON: {name, remove_image}. Fields left out keep their value."""

    def act() -> dict[str, Any]:
        if is_form():
            name = request.form.get("name")
            remove = (request.form.get("remove_image") or "").lower() in ("1", "on", "true", "yes")
            category = services.update_category(actor, cat_id, name, _upload(), remove)
        else:
            body = parse_body(CategoryEditJsonIn)
            category = services.update_category(actor, cat_id, body.name, None, body.remove_image)
        counts = services.exam_counts()
        return {
            "success": True,
            "message": f"Category “{category.name}” saved.",
            "category": category_json(category, counts),
        }

    return _perform(act)


@api_bp.post("/admin/categories/delete/<int:cat_id>")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Delete (fails if exams linked)",
    responses={200: CategoryDeleteOut, 404: None, 409: None},
    tags=TAGS,
)
def delete_category(actor: User, cat_id: int) -> Response:
    def act() -> dict[str, Any]:
        name = services.delete_category(actor, cat_id)
        return {"success": True, "message": f"Category “{name}” deleted."}

    return _perform(act)


@pages_bp.get("/admin/categories")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Categories page: the full page, its panel for HTMX, or the list as JSON",
    responses={200: CategoriesOut},
    tags=TAGS,
)
def page(actor: User) -> Response:
    context = _context()
    return respond(
        {"success": True, "categories": context["categories"]},
        template=TEMPLATE,
        block="panel",
        **context,
    )

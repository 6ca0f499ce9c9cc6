"""Category use cases. Categories belong to the institute, not to a teacher: any author (teacher,
manager, admin) may create, rename or delete one, and a category that exams still use cannot be
deleted. Pictures go through app.core.storage, which checks them by content and removes a
replaced or deleted picture only once the change has committed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.core import storage
from app.core.errors import Conflict, NotFound
from app.exams.access import require_author
from app.exams.services import invalid_field
from app.extensions import db
from app.models import Category, Exam, User

NAME_MAX = 120
FOLDER = "categories"


def clean_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid_field("name", "Enter a name.")
    name = value.strip()
    if len(name) > NAME_MAX:
        raise invalid_field("name", f"Use at most {NAME_MAX} characters.")
    return name


def _unique(name: str, exclude: int | None = None) -> None:
    stmt = select(Category.id).where(func.lower(Category.name) == name.lower())
    if exclude is not None:
        stmt = stmt.where(Category.id != exclude)
    if db.session.scalar(stmt) is not None:
        raise Conflict(f"A category named {name} already exists.")


def exam_counts() -> dict[int, int]:
    rows = db.session.execute(
        select(Exam.category_id, func.count())
        .where(Exam.category_id.is_not(None))
        .group_by(Exam.category_id)
    ).all()
    return dict(rows)


def list_categories(actor: User) -> list[Category]:
    require_author(actor)
    return list(db.session.scalars(select(Category).order_by(func.lower(Category.name))))


def get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound("Category not found")
    return category


def create_category(actor: User, name: Any, image: bytes | None = None) -> Category:
    require_author(actor)
    name = clean_name(name)
    _unique(name)
    category = Category(name=name, image_url="")
    if image is not None:
        category.image_url = storage.save_image(image, FOLDER).url
    db.session.add(category)
    db.session.flush()
    return category


def update_category(
    actor: User,
    category_id: int,
    name: Any = None,
    image: bytes | None = None,
    remove_image: bool = False,
) -> Category:
    """Rename, replace or remove the picture; the old picture's file goes once this commits."""
    require_author(actor)
    category = get_category(category_id)
    if name is not None:
        name = clean_name(name)
        _unique(name, exclude=category.id)
        category.name = name
    if image is not None or remove_image:
        new_url = storage.save_image(image, FOLDER).url if image is not None else ""
        storage.delete_on_commit(category.image_url)
        category.image_url = new_url
    db.session.flush()
    return category


def delete_category(actor: User, category_id: int) -> str:
    require_author(actor)
    category = get_category(category_id)
    used = db.session.scalar(
        select(func.count()).select_from(Exam).where(Exam.category_id == category.id)
    )
    if used:
        noun, them = ("exam", "it") if used == 1 else ("exams", "them")
        raise Conflict(f"Category has {used} {noun}; move or delete {them} first")
    storage.delete_on_commit(category.image_url)
    name = category.name
    db.session.delete(category)
    db.session.flush()
    return name

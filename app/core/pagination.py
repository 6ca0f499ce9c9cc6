"""Every list paginates the same way; surfaces differ only in how they present the page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from app.extensions import db

MAX_PER_PAGE = 100


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    def meta(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "pages": self.pages,
            "has_next": self.has_next,
            "has_prev": self.has_prev,
        }


def clamp(page: int | None, per_page: int | None, default: int = 20) -> tuple[int, int]:
    page = max(1, page or 1)
    per_page = min(MAX_PER_PAGE, max(1, per_page or default))
    return page, per_page


def paginate(stmt: Select, page: int | None, per_page: int | None, default: int = 20) -> Page:
    page, per_page = clamp(page, per_page, default)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


def window(stmt: Select, skip: int | None, limit: int | None, default: int = 20) -> list[Any]:
    """limit/skip style (Backend document)."""
    limit = min(MAX_PER_PAGE, max(1, limit or default))
    return list(db.session.scalars(stmt.limit(limit).offset(max(0, skip or 0))))

"""The Backend document's user shapes, shared by its sign-up and its user endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class UserOut(BaseModel):
    username: str
    email: str
    full_name: str
    role: str
    subjects: list[str]


class MeOut(UserOut):
    preferences: dict[str, Any]


class AdminUserOut(UserOut):
    created_at: str

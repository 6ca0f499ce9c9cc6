"""How each surface shows a user. One function per document's user shape."""

from __future__ import annotations

from typing import Any

from app.core import roles as R
from app.core.jsonprovider import iso
from app.models import User
from app.subjects.services import codes_for


def sae_user(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "full_name": user.full_name,
        "role": R.surface_role(user.roles, R.SMARTAIEXAM),
    }


def sae_me(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "role": R.surface_role(user.roles, R.SMARTAIEXAM),
        "available_portals": R.portals(user.roles),
        "created_at": iso(user.created_at),
    }


def backend_user(
    user: User, *, with_preferences: bool = False, with_created: bool = False
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "role": R.surface_role(user.roles, R.BACKEND),
        "subjects": codes_for(user),  # enrolled in, and taught
    }
    if with_preferences:
        data["preferences"] = user.preferences or {}
    if with_created:
        data["created_at"] = iso(user.created_at, z=True)
    return data

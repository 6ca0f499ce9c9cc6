"""Backend's user endpoints (003_…: "User Endpoints", "Admin Endpoints"). Envelope:
{"detail": ...}; invalid bodies and queries are 422 with loc/msg/type items."""

from __future__ import annotations

from typing import Any, Literal

from flask import Response
from pydantic import BaseModel, Field

from app.auth.presenters import backend_user
from app.core import roles as R
from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.pagination import window
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.models import User
from app.users import services as users
from app.users.backend_schemas import AdminUserOut, MeOut, UserOut

bp = surface_blueprint("backend_users", __name__, Surface.BACKEND)

BackendRole = Literal["STUDENT", "PROFESSOR", "ADMIN"]


class MeUpdateIn(BaseModel):
    """Every field is optional: what is sent changes, what is left out stays."""

    full_name: str | None = Field(None, max_length=120, examples=["Gabriel Francisco García"])
    email: str | None = Field(None, max_length=254, examples=["gabriel.new@example.com"])
    preferences: dict[str, Any] | None = Field(
        None,
        examples=[{"theme": "light", "notifications": False}],
        description="Merged into the stored preferences (keys not sent are kept)",
    )


class AdminUsersQuery(BaseModel):
    role: BackendRole | None = Field(None, description="STUDENT, PROFESSOR or ADMIN")
    limit: int = Field(50, ge=1, description="At most 100 are returned")
    skip: int = Field(0, ge=0)


class RoleIn(BaseModel):
    role: str = Field(examples=["PROFESSOR"], description="STUDENT, PROFESSOR or ADMIN")


class RoleOut(BaseModel):
    username: str
    role: str
    message: str


@bp.get("/users/me")
@auth_required()
@endpoint("Get the authenticated user's profile", responses={200: MeOut}, tags=["Users"])
def me(actor: User) -> Response:
    return respond(backend_user(actor, with_preferences=True))


@bp.put("/users/me")
@auth_required()
@endpoint(
    "Update the authenticated user's profile",
    body=MeUpdateIn,
    responses={200: MeOut},
    tags=["Users"],
)
def update_me(actor: User, body: MeUpdateIn) -> Response:
    try:
        users.update_profile(
            actor, full_name=body.full_name, email=body.email, preferences=body.preferences
        )
    except Invalid as err:
        if err.code == "email_taken":  # worded by this endpoint, not by /register
            raise Invalid("Email already in use", code="email_in_use") from None
        raise
    return respond(backend_user(actor, with_preferences=True))


@bp.get("/users/<username>")
@auth_required(*R.STAFF_ROLES)
@endpoint(
    "Get another user's profile (Professor or Admin)", responses={200: UserOut}, tags=["Users"]
)
def user_profile(actor: User, username: str) -> Response:
    return respond(backend_user(users.get_by_username(username)))


@bp.get("/admin/users")
@auth_required(R.ADMIN)
@endpoint(
    "List all users (Admin)",
    query=AdminUsersQuery,
    responses={200: list[AdminUserOut]},
    tags=["Admin"],
)
def admin_users(actor: User, query: AdminUsersQuery) -> Response:
    stmt = users.search()
    if query.role:
        stmt = users.where_shown_as(stmt, R.BACKEND, query.role)
    rows = window(stmt, query.skip, query.limit, default=50)
    return respond([backend_user(u, with_created=True) for u in rows])


@bp.post("/admin/users/<username>/role")
@auth_required(R.ADMIN)
@endpoint("Change a user's role (Admin)", body=RoleIn, responses={200: RoleOut}, tags=["Admin"])
def change_role(actor: User, username: str, body: RoleIn) -> Response:
    user = users.set_surface_role(actor, users.get_by_username(username), R.BACKEND, body.role)
    role = R.surface_role(user.roles, R.BACKEND)
    return respond({"username": user.username, "role": role, "message": "User role updated"})

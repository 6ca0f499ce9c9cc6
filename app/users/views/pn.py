"""PN Academy's user management (002_…: "User Management Endpoints"): staff accounts only;
students are the records uploaded by CSV. Envelope: {"error": ..., "details": ...}."""

from __future__ import annotations

from typing import Literal

from flask import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from app.core import roles as R
from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.jsonprovider import iso
from app.core.pagination import paginate
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.models import User, UserRole
from app.users import services as users

bp = surface_blueprint("pn_users", __name__, Surface.PN, url_prefix="/api/v1")

PnStaffRole = Literal["admin", "assessment_manager", "proctor"]


class CreateUserIn(BaseModel):
    email: str = Field(min_length=1, max_length=254, examples=["manager@example.com"])
    password: str = Field(min_length=1, max_length=1024, examples=["securepassword123"])
    role: PnStaffRole = Field(examples=["assessment_manager"])
    full_name: str = Field("", max_length=120, description="Optional; not in the document")


class CreatedData(BaseModel):
    email: str
    role: str


class CreatedOut(BaseModel):
    status: str = "success"
    message: str
    data: CreatedData


class UsersQuery(BaseModel):
    role: PnStaffRole | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, description="At most 100")


class PnUserOut(BaseModel):
    id: int
    email: str
    role: str
    phone_number: str | None = None
    created_at: str


def pn_user(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "role": R.surface_role(user.roles, R.PN),
        "phone_number": None,  # Examhall keeps no phone numbers
        "created_at": iso(user.created_at, z=True),
    }


@bp.route("/users/", methods=["POST"], strict_slashes=False)
@auth_required(R.ADMIN)
@endpoint(
    "Create a staff user (admin only)",
    body=CreateUserIn,
    responses={201: CreatedOut},
    invalid_message="Validation failed",
    tags=["User Management"],
)
def create_user(actor: User, body: CreateUserIn) -> Response:
    email = users.normalize_email(body.email)
    roles = R.roles_for(R.PN, body.role, set())
    try:
        user = users.create_user(
            username=users.username_from_email(email),
            email=email,
            password=body.password,
            roles=roles or set(),
            full_name=body.full_name,
        )
    except Invalid as err:
        if err.code in ("email_taken", "weak_password"):
            field = "email" if err.code == "email_taken" else "password"
            fields = [{"loc": ["body", field], "msg": err.message, "type": "value_error"}]
            raise Invalid(err.message, code=err.code, fields=fields) from None
        raise
    data = {"email": user.email, "role": R.surface_role(user.roles, R.PN)}
    return respond(
        {"status": "success", "message": "User created successfully", "data": data}, status=201
    )


@bp.route("/users/", methods=["GET"], strict_slashes=False)
@auth_required(R.ADMIN)
@endpoint(
    "List staff users (admin only)",
    query=UsersQuery,
    responses={200: list[PnUserOut]},
    invalid_message="Validation failed",
    tags=["User Management"],
)
def list_users(actor: User, query: UsersQuery) -> Response:
    stmt = users.search()
    if query.role:
        stmt = users.where_shown_as(stmt, R.PN, query.role)
    else:
        staff = select(UserRole.user_id).where(UserRole.role.in_(sorted(R.STAFF_ROLES)))
        stmt = stmt.where(User.id.in_(staff))
    page = paginate(stmt, query.page, query.page_size, default=100)
    return respond([pn_user(u) for u in page.items], headers={"X-Total-Count": str(page.total)})

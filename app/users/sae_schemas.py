"""Request and response shapes of SmartAIExam's access-request and user-administration endpoints
(000_…: "Auth JSON Endpoints", "Admin JSON APIs"), for validation and the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints


def _blank_to_none(value: Any) -> Any:
    """Query strings and forms send '' for an empty field; treat it as absent."""
    return None if isinstance(value, str) and not value.strip() else value


def _no_bool(value: Any) -> Any:
    # pydantic's lax int takes true/false as 1/0; an id never is a boolean.
    if isinstance(value, bool):
        raise ValueError("Input should be a valid integer")
    return value


UserId = Annotated[int, BeforeValidator(_no_bool), Field(gt=0, examples=[42])]
OptionalInt = Annotated[int | None, BeforeValidator(_blank_to_none)]
RoleString = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    Field(description="user | admin | user,admin", examples=["user,admin"]),
]


# Public: access requests --------------------------------------------------------------------


class ValidateUserIn(BaseModel):
    username: str = Field(min_length=1, max_length=80, examples=["john.doe"])
    email: str = Field(min_length=1, max_length=254, examples=["john@example.com"])


class RequestUser(BaseModel):
    username: str
    current_access: str = Field(examples=["user"])


class ValidateUserOut(BaseModel):
    success: bool = True
    user: RequestUser
    available_requests: list[str] = Field(examples=[["admin", "user,admin"]])
    has_pending_request: bool
    can_request: bool


class SubmitAccessRequestIn(BaseModel):
    username: str = Field(min_length=1, max_length=80, examples=["john.doe"])
    email: str = Field(min_length=1, max_length=254, examples=["john@example.com"])
    current_access: str | None = Field(
        None,
        max_length=40,
        description="Informational; the server records the access actually held",
    )
    requested_access: RoleString = Field(examples=["admin"])
    user_reason: str = Field("", max_length=2000, examples=["I need to manage exams for my batch"])


class SubmitAccessRequestOut(BaseModel):
    success: bool = True
    message: str = Field(examples=["Request submitted."])
    request_id: int = Field(examples=[7])


# Admin: users -------------------------------------------------------------------------------


class UsersSearchQuery(BaseModel):
    q: str = Field("", max_length=200, description="Matches username, e-mail or full name")
    role: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        None, description="user (user only) | admin (admin only) | both"
    )
    page: OptionalInt = Field(None, ge=1)
    per_page: OptionalInt = Field(None, ge=1, le=100)


class AdminUser(BaseModel):
    id: int
    username: str
    email: str
    full_name: str
    role: str | None = Field(description="user | admin | user,admin")
    created_at: str | None
    roles: list[str] = Field(
        description="Examhall roles: student, teacher, manager, proctor, admin"
    )
    last_login_at: str | None


class Pagination(BaseModel):
    page: int
    per_page: int
    total: int
    pages: int
    has_next: bool
    has_prev: bool


class UsersSearchOut(BaseModel):
    success: bool = True
    users: list[AdminUser]
    pagination: Pagination


class UsersStatsOut(BaseModel):
    success: bool = True
    total_users: int
    user_role: int = Field(description="Users with the user portal only")
    admin_role: int = Field(description="Users with the admin portal only")
    both_roles: int = Field(description="Users with both portals")


class UpdateRoleIn(BaseModel):
    user_id: UserId
    new_role: RoleString


class UpdateRoleOut(BaseModel):
    success: bool = True
    message: str
    user: AdminUser


class BulkUpdateRolesIn(BaseModel):
    updates: list[UpdateRoleIn] = Field(
        description="All or nothing: if any item is invalid, no role changes",
        examples=[[{"user_id": 42, "new_role": "user,admin"}]],
    )


class BulkUpdateRolesOut(BaseModel):
    success: bool = True
    message: str
    updated: int
    users: list[AdminUser]


# Admin: access requests ---------------------------------------------------------------------


class RequestsListQuery(BaseModel):
    status: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        None, description="pending (default) | completed | denied"
    )
    page: OptionalInt = Field(None, ge=1)
    per_page: OptionalInt = Field(None, ge=1, le=100)


class AccessRequestOut(BaseModel):
    id: int
    user_id: int
    username: str
    email: str
    full_name: str
    current_access: str
    requested_access: str = Field(description="user | admin | user,admin")
    requested_roles: list[str] = Field(
        description=(
            "The Examhall roles (student, teacher, manager, proctor, admin) that approving "
            "without approved_access adds. The SmartAIExam string cannot name Examhall's admin "
            'role: a request for it (Backend sign-up as ADMIN) shows as "user,admin" and '
            '["admin"] here, and approving it as requested grants full administrator rights'
        ),
        examples=[["admin"]],
    )
    user_reason: str
    status: str
    approved_access: str | None
    admin_reason: str
    decided_by: str | None
    created_at: str | None
    decided_at: str | None


class RequestsListOut(BaseModel):
    success: bool = True
    requests: list[AccessRequestOut]
    pagination: Pagination


class RequestsStatsOut(BaseModel):
    success: bool = True
    pending: int
    completed: int
    denied: int
    total: int


class ApproveIn(BaseModel):
    approved_access: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        None,
        max_length=40,
        description=(
            "user | admin | user,admin (never Examhall's admin role); omitted: add the "
            "request's requested_roles, which may include admin"
        ),
        examples=["admin"],
    )


class DenyIn(BaseModel):
    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ] = Field(examples=["Please ask your head of department to confirm first"])


class DecisionOut(BaseModel):
    success: bool = True
    message: str = Field(
        examples=[
            "Request approved: john now has user,admin access (Examhall roles: student, teacher)."
        ]
    )
    request: AccessRequestOut

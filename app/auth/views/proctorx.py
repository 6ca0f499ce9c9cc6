"""ProctorX sign-up and token endpoints (004_…). Envelope: {"ok": false, "error": "..."}."""

from __future__ import annotations

from typing import Literal

from flask import Response, request
from pydantic import BaseModel, Field

from app.auth import services, tokens
from app.core import limits
from app.core import roles as R
from app.core.api import endpoint, parse
from app.core.errors import Invalid, Unauthorized
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import limiter
from app.models import User

bp = surface_blueprint("proctorx", __name__, Surface.PROCTORX)

DEFAULT_AVATAR = "/static/img/default-avatar.svg"


class SignupIn(BaseModel):
    username: str = Field(min_length=1, examples=["testuser"])
    password: str = Field(min_length=1, examples=["testpassword"])
    email: str = Field(min_length=1, examples=["testuser@example.com"])
    type: Literal["student", "institute"] = Field(
        "student",
        examples=["student"],
        description="An institute account needs an admin's approval",
    )
    name: str = Field("", max_length=120, description="Display name (optional)")


class CredentialsIn(BaseModel):
    username: str = Field(min_length=1, examples=["testuser"])
    password: str = Field(min_length=1, examples=["testpassword"])


class RefreshIn(BaseModel):
    refresh: str = Field(min_length=1, examples=["refresh_token"])


class ProfileOut(BaseModel):
    ok: bool = True
    type: Literal["student", "institute"]
    name: str
    username: str
    email: str
    bio: str
    profile_url: str


class AccessRequestOut(BaseModel):
    id: int
    status: str


class SignupOut(ProfileOut):
    access_request: AccessRequestOut | None = Field(
        None, description="Only for an institute sign-up: the request an admin must approve"
    )


class LoginOut(ProfileOut):
    refresh: str
    access: str
    expires_in: int


class TokenOut(BaseModel):
    access: str
    refresh: str


class RefreshOut(BaseModel):
    ok: bool = True
    access: str
    expires_in: int


class LogoutOut(BaseModel):
    ok: bool = True
    message: str


def profile(user: User) -> dict:
    return {
        "ok": True,
        "type": R.surface_role(user.roles, R.PROCTORX),
        "name": user.display_name,
        "username": user.username,
        "email": user.email,
        "bio": user.bio,
        "profile_url": user.avatar_url or request.host_url.rstrip("/") + DEFAULT_AVATAR,
    }


@bp.post("/signup")
@endpoint(
    "Create an account (an institute account needs an admin's approval)",
    body=SignupIn,
    responses={201: SignupOut},
    auth=False,
    parse_input=False,
)
@limiter.limit(limits.SIGN_UP)
def signup() -> Response:
    try:
        body = parse(SignupIn)
    except Invalid as err:
        if any(f["loc"][1:2] == ["type"] for f in err.fields):
            raise Invalid("Invalid user type", code="invalid_type") from None
        raise
    wanted = {R.TEACHER} if body.type == "institute" else set()
    result = services.sign_up(
        username=body.username,
        email=body.email,
        password=body.password,
        full_name=body.name,
        requested_roles=wanted,
        reason="Institute account requested at ProctorX sign-up",
    )
    data = profile(result.user)
    if result.access_request is not None:
        data["access_request"] = {"id": result.access_request.id, "status": "pending"}
    return respond(data, status=201)


@endpoint(
    "Sign in: profile plus access and refresh tokens",
    body=CredentialsIn,
    responses={200: LoginOut},
    auth=False,
    parse_input=False,
)
def login() -> Response:
    body = parse(CredentialsIn)
    user = services.authenticate(body.username, body.password, request.remote_addr)
    data = profile(user) | {
        "refresh": tokens.issue_refresh(user, R.PROCTORX),
        "access": tokens.issue_access(user),
        "expires_in": tokens.access_seconds(),
    }
    return respond(data)


@endpoint(
    "Generate a new access and refresh token from credentials",
    body=CredentialsIn,
    responses={200: TokenOut},
    auth=False,
    parse_input=False,
)
def token() -> Response:
    body = parse(CredentialsIn)
    user = services.authenticate(body.username, body.password, request.remote_addr)
    return respond(
        {"access": tokens.issue_access(user), "refresh": tokens.issue_refresh(user, R.PROCTORX)}
    )


@bp.post("/token/refresh")
@endpoint(
    "New access token from a refresh token",
    body=RefreshIn,
    responses={200: RefreshOut},
    auth=False,
    invalid_message="Invalid refresh token",
)
def refresh(body: RefreshIn) -> Response:
    _, access = tokens.refresh(body.refresh)
    return respond({"ok": True, "access": access, "expires_in": tokens.access_seconds()})


@endpoint(
    "Revoke a refresh token (205 Reset Content)",
    body=RefreshIn,
    responses={205: LogoutOut},
    auth=False,
    parse_input=False,
)
def logout() -> Response:
    body = parse(RefreshIn, message="Invalid refresh token")
    try:
        tokens.revoke(body.refresh)
    except Unauthorized:
        raise Invalid("Invalid refresh token", code="refresh_token_invalid") from None
    return respond({"ok": True, "message": "Successfully logged out"}, status=205)

"""PN Academy's authentication endpoints (002_…: "Authentication Endpoints"). Envelope:
{"error": ..., "details": ...}. Django-style trailing slashes; the URL without one answers too."""

from __future__ import annotations

from flask import Response, request
from pydantic import BaseModel, Field

from app.auth import services, tokens
from app.core import limits
from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import limiter
from app.models import User
from app.users import services as users

bp = surface_blueprint("pn_auth", __name__, Surface.PN, url_prefix="/api/v1")

VALIDATION_FAILED = "Validation failed"
RESET_DONE = "Password has been reset successfully"


class CredentialsIn(BaseModel):
    email: str = Field(min_length=1, max_length=254, examples=["user@example.com"])
    password: str = Field(min_length=1, max_length=1024, examples=["securepassword123"])


class RegisterOut(BaseModel):
    email: str
    token: str


class LoginOut(BaseModel):
    token: str


class ResetPasswordIn(BaseModel):
    new_password: str = Field(min_length=1, max_length=1024, examples=["newsecurepassword123"])


class MessageOut(BaseModel):
    message: str


def field_error(err: Invalid, field: str) -> Invalid:
    """The same error, reported against this document's field name."""
    fields = [{"loc": ["body", field], "msg": err.message, "type": "value_error"}]
    return Invalid(err.message, code=err.code, fields=fields)


@bp.route("/register/", methods=["POST"], strict_slashes=False)
@endpoint(
    "Create a student account and receive an access token",
    body=CredentialsIn,
    responses={201: RegisterOut},
    auth=False,
    invalid_message=VALIDATION_FAILED,
    tags=["Authentication"],
)
@limiter.limit(limits.SIGN_UP)
def register(body: CredentialsIn) -> Response:
    email = users.normalize_email(body.email)
    try:
        result = services.sign_up(
            username=users.username_from_email(email),
            email=email,
            password=body.password,
        )
    except Invalid as err:
        if err.code in ("email_taken", "weak_password"):
            raise field_error(err, "email" if err.code == "email_taken" else "password") from None
        raise
    user = result.user
    return respond({"email": user.email, "token": tokens.issue_access(user)}, status=201)


@bp.route("/login/", methods=["POST"], strict_slashes=False)
@endpoint(
    "Sign in with e-mail and password",
    body=CredentialsIn,
    responses={200: LoginOut},
    auth=False,
    invalid_message=VALIDATION_FAILED,
    tags=["Authentication"],
)
def login(body: CredentialsIn) -> Response:
    user = services.authenticate(body.email, body.password, request.remote_addr)
    return respond({"token": tokens.issue_access(user)})


@bp.route("/reset-password/", methods=["POST"], strict_slashes=False)
@auth_required()
@endpoint(
    "Set a new password for the signed-in user",
    body=ResetPasswordIn,
    responses={200: MessageOut},
    invalid_message=VALIDATION_FAILED,
    tags=["Authentication"],
)
def reset_password(actor: User, body: ResetPasswordIn) -> Response:
    try:
        services.set_password(actor, body.new_password)
    except Invalid as err:
        raise field_error(err, "new_password") from None
    return respond({"message": RESET_DONE})

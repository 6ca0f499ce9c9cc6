"""Backend's sign-up and OAuth2 password-form token endpoint (003_…). Envelope: {"detail": ...}."""

from __future__ import annotations

from flask import Response, request
from pydantic import BaseModel, Field

from app.auth import services, tokens
from app.auth.presenters import backend_user
from app.core import limits
from app.core import roles as R
from app.core.api import endpoint, parse
from app.core.errors import Invalid
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import limiter
from app.users.backend_schemas import UserOut

bp = surface_blueprint("backend_auth", __name__, Surface.BACKEND)


class RegisterIn(BaseModel):
    username: str = Field(min_length=1, examples=["gabriel"])
    email: str = Field(min_length=1, examples=["gabriel@example.com"])
    password: str = Field(min_length=1, examples=["secure_password_123"])
    full_name: str = Field("", examples=["Gabriel Francisco"])
    role: str = Field("STUDENT", examples=["STUDENT"], description="STUDENT, PROFESSOR or ADMIN")


class TokenForm(BaseModel):
    username: str = Field(min_length=1, examples=["gabriel"])
    password: str = Field(min_length=1, examples=["secure_password_123"])


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"


@bp.post("/register")
@endpoint(
    "Create a new user account (staff roles need an admin's approval)",
    body=RegisterIn,
    responses={201: UserOut},
    auth=False,
)
@limiter.limit(limits.SIGN_UP)
def register(body: RegisterIn) -> Response:
    if body.role not in R.CANONICAL[R.BACKEND]:
        raise Invalid(
            "Invalid role",
            fields=[
                {
                    "loc": ["body", "role"],
                    "msg": "value is not a valid enumeration member; "
                    "permitted: 'STUDENT', 'PROFESSOR', 'ADMIN'",
                    "type": "type_error.enum",
                }
            ],
        )
    wanted = {R.CANONICAL[R.BACKEND][body.role]} - {R.STUDENT}
    result = services.sign_up(
        username=body.username,
        email=body.email,
        password=body.password,
        full_name=body.full_name,
        requested_roles=wanted,
        reason=f"{body.role} requested at Backend registration",
    )
    return respond(backend_user(result.user), status=201)


@endpoint(
    "Login with form fields and receive a JWT access token",
    form=TokenForm,
    responses={200: TokenOut},
    auth=False,
    parse_input=False,
)
def token() -> Response:
    form = parse(TokenForm, "form")
    user = services.authenticate(form.username, form.password, request.remote_addr)
    return respond(
        {"access_token": tokens.issue_access(user, subject=user.username), "token_type": "bearer"}
    )

"""SmartAIExam's JWT and account endpoints (000_…: "JWT Auth Endpoints", "Auth JSON Endpoints")."""

from __future__ import annotations

from flask import Response, request
from flask_login import logout_user

from app.auth import services, tokens
from app.auth.presenters import sae_me, sae_user
from app.auth.schemas import (
    DeleteAccountIn,
    EmailIn,
    SaeLoginIn,
    SaeLoginOut,
    SaeMeOut,
    SaeMessageOut,
    SaeRefreshIn,
    SaeRefreshOut,
    SuccessMessageOut,
    SuccessOut,
)
from app.core import limits
from app.core import roles as R
from app.core.api import endpoint
from app.core.auth import auth_required, current_actor
from app.core.errors import Invalid
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import limiter
from app.models import User
from app.users import services as users

bp = surface_blueprint("sae_auth", __name__, Surface.SMARTAIEXAM_AUTH, url_prefix="/api/auth")
account_bp = surface_blueprint("sae_account", __name__, Surface.SMARTAIEXAM)


@bp.post("/login")
@endpoint(
    "Username or email + password → JWT tokens",
    body=SaeLoginIn,
    responses={200: SaeLoginOut},
    auth=False,
    invalid_message="username/email and password required",
)
def login(body: SaeLoginIn) -> Response:
    user = services.authenticate(body.identifier, body.password, request.remote_addr)
    data = tokens.pair(user) | {"available_portals": R.portals(user.roles), "user": sae_user(user)}
    return respond({"status": "success", "data": data})


@bp.post("/refresh")
@endpoint(
    "Exchange refresh token for new access token",
    body=SaeRefreshIn,
    responses={200: SaeRefreshOut},
    auth=False,
    invalid_message="refresh_token_invalid",
)
def refresh(body: SaeRefreshIn) -> Response:
    _, access = tokens.refresh(body.refresh_token)
    data = {"access_token": access, "token_type": "Bearer", "expires_in": tokens.access_seconds()}
    return respond({"status": "success", "data": data})


@bp.post("/logout")
@endpoint(
    "Revoke refresh token",
    body=SaeRefreshIn,
    responses={200: SaeMessageOut},
    auth=False,
    invalid_message="refresh_token_invalid",
)
def logout(body: SaeRefreshIn) -> Response:
    tokens.revoke(body.refresh_token)
    return respond({"status": "success", "message": "Logged out"})


@bp.get("/me")
@auth_required()
@endpoint("Get current authenticated user profile", responses={200: SaeMeOut})
def me(actor: User) -> Response:
    return respond({"status": "success", "data": sae_me(actor)})


@account_bp.post("/api/request-password-reset")
@endpoint(
    "Send password reset link to email (always 200)",
    body=EmailIn,
    responses={200: SuccessMessageOut},
    auth=False,
    invalid_message="email is required",
)
@limiter.limit(limits.PASSWORD_RESET_REQUEST)
def request_password_reset(body: EmailIn) -> Response:
    services.request_password_reset(body.email)
    return respond({"success": True, "message": services.RESET_MESSAGE})


@account_bp.post("/api/delete-account")
@auth_required()
@endpoint(
    "Permanently delete the authenticated user's account",
    body=DeleteAccountIn,
    responses={200: SuccessOut},
    invalid_message="Invalid confirmation string",
)
def delete_account(actor: User, body: DeleteAccountIn) -> Response:
    if body.confirm != "DELETE":
        raise Invalid("Invalid confirmation string", code="bad_confirmation")
    users.delete_account(actor)
    logout_user()
    return respond({"success": True})


@account_bp.post("/_ping")
@endpoint("Session heartbeat: 204 when the session is alive", responses={204: None})
def ping() -> Response:
    if current_actor() is None:
        return respond({"reason": "no_session"}, status=401)
    return Response(status=204)

"""Google sign-in: SmartAIExam's POST /api/auth/google (000_…, "JWT Auth Endpoints") for ID
tokens from a client SDK, and the browser's OAuth flow at /login/google."""

from __future__ import annotations

import requests
from authlib.integrations.base_client import OAuthError
from flask import Response, current_app, flash, redirect, request, session, url_for
from joserfc.errors import JoseError
from pydantic import BaseModel, Field

from app.auth import google, services, tokens
from app.auth.web_session import safe_next, sign_in
from app.core import limits
from app.core import roles as R
from app.core.api import endpoint, parse
from app.core.errors import AppError, NotFound, Unavailable
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import db, limiter

bp = surface_blueprint("sae_google", __name__, Surface.SMARTAIEXAM_AUTH, url_prefix="/api/auth")
web_bp = surface_blueprint("google_web", __name__, Surface.WEB)

NEXT_KEY = "google_next"


class GoogleIn(BaseModel):
    id_token: str = Field(min_length=1, examples=["<Google ID token from client SDK>"])


class GoogleUser(BaseModel):
    id: int
    username: str
    role: str


class GoogleData(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    is_new_user: bool
    available_portals: list[str]
    user: GoogleUser


class GoogleOut(BaseModel):
    status: str = "success"
    data: GoogleData


@bp.post("/google")
@endpoint(
    "Google ID token from client SDK → JWT tokens (creates the account if new)",
    body=GoogleIn,
    responses={200: GoogleOut},
    auth=False,
    parse_input=False,
    tags=["Auth"],
)
@limiter.limit(limits.GOOGLE_SIGN_IN)
def google_token() -> Response:
    google.require_configured()  # 503 before anything else, whatever the body
    body = parse(GoogleIn, message="id_token is required")
    claims = google.verify_id_token(body.id_token)
    user, is_new = google.sign_in(claims)
    services.mark_login(user)
    user_out = {
        "id": user.id,
        "username": user.username,
        "role": R.surface_role(user.roles, R.SMARTAIEXAM),
    }
    data = tokens.pair(user) | {
        "is_new_user": is_new,
        "available_portals": R.portals(user.roles),
        "user": user_out,
    }
    return respond({"status": "success", "data": data})


def _client():
    client = google.web_client()
    if client is None:
        raise NotFound(google.NOT_CONFIGURED, code="google_not_configured")
    return client


@web_bp.get("/login/google")
def start() -> Response:
    """Off to the provider; `next` waits in the session for the way back."""
    client = _client()
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    try:
        return client.authorize_redirect(url_for("google_web.callback", _external=True))
    except (requests.RequestException, ValueError, RuntimeError) as exc:
        raise Unavailable(
            f"Google sign-in is temporarily unavailable: {type(exc).__name__}",
            code="oidc_unavailable",
        ) from None


@web_bp.get("/login/google/callback")
def callback() -> Response:
    client = _client()
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": _issuers(client)}},
            leeway=google.CLOCK_SKEW,
        )
        claims = token.get("userinfo")
        if not claims:
            raise OAuthError(description="the provider sent no ID token")
        google.check_email(dict(claims))
        user, is_new = google.sign_in(dict(claims))
    except (OAuthError, JoseError) as exc:
        return _failed(f"Google sign-in failed: {getattr(exc, 'description', None) or exc}")
    except requests.RequestException:
        return _failed("Google sign-in is temporarily unavailable. Please try again.")
    except AppError as err:
        return _failed(f"Google sign-in failed: {err.message}")
    next_url = session.pop(NEXT_KEY, None)
    services.mark_login(user)
    sign_in(user)
    if is_new:
        flash(f"Welcome to {current_app.config['INSTITUTE_NAME']}, {user.display_name}.", "success")
    else:
        flash(f"Welcome back, {user.display_name}.", "success")
    return redirect(safe_next(next_url))


def _issuers(client) -> list[str]:
    issuers = google.accepted_issuers()
    discovered = client.load_server_metadata().get("issuer")
    return [*issuers, discovered] if discovered and discovered not in issuers else issuers


def _failed(message: str) -> Response:
    db.session.rollback()  # a redirect would otherwise commit whatever the attempt flushed
    session.pop(NEXT_KEY, None)
    flash(message, "error")
    return redirect(url_for("web_auth.login_page"))

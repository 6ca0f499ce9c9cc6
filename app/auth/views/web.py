"""Sign-in pages: login, logout, create account, forgotten password, reset password."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import logout_user
from pydantic import BaseModel, Field

from app.auth import services
from app.auth.web_session import safe_next, sign_in
from app.core import limits
from app.core import roles as R
from app.core.errors import AppError, Invalid
from app.core.forms import field_errors, parse_form
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import limiter

bp = surface_blueprint("web_account", __name__, Surface.WEB)


class LoginForm(BaseModel):
    username: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class CreateAccountForm(BaseModel):
    username: str = Field(min_length=3, max_length=80)
    email: str = Field(min_length=3, max_length=254)
    full_name: str = Field(default="", max_length=120)
    password: str = Field(min_length=8, max_length=1024)
    confirm_password: str = Field(min_length=1, max_length=1024)
    requested_role: str = "student"
    reason: str = Field(default="", max_length=1000)


class ForgotForm(BaseModel):
    email: str = Field(min_length=3, max_length=254)


class ResetForm(BaseModel):
    password: str = Field(min_length=8, max_length=1024)
    confirm_password: str = Field(min_length=1, max_length=1024)


def login() -> Response:
    """GET shows the form; POST signs in (same lockout as every API login)."""
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return Response(render_template("auth/login.html", next=next_url, errors={}, form={}))
    form, errors = parse_form(LoginForm)
    status = 400
    if form is not None:
        try:
            user = services.authenticate(form.username, form.password, request.remote_addr)
        except AppError as err:
            errors, status = {"__all__": err.message}, err.status
        else:
            sign_in(user)
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(safe_next(next_url))
    html = render_template(
        "auth/login.html", next=next_url, errors=errors, form=request.form.to_dict()
    )
    return Response(html, status=status)


def logout() -> Response:
    """POST signs out; GET (a bookmarked link) asks first, since a GET must not change state."""
    if request.method == "GET":
        return Response(render_template("auth/logout.html"))
    logout_user()
    session.clear()
    flash("You have been signed out.", "info")
    return redirect(url_for("web_auth.login_page"))


@bp.route("/create_account", methods=["GET", "POST"])
@limiter.limit(limits.SIGN_UP, methods=["POST"])
def create_account() -> Response:
    if request.method == "GET":
        return Response(render_template("auth/create_account.html", errors={}, form={}))
    form, errors = parse_form(CreateAccountForm)
    if form is not None and form.password != form.confirm_password:
        errors = {"confirm_password": "The two passwords do not match."}
    if form is not None and not errors:
        wanted = {R.TEACHER} if form.requested_role == "teacher" else set()
        try:
            result = services.sign_up(
                username=form.username,
                email=form.email,
                password=form.password,
                full_name=form.full_name,
                requested_roles=wanted,
                reason=form.reason,
            )
        except Invalid as err:
            errors = _signup_errors(err)
        else:
            sign_in(result.user)
            message = "Your account is ready."
            if result.access_request is not None:
                message += " Your request for teacher access is waiting for an admin's approval."
            flash(message, "success")
            return redirect(url_for("web.dashboard"))
    html = render_template("auth/create_account.html", errors=errors, form=request.form.to_dict())
    return Response(html, status=400)


def _signup_errors(err: Invalid) -> dict[str, str]:
    by_code = {
        "username_taken": "username",
        "invalid_username": "username",
        "email_taken": "email",
        "invalid_email": "email",
        "weak_password": "password",
    }
    if err.code in by_code:
        return {by_code[err.code]: err.message}
    return field_errors(err)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(limits.PASSWORD_RESET_REQUEST, methods=["POST"])
def forgot_password() -> Response:
    if request.method == "GET":
        return Response(render_template("auth/forgot_password.html", errors={}, sent=False))
    form, errors = parse_form(ForgotForm)
    if form is None:
        return Response(
            render_template("auth/forgot_password.html", errors=errors, sent=False), status=400
        )
    services.request_password_reset(form.email)
    return Response(
        render_template(
            "auth/forgot_password.html", errors={}, sent=True, message=services.RESET_MESSAGE
        )
    )


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response:
    try:
        user = services.user_for_reset_token(token)
    except Invalid as err:
        html = render_template(
            "auth/reset_password.html", invalid=err.message, errors={}, token=token
        )
        return Response(html, status=400)
    if request.method == "GET":
        return Response(
            render_template("auth/reset_password.html", user=user, errors={}, token=token)
        )
    form, errors = parse_form(ResetForm)
    if form is not None and form.password != form.confirm_password:
        errors = {"confirm_password": "The two passwords do not match."}
    if form is not None and not errors:
        try:
            services.set_password(user, form.password)
        except Invalid as err:
            errors = {"password": err.message}
        else:
            flash("Your password has been changed. Sign in with the new one.", "success")
            return redirect(url_for("web_auth.login_page"))
    html = render_template("auth/reset_password.html", user=user, errors=errors, token=token)
    return Response(html, status=400)

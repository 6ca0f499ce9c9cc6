"""The account page: profile, preferences, password and deleting the account.

Profile, preferences and password are HTMX forms: an HTMX request gets back just that form's
block (with its errors or a confirmation), a plain form post gets the page or a redirect, so the
page works without JavaScript too. Invalid input answers 400, which rolls the request back.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import Response, flash, redirect, request, session, url_for
from flask_login import login_user, logout_user
from pydantic import BaseModel, Field, field_validator

from app.auth import services as auth_services
from app.core import limits
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.forms import field_errors, parse_form
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import htmx, limiter
from app.models import User
from app.users import services

bp = surface_blueprint("web_account_settings", __name__, Surface.WEB)

TEMPLATE = "users/account.html"
THEMES = ("auto", "light", "dark")
DELETE_WORD = "DELETE"


class ProfileForm(BaseModel):
    full_name: str = Field(default="", max_length=120)
    email: str = Field(min_length=1, max_length=254)
    bio: str = Field(default="", max_length=2000)
    avatar_url: str = Field(default="", max_length=500)

    @field_validator("avatar_url")
    @classmethod
    def web_address(cls, value: str) -> str:
        value = value.strip()
        if value and not value.lower().startswith(("https://", "http://")):
            raise ValueError("Enter a web address starting with https://, or leave it empty.")
        return value


class PreferencesForm(BaseModel):
    theme: Literal["auto", "light", "dark"] = "auto"
    email_notifications: bool = False  # an unticked checkbox is absent from the form


class PasswordForm(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)
    confirm_password: str = Field(min_length=1, max_length=1024)


class DeleteForm(BaseModel):
    confirmation: str = Field(default="", max_length=100)


def preferences_of(user: User) -> dict[str, Any]:
    prefs = user.preferences or {}
    theme = prefs.get("theme")
    return {
        "theme": theme if theme in THEMES else "auto",
        "email_notifications": bool(prefs.get("email_notifications", True)),
    }


def profile_values(user: User) -> dict[str, str]:
    return {
        "full_name": user.full_name or "",
        "email": user.email,
        "bio": user.bio or "",
        "avatar_url": user.avatar_url or "",
    }


def page(actor: User, *, block: str | None = None, status: int = 200, **overrides: Any) -> Response:
    """The whole page, or one form's block for HTMX; every form starts from the saved values."""
    context: dict[str, Any] = {
        "profile": profile_values(actor),
        "profile_errors": {},
        "profile_saved": False,
        "prefs": preferences_of(actor),
        "prefs_errors": {},
        "prefs_saved": False,
        "password_errors": {},
        "password_saved": False,
        "delete_errors": {},
        "themes": THEMES,
        "delete_word": DELETE_WORD,
    }
    context.update(overrides)
    return respond(template=TEMPLATE, block=block, status=status, **context)


def done(actor: User, block: str, message: str, **overrides: Any) -> Response:
    """HTMX gets the block with its confirmation; a plain post is redirected (post/redirect/get)."""
    if htmx:
        return page(actor, block=block, **overrides)
    flash(message, "success")
    return redirect(url_for("web_account_settings.account_page"))


@bp.get("/account")
@auth_required()
def account_page(actor: User) -> Response:
    return page(actor)


@bp.post("/account/profile")
@auth_required()
def update_profile(actor: User) -> Response:
    form, errors = parse_form(ProfileForm)
    if form is not None:
        try:
            services.update_profile(actor, **form.model_dump())
        except Invalid as err:
            errors = _profile_errors(err)
    if errors:
        return page(
            actor, block="profile_form", status=400,
            profile=request.form.to_dict(), profile_errors=errors,
        )  # fmt: skip
    return done(actor, "profile_form", "Your profile has been saved.", profile_saved=True)


def _profile_errors(err: Invalid) -> dict[str, str]:
    if err.code in ("invalid_email", "email_taken"):
        message = (
            "Enter a valid e-mail address."
            if err.code == "invalid_email"
            else ("Another account already uses this e-mail address.")
        )
        return {"email": message}
    return field_errors(err)


@bp.post("/account/preferences")
@auth_required()
def update_preferences(actor: User) -> Response:
    form, errors = parse_form(PreferencesForm)
    if form is None:
        return page(actor, block="preferences_form", status=400, prefs_errors=errors)
    services.update_profile(actor, preferences=form.model_dump())
    return done(actor, "preferences_form", "Your preferences have been saved.", prefs_saved=True)


@bp.post("/account/password")
@auth_required()
@limiter.limit(limits.PASSWORD_CHANGE, key_func=limits.per_account)
def change_password(actor: User) -> Response:
    form, errors = parse_form(PasswordForm)
    if form is not None:
        if form.new_password != form.confirm_password:
            errors = {"confirm_password": "The two new passwords do not match."}
        else:
            try:
                auth_services.change_password(actor, form.current_password, form.new_password)
            except Invalid as err:
                field = "current_password" if err.code == "wrong_password" else "new_password"
                errors = {field: err.message}
    if errors:
        return page(actor, block="password_form", status=400, password_errors=errors)
    login_user(actor)  # every other session just ended; this one continues with the new stamp
    return done(actor, "password_form", "Your password has been changed.", password_saved=True)


@bp.post("/account/delete")
@auth_required()
def delete_account(actor: User) -> Response:
    form, errors = parse_form(DeleteForm)
    if form is not None and form.confirmation.strip() != DELETE_WORD:
        errors = {"confirmation": f"Type {DELETE_WORD} in capital letters to confirm."}
    if not errors:
        try:
            services.delete_account(actor)
        except Invalid as err:
            errors = {"confirmation": err.message}
    if errors:
        return page(actor, status=400, delete_errors=errors)
    logout_user()
    session.clear()
    flash("Your account and its data have been deleted.", "info")
    return redirect(url_for("web.home"))

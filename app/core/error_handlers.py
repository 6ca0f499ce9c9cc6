"""Every error, from a service, from Werkzeug or unexpected, leaves in the surface's envelope; a
JSON client never receives an HTML error page and a browser never receives raw JSON."""

from __future__ import annotations

import logging

from flask import Flask, Response, redirect, render_template, request, url_for
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.core.envelopes import json_error
from app.core.errors import (
    AppError,
    Invalid,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Unauthorized,
)
from app.core.surfaces import current_surface, wants_json
from app.extensions import db

log = logging.getLogger(__name__)


def render_error(err: AppError) -> Response:
    surface = current_surface()
    if wants_json():
        return json_error(surface, err)
    if isinstance(err, Unauthorized) and request.method == "GET":
        return redirect(url_for("web_auth.login_page", next=request.full_path.rstrip("?")))
    html = render_template("errors/error.html", error=err, status=err.status)
    response = Response(html, status=err.status)
    for key, value in err.headers.items():
        response.headers[key] = value
    return response


def from_http(exc: HTTPException) -> AppError:
    code = exc.code or 500
    if isinstance(exc, CSRFError):
        return Invalid(f"CSRF check failed: {exc.description}", code="csrf")
    if isinstance(exc, RateLimitExceeded):
        return RateLimited(f"Too many requests: limit is {exc.description}")
    if code == 404:
        return NotFound()
    if code == 405:
        allowed = ", ".join(getattr(exc, "valid_methods", None) or [])
        return MethodNotAllowed(headers={"Allow": allowed} if allowed else None)
    if code == 413:
        return PayloadTooLarge()
    if code == 400:
        return Invalid(exc.description or "Bad request")
    err = AppError(exc.description or exc.name)
    err.status = code
    return err


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def handle_app_error(err: AppError) -> Response:
        return render_error(err)

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException) -> Response:
        if exc.code and exc.code < 400:
            return exc.get_response()
        return render_error(from_http(exc))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return render_error(AppError())

"""What every template can use: the signed-in user, their navigation, the CSRF token."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_wtf.csrf import generate_csrf

from app.core import roles as R
from app.core.auth import current_actor
from app.core.errors import AppError
from app.web.nav import nav_for


def register_template_context(app: Flask) -> None:
    @app.context_processor
    def inject() -> dict[str, Any]:
        try:
            actor = current_actor()
        except AppError:
            actor = None
        endpoints = {rule.endpoint for rule in current_app.url_map.iter_rules()}
        return {
            "actor": actor,
            "nav": nav_for(actor, endpoints),
            "csrf_token": generate_csrf,
            "institute_name": current_app.config["INSTITUTE_NAME"],
            "roles": R,
        }

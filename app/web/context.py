"""What every template can use: the signed-in user, their navigation, the CSRF token."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context
from flask_wtf.csrf import generate_csrf

from app.core import roles as R
from app.core.auth import current_actor
from app.core.errors import AppError
from app.web.nav import nav_for


def register_template_context(app: Flask) -> None:
    @app.context_processor
    def inject() -> dict[str, Any]:
        try:
            # jobs render mail templates outside any request (an rq worker has none)
            actor = current_actor() if has_request_context() else None
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

    @app.template_filter("local_time")
    def local_time(value: datetime | None, fmt: str = "%d %b %Y, %H:%M %Z") -> str:
        """A time stored in UTC (naive), shown in the institute's timezone."""
        if value is None:
            return ""
        zone = ZoneInfo(current_app.config["INSTITUTE_TIMEZONE"])
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(zone).strftime(fmt)

    @app.template_filter("trim_decimal")
    def trim_decimal(value: Decimal | float | int | None) -> str:
        """Marks as people write them: 4, 4.5, -1.25 (never 4.00)."""
        if value is None:
            return ""
        number = Decimal(str(value))
        text = f"{number.normalize():f}" if number == number.to_integral_value() else f"{number:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

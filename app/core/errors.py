"""The one error vocabulary. Services raise these; each surface renders them in its envelope."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status = 500
    code = "error"
    default_message = "Internal server error"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details
        self.headers = headers or {}
        self.extra = extra  # surface-specific fields, e.g. limit_reached
        super().__init__(self.message)


class Invalid(AppError):
    """Bad input. `fields` holds pydantic-style errors: {"loc": [...], "msg": ..., "type": ...}."""

    status = 400
    code = "invalid"
    default_message = "Invalid request"

    def __init__(self, message: str | None = None, *, fields: list[dict] | None = None, **kw):
        super().__init__(message, **kw)
        self.fields = fields or []


class Unauthorized(AppError):
    status = 401
    code = "not_authenticated"
    default_message = "Not authenticated"


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    default_message = "Insufficient permissions"


class NotFound(AppError):
    status = 404
    code = "not_found"
    default_message = "Resource not found"


class MethodNotAllowed(AppError):
    status = 405
    code = "method_not_allowed"
    default_message = "Method not allowed"


class Conflict(AppError):
    status = 409
    code = "conflict"
    default_message = "Conflict"


class PayloadTooLarge(AppError):
    status = 413
    code = "too_large"
    default_message = "Upload too large"


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests"


class Unavailable(AppError):
    status = 503
    code = "unavailable"
    default_message = "Service unavailable"


def require(condition: bool, message: str | None = None) -> None:
    """Object-level authorisation in services: `require(exam.owner_id == actor.id)`."""
    if not condition:
        raise Forbidden(message)


class GatewayTimeout(AppError):
    """A service we wait on (the language model) did not answer in time."""

    status = 504
    code = "timeout"
    default_message = "Request timeout"

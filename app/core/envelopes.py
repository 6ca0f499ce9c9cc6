"""Each surface's error envelope, exactly as its document shows it."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from app.core.errors import AppError, Invalid
from app.core.surfaces import Surface

# Where a document words a shared error differently, its wording wins.
MESSAGES: dict[Surface, dict[str, str]] = {
    Surface.PROCTORX: {
        "invalid_credentials": "Invalid username or password",
        "refresh_token_invalid": "Invalid refresh token",
        "refresh_token_expired": "Invalid refresh token",
        "refresh_token_revoked": "Invalid refresh token",
    },
    Surface.BACKEND: {
        "invalid_credentials": "Incorrect username or password",
        "username_taken": "Username or email already registered",
        "email_taken": "Username or email already registered",
    },
    Surface.PN: {
        "invalid_credentials": "Invalid email or password",
    },
}


def message_for(surface: Surface, err: AppError) -> str:
    return MESSAGES.get(surface, {}).get(err.code, err.message)


def backend_detail(fields: list[dict]) -> list[dict[str, Any]]:
    """FastAPI/pydantic-v1 style items, as the Backend document's 422 example shows."""
    items = []
    for f in fields:
        kind = f.get("type", "value_error")
        msg = f.get("msg", "invalid value")
        if kind == "missing":
            kind, msg = "value_error.missing", "field required"
        elif "." not in kind:
            kind = (
                f"value_error.{kind}"
                if not kind.startswith(("type_error", "value_error"))
                else kind
            )
        items.append({"loc": list(f.get("loc", [])), "msg": msg, "type": kind})
    return items


def pn_details(err: AppError) -> Any:
    if isinstance(err, Invalid) and err.fields:
        details: dict[str, list[str]] = {}
        for f in err.fields:
            loc = [str(p) for p in f.get("loc", []) if p not in ("body", "query", "form")]
            details.setdefault(".".join(loc) or "non_field_errors", []).append(f.get("msg", ""))
        return details
    return err.details if err.details is not None else err.message


def error_body(surface: Surface, err: AppError) -> tuple[dict[str, Any] | list, int]:
    status = err.status
    message = message_for(surface, err)
    if surface == Surface.SMARTAIEXAM_AUTH:
        body: dict[str, Any] = {"status": "error", "message": message}
    elif surface == Surface.SMARTAIEXAM:
        body = {"success": False, "message": message}
        if isinstance(err, Invalid) and err.fields:
            body["errors"] = {
                ".".join(str(p) for p in f["loc"] if p not in ("body", "query", "form")): f["msg"]
                for f in err.fields
            }
    elif surface == Surface.ADAPTIVE:
        body = {"error": message}
    elif surface == Surface.PN:
        body = {"error": message, "details": pn_details(err)}
    elif surface == Surface.BACKEND:
        if isinstance(err, Invalid) and err.fields:
            body, status = {"detail": backend_detail(err.fields)}, 422
        else:
            body = {"detail": message}
    else:  # PROCTORX, and JSON asked of a page route
        body = (
            {"ok": False, "error": message}
            if surface == Surface.PROCTORX
            else {
                "success": False,
                "message": message,
            }
        )
    body.update(err.extra)
    return body, status


def json_error(surface: Surface, err: AppError) -> Response:
    body, status = error_body(surface, err)
    response = jsonify(body)
    response.status_code = status
    for key, value in err.headers.items():
        response.headers[key] = value
    return response

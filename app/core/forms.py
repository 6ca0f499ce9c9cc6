"""Web forms reuse the pydantic schemas; errors come back keyed by field for the template."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from app.core.api import parse
from app.core.errors import Invalid

M = TypeVar("M", bound=BaseModel)


def field_errors(err: Invalid) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in err.fields:
        name = ".".join(str(p) for p in f.get("loc", [])[1:]) or "__all__"
        msg = "This field is required." if f.get("type") == "missing" else f.get("msg", "")
        out.setdefault(name, msg)
    if not out:
        out["__all__"] = err.message
    return out


def parse_form(model: type[M]) -> tuple[M | None, dict[str, str]]:
    """(data, {}) when valid, (None, errors) when not."""
    try:
        return parse(model, "form"), {}
    except Invalid as err:
        return None, field_errors(err)

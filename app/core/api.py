"""Input parsing with pydantic, and the metadata the OpenAPI document is generated from.

`@endpoint(body=Model)` parses the request into `body=`, records the schemas on the view, and
turns validation failures into `Invalid`, which each surface renders in its own envelope.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from app.core.errors import Invalid

Source = Literal["json", "form", "query"]
M = TypeVar("M", bound=BaseModel)
_LOC = {"json": "body", "form": "body", "query": "query"}


@dataclass
class ApiDoc:
    summary: str = ""
    body: type[BaseModel] | None = None
    body_source: Source = "json"
    query: type[BaseModel] | None = None
    responses: dict[int, Any] = field(default_factory=dict)
    auth: bool = True
    tags: list[str] = field(default_factory=list)
    extra_bodies: list[tuple[str, type[BaseModel]]] = field(default_factory=list)


def _fields(exc: ValidationError, source: Source) -> list[dict]:
    out = []
    for e in exc.errors(include_url=False):
        out.append({"loc": [_LOC[source], *e["loc"]], "msg": e["msg"], "type": e["type"]})
    return out


def human(fields: list[dict]) -> str:
    """'username is required; age: Input should be a valid integer' for envelopes with one
    message string."""
    parts = []
    for f in fields:
        name = ".".join(str(p) for p in f["loc"][1:]) or "body"
        parts.append(f"{name} is required" if f["type"] == "missing" else f"{name}: {f['msg']}")
    return "; ".join(parts)


def raw_input(source: Source) -> Any:
    if source == "query":
        return {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists()}
    if source == "form":
        return request.form.to_dict()
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(silent=True)
    if data is None:
        raise Invalid(
            "Request body must be valid JSON",
            fields=[{"loc": ["body"], "msg": "Invalid JSON", "type": "json_invalid"}],
        )
    return data


def validate(model: type[M], data: Any, source: Source = "json", message: str | None = None) -> M:
    """Validate data already in hand (a form reshaped by the view, say) like a request body."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = _fields(exc, source)
        raise Invalid(message or human(fields), fields=fields) from None


def parse(model: type[M], source: Source = "json", message: str | None = None) -> M:
    data = raw_input(source)
    if source == "json" and not isinstance(data, dict):
        fields = [{"loc": ["body"], "msg": "Input should be an object", "type": "dict_type"}]
        raise Invalid(message or "Request body must be a JSON object", fields=fields)
    return validate(model, data, source, message)


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def is_form() -> bool:
    return request.mimetype in FORM_TYPES


def parse_body(model: type[M], message: str | None = None) -> M:
    """For routes that pages post forms to and API clients post JSON to."""
    return parse(model, "form" if is_form() else "json", message)


def endpoint(
    summary: str = "",
    *,
    body: type[BaseModel] | None = None,
    form: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    responses: dict[int, Any] | None = None,
    auth: bool = True,
    tags: list[str] | None = None,
    invalid_message: str | None = None,
    parse_input: bool = True,
) -> Callable:
    """Document a JSON route and parse its input. `parse_input=False` documents only, for views
    that choose their parser at run time (one path, two surfaces)."""
    doc = ApiDoc(
        summary=summary,
        body=body or form,
        body_source="form" if form else "json",
        query=query,
        responses=responses or {},
        auth=auth,
        tags=tags or [],
    )

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if parse_input:
                if doc.body is not None:
                    kwargs["body"] = parse(doc.body, doc.body_source, invalid_message)
                if query is not None:
                    kwargs["query"] = parse(query, "query", invalid_message)
            return view(*args, **kwargs)

        wrapper.__api__ = doc  # type: ignore[attr-defined]
        return wrapper

    return decorate

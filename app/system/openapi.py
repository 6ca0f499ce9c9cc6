"""The OpenAPI 3.1 document, generated from the routes and their pydantic schemas, so there is no
hand-written YAML to drift away from the code.

Every rule of `app.url_map` whose view carries `__api__` (set by `app.core.api.endpoint`) becomes
one operation per HTTP method. A view that sends one path to different surfaces by content type
(`/login`, `/token`, `/logout`) is not documented itself: it names the functions it dispatches to
in `__api_variants__`, and their request bodies (one per content type) and responses are merged
into the one operation. The schemas of all models are generated in one pass, so two models with
the same class name in different modules get distinct component names.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import Flask
from pydantic import BaseModel
from werkzeug.routing import Rule
from werkzeug.routing.converters import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UUIDConverter,
)

from app.core.api import ApiDoc
from app.core.surfaces import Surface, blueprint_surface
from app.system.openapi_schemas import (
    SCHEMA_PREFIX,
    Schemas,
    one_of,
    reachable,
    short_names,
    unique,
    walk,
)
from app.system.openapi_surfaces import ERROR_MODELS, SURFACE_NAMES, SURFACE_TITLES

OPENAPI_VERSION = "3.1.0"
CACHE_KEY = "examhall.openapi"

# Views that JSON surfaces' blueprints serve as HTML pages for people; they have no API document.
# A new HTML page outside the WEB surface belongs here (tests/system/test_openapi.py checks).
HTML_PAGES = frozenset({"system.swagger_ui", "system.redoc"})

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
DOC_METHODS = ("GET", *BODY_METHODS)
MEDIA_TYPES = {"json": "application/json", "form": "application/x-www-form-urlencoded"}
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


@dataclass(frozen=True)
class Variant:
    """One documented behaviour of a route: the route's own `__api__`, or one dispatch target."""

    doc: ApiDoc
    func: Callable
    surface: Surface | None


@dataclass(frozen=True)
class Operation:
    rule: Rule
    method: str
    view: Callable
    blueprint: str | None
    variants: tuple[Variant, ...]

    @property
    def path(self) -> str:
        return openapi_path(self.rule)


def openapi_path(rule: Rule) -> str:
    """`/users/<int:user_id>` -> `/users/{user_id}`."""
    return re.sub(r"<(?:[^<>]*:)?([A-Za-z_]\w*)>", r"{\1}", rule.rule)


def is_static(rule: Rule) -> bool:
    return rule.endpoint == "static" or rule.endpoint.endswith(".static")


def blueprint_of(rule: Rule) -> str | None:
    return rule.endpoint.rpartition(".")[0] or None


def undocumented_endpoints(app: Flask) -> list[str]:
    """Routed endpoints outside the WEB surface with neither API metadata nor an HTML-page
    listing: each of them is a JSON route missing from the document."""
    missing = []
    for rule in app.url_map.iter_rules():
        if is_static(rule) or rule.endpoint in HTML_PAGES:
            continue
        if blueprint_surface(blueprint_of(rule)) == Surface.WEB:
            continue
        view = app.view_functions[rule.endpoint]
        if not (hasattr(view, "__api__") or getattr(view, "__api_variants__", None)):
            missing.append(f"{rule.rule} ({rule.endpoint})")
    return sorted(missing)


def operations(app: Flask) -> list[Operation]:
    module_surface = {
        bp.import_name: blueprint_surface(name)
        for name, bp in app.blueprints.items()
        if blueprint_surface(name)
    }
    ops = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if is_static(rule):
            continue
        view = app.view_functions[rule.endpoint]
        blueprint = blueprint_of(rule)
        doc: ApiDoc | None = getattr(view, "__api__", None)
        if doc is not None:
            variants = (Variant(doc, view, blueprint_surface(blueprint)),)
            methods = DOC_METHODS
        elif getattr(view, "__api_variants__", None):
            # Dispatchers document only what their targets accept: the bodies they are sent.
            variants = tuple(
                Variant(f.__api__, f, module_surface.get(f.__module__))
                for f in view.__api_variants__
            )
            methods = BODY_METHODS
        else:
            continue
        for method in methods:
            if method in (rule.methods or ()):
                ops.append(Operation(rule, method, view, blueprint, variants))
    return ops


def _path_parameters(rule: Rule) -> list[dict]:
    params = []
    for name in sorted(rule.arguments, key=rule.rule.find):
        converter = rule._converters.get(name)
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer"}
            if not converter.signed:
                schema["minimum"] = 0
        elif isinstance(converter, FloatConverter):
            schema = {"type": "number"}
        elif isinstance(converter, UUIDConverter):
            schema = {"type": "string", "format": "uuid"}
        elif isinstance(converter, AnyConverter):
            schema = {"type": "string", "enum": sorted(converter.items)}
        elif isinstance(converter, PathConverter):
            schema = {"type": "string", "description": "may contain slashes"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _query_parameters(model: type[BaseModel], schemas: Schemas) -> list[dict]:
    resolved = schemas.resolve(schemas.ref(model, "validation"))
    required = set(resolved.get("required", []))
    params = []
    for name, prop in resolved.get("properties", {}).items():
        param: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": {k: v for k, v in prop.items() if k not in ("title", "description")},
        }
        if prop.get("description"):
            param["description"] = prop["description"]
        params.append(param)
    return params


def _request_body(op: Operation, schemas: Schemas) -> dict | None:
    content: dict[str, list[dict]] = {}
    required = False
    for v in op.variants:
        bodies = [(MEDIA_TYPES.get(v.doc.body_source, "application/json"), v.doc.body)]
        bodies += list(v.doc.extra_bodies)
        for media, model in bodies:
            if model is None:
                continue
            content.setdefault(media, []).append(schemas.ref(model, "validation"))
            fields = getattr(model, "model_fields", None)
            required = required or fields is None or any(f.is_required() for f in fields.values())
    if not content:
        return None
    return {
        "required": required,
        "content": {media: {"schema": one_of(found)} for media, found in content.items()},
    }


def _responses(op: Operation, schemas: Schemas) -> dict:
    by_status: dict[int, dict[str, list[dict]]] = {}
    for v in op.variants:
        for status, value in v.doc.responses.items():
            media = by_status.setdefault(int(status), {})
            if value is None:
                continue
            if isinstance(value, str):  # a media type, e.g. "text/plain" for /metrics
                kind = "object" if value.endswith("json") else "string"
                media.setdefault(value, []).append({"type": kind})
            else:
                media.setdefault("application/json", []).append(schemas.ref(value, "serialization"))
    if not by_status:
        by_status[200] = {}
    out: dict[str, Any] = {}
    for status in sorted(by_status):
        try:
            description = HTTPStatus(status).phrase
        except ValueError:
            description = "Response"
        entry: dict[str, Any] = {"description": description}
        if by_status[status]:
            entry["content"] = {m: {"schema": one_of(s)} for m, s in by_status[status].items()}
        out[str(status)] = entry
    errors = [
        schemas.ref(ERROR_MODELS[v.surface], "serialization")
        for v in op.variants
        if v.surface in ERROR_MODELS
    ]
    if errors:
        out["default"] = {
            "description": "Error, in this API's envelope",
            "content": {"application/json": {"schema": one_of(errors)}},
        }
    return out


def _describe(op: Operation) -> tuple[str, str]:
    """Summary and description: the `@endpoint` summary and the view's docstring; a dispatcher's
    variants each get a line naming their surface and content type."""
    if len(op.variants) == 1:
        v = op.variants[0]
        doc = inspect.getdoc(v.func) or ""
        return v.doc.summary or doc.partition("\n")[0] or op.rule.endpoint, doc
    names = [SURFACE_NAMES[v.surface] if v.surface else "Web" for v in op.variants]
    summary = " | ".join(
        f"{name}: {v.doc.summary}" for name, v in zip(names, op.variants, strict=True)
    )
    lines = ["One path, several APIs: the request's content type decides."]
    for name, v in zip(names, op.variants, strict=True):
        media = MEDIA_TYPES.get(v.doc.body_source, "application/json")
        lines.append(f"- `{media}`: {name}. {v.doc.summary}")
    return summary, "\n".join(lines)


def _operation(op: Operation, operation_id: str, schemas: Schemas) -> dict:
    summary, description = _describe(op)
    tags = unique(
        t for v in op.variants for t in ([v.surface.value] if v.surface else []) + list(v.doc.tags)
    )
    if op.blueprint and op.blueprint not in tags:
        tags.append(op.blueprint)
    out: dict[str, Any] = {"operationId": operation_id, "summary": summary, "tags": tags}
    roles = unique(
        r
        for v in (op.view, *(v.func for v in op.variants))
        for r in getattr(v, "__auth_roles__", ())
    )
    if roles:
        description = (
            (description + "\n\n" if description else "") + "Roles: " + ", ".join(roles) + "."
        )
        out["x-roles"] = roles
    if description:
        out["description"] = description
    params = _path_parameters(op.rule)
    for v in op.variants:
        if v.doc.query is not None:
            params += [p for p in _query_parameters(v.doc.query, schemas) if p not in params]
    if params:
        out["parameters"] = params
    if op.method in BODY_METHODS:
        body = _request_body(op, schemas)
        if body is not None:
            out["requestBody"] = body
    out["responses"] = _responses(op, schemas)
    out["security"] = SECURITY if any(v.doc.auth for v in op.variants) else []
    return out


def _operation_ids(ops: list[Operation]) -> list[str]:
    per_rule: dict[int, int] = {}  # Rule defines __eq__ but no __hash__
    for op in ops:
        per_rule[id(op.rule)] = per_rule.get(id(op.rule), 0) + 1
    ids: list[str] = []
    for op in ops:
        base = op.rule.endpoint.replace(".", "_")
        if per_rule[id(op.rule)] > 1:
            base += "_" + op.method.lower()
        candidate, n = base, 1
        while candidate in ids:
            n += 1
            candidate = f"{base}_{n}"
        ids.append(candidate)
    return ids


def _wanted(ops: list[Operation]) -> list[tuple[Any, str]]:
    wanted: list[tuple[Any, str]] = [(m, "serialization") for m in ERROR_MODELS.values()]
    for op in ops:
        for v in op.variants:
            for model in (v.doc.body, v.doc.query, *(m for _, m in v.doc.extra_bodies)):
                if model is not None:
                    wanted.append((model, "validation"))
            for value in v.doc.responses.values():
                if value is not None and not isinstance(value, str):
                    wanted.append((value, "serialization"))
    return wanted


def build(app: Flask) -> dict:
    ops = operations(app)
    schemas = Schemas(_wanted(ops))
    paths: dict[str, dict] = {}
    for op, operation_id in zip(ops, _operation_ids(ops), strict=True):
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, operation_id, schemas)
    components = reachable(paths, dict(schemas.defs))
    surfaces = {s.value: s for s in Surface}
    blueprints = set(app.blueprints)
    used = {t for item in paths.values() for o in item.values() for t in o["tags"]}
    # the APIs first, in the order DESIGN.md lists them; then topic tags; then blueprints
    tags = [s.value for s in Surface if s.value in used] + sorted(
        used - set(surfaces), key=lambda t: (t in blueprints, t.lower())
    )
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": f"{app.config.get('INSTITUTE_NAME') or 'Examhall'} API",
            "version": str(app.config.get("APP_VERSION", "0.1.0")),
            "description": (
                "Examhall serves five documented JSON APIs on one model layer; operations are "
                "tagged with the API (surface) they belong to and with their blueprint. Errors "
                "come back in each API's own envelope (the `default` response). Every operation "
                "that needs a user accepts a Bearer access token or the web session cookie; a "
                "state-changing request made with the cookie must also send `X-CSRFToken`."
            ),
        },
        "tags": [
            {"name": t, "description": SURFACE_TITLES[surfaces[t]]}
            if t in surfaces
            else {"name": t}
            for t in tags
        ],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "cookieAuth": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": app.config.get("SESSION_COOKIE_NAME", "session"),
                    "description": "The web session (sign in at /login).",
                },
            },
        },
    }
    rename = short_names(list(components))
    if rename:
        for node in walk(document):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.removeprefix(SCHEMA_PREFIX) in rename:
                node["$ref"] = SCHEMA_PREFIX + rename[ref.removeprefix(SCHEMA_PREFIX)]
        document["components"]["schemas"] = {
            rename.get(name, name): schema for name, schema in sorted(components.items())
        }
    return document


def document(app: Flask) -> dict:
    """The document, built once per app (routes do not change after start-up)."""
    if CACHE_KEY not in app.extensions:
        app.extensions[CACHE_KEY] = build(app)
    return app.extensions[CACHE_KEY]

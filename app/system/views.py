"""System endpoints of the Backend document (003_…, "System Endpoints"): /health, /system/info,
/metrics, and the API documentation generated from the routes: /openapi.json, /docs, /redoc.
None of them needs authentication."""

from __future__ import annotations

import logging
from typing import Literal

from flask import Response, current_app, render_template
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app import llm
from app.core.api import endpoint
from app.core.respond import respond
from app.core.security import CSP
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import db
from app.system import metrics, openapi

log = logging.getLogger(__name__)
bp = surface_blueprint("system", __name__, Surface.BACKEND)


def csp_with(**directives: str) -> str:
    """The site-wide policy with some directives replaced or added (`worker_src="'self'"`)."""
    policy = dict(d.split(" ", 1) for d in CSP.split("; "))
    policy |= {name.replace("_", "-"): value for name, value in directives.items()}
    return "; ".join(f"{name} {value}" for name, value in policy.items())


# The documentation pages load nothing from elsewhere, not even images: ReDoc's side menu would
# otherwise fetch its vendor's logo from a CDN (blocked, it hides itself). ReDoc also builds its
# search index in a Web Worker created from a blob: URL.
DOCS_CSP = csp_with(img_src="'self' data:")
REDOC_CSP = csp_with(img_src="'self' data:", worker_src="'self' blob:")


class HealthOut(BaseModel):
    status: Literal["ok"] = "ok"


class HealthDownOut(BaseModel):
    status: Literal["error"] = "error"
    detail: str = Field(examples=["database unavailable"])


class SystemInfoOut(BaseModel):
    version: str = Field(examples=["0.1.0"])
    llm_provider: str = Field(examples=["groq"])
    llm_model: str = Field(examples=["llama-3.3-70b-versatile"])
    status: Literal["ok"] = "ok"
    llm_configured: bool = Field(description="Whether a Groq API key is set")


@bp.get("/health")
@endpoint(
    "Health check: 200 while the database answers, 503 when it does not",
    responses={200: HealthOut, 503: HealthDownOut},
    auth=False,
)
def health() -> Response:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.warning("health check: database unavailable", exc_info=True)
        db.session.rollback()
        return respond({"status": "error", "detail": "database unavailable"}, status=503)
    return respond({"status": "ok"})


@bp.get("/system/info")
@endpoint("Version and LLM configuration", responses={200: SystemInfoOut}, auth=False)
def system_info() -> Response:
    cfg = current_app.config
    return respond(
        {
            "version": cfg["APP_VERSION"],
            "llm_provider": llm.provider(),
            "llm_model": llm.model(),
            "status": "ok",
            "llm_configured": llm.is_configured(),
        }
    )


@bp.get("/metrics")
@endpoint(
    "Prometheus metrics: request counts by method, route and status; latency histograms",
    responses={200: "text/plain"},
    auth=False,
)
def prometheus_metrics() -> Response:
    body, content_type = metrics.exposition(current_app._get_current_object())
    return Response(body, content_type=content_type, headers={"Cache-Control": "no-store"})


@bp.get("/openapi.json")
@endpoint(
    "This API's OpenAPI 3.1 document, generated from the routes",
    responses={200: "application/json"},
    auth=False,
)
def openapi_json() -> Response:
    return respond(openapi.document(current_app._get_current_object()))


@bp.get("/docs")
def swagger_ui() -> Response:
    """Swagger UI over /openapi.json; vendored assets, started by static/js/swagger-init.js."""
    response = Response(render_template("system/swagger_ui.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.get("/redoc")
def redoc() -> Response:
    """ReDoc over /openapi.json; vendored assets, started by static/js/redoc-init.js."""
    response = Response(render_template("system/redoc.html"))
    response.headers["Content-Security-Policy"] = REDOC_CSP
    return response

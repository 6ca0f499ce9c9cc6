"""Users analytics (000_…, "Analytics, result data, PDF download"): the two JSON endpoints, the
results list (page, HTMX table fragment with `partial=1`, or JSON), the result sheet PDF, the
staff analytics page and each exam's item analysis. Staff only: teachers see the exams they
manage, admins every exam; students get 403 like every admin route."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from flask import Response, request, url_for
from jinja2_fragments.flask import render_block

from app.analytics import filters as filtering
from app.analytics import item_analysis, pdf, services
from app.analytics.schemas import (
    DataOut,
    DataQuery,
    ItemAnalysisOut,
    ResultsOut,
    ResultsQuery,
    StatsOut,
)
from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.errors import Forbidden
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.exams.access import AUTHOR_ROLES, can_manage, manageable_exam
from app.extensions import htmx
from app.models import User
from app.results.services import viewable_result

bp = surface_blueprint("sae_analytics", __name__, Surface.SMARTAIEXAM)
TAGS = ["SmartAIExam admin: analytics"]
PAGE = "analytics/dashboard.html"
RESULTS_PAGE = "analytics/results.html"
ITEMS_PAGE = "analytics/item_analysis.html"


def _data_filters(actor: User, query: DataQuery) -> filtering.DataFilters:
    return filtering.data_filters(
        actor,
        time_period=query.timePeriod,
        exam=query.exam,
        start_date=query.startDate,
        end_date=query.endDate,
    )


def _result_filters(actor: User, query: ResultsQuery) -> filtering.ResultFilters:
    return filtering.result_filters(
        actor,
        user=query.user,
        exam=query.exam,
        date_from=query.dateFrom,
        date_to=query.dateTo,
        page=query.page,
        per_page=query.per_page,
    )


@bp.get("/admin/api/users-analytics/stats")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Counts: users, exams, results, responses (over the exams the caller manages)",
    responses={200: StatsOut, 401: None, 403: None},
    tags=TAGS,
)
def stats(actor: User) -> Response:
    return respond({"success": True, **services.stats(actor)})


@bp.get("/admin/api/users-analytics/data")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Score distribution, top performers, exam stats and recent activity, filtered",
    query=DataQuery,
    responses={200: DataOut, 400: None, 401: None, 403: None, 404: None},
    tags=TAGS,
)
def data(actor: User, query: DataQuery) -> Response:
    filters = _data_filters(actor, query)
    return respond({"success": True, **services.data(actor, filters)})


def _results_json(page: Any, filters: filtering.ResultFilters) -> dict[str, Any]:
    return {
        "success": True,
        "results": services.result_lines(page),
        "pagination": page.meta(),
        "filters": {**filters.params(), "exam": filters.exam_id},
    }


@bp.get("/admin/users-analytics/results")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Paginated results; partial=1 returns the table as an HTML fragment",
    query=ResultsQuery,
    responses={200: ResultsOut, 400: None, 401: None, 403: None, 404: None},
    tags=TAGS,
)
def results(actor: User, query: ResultsQuery) -> Response:
    filters = _result_filters(actor, query)
    page = services.results(actor, filters)
    on_results_page = query.partial != "1" or _from_results_page()
    context = {
        "page": page,
        "lines": services.result_lines(page),
        "filters": filters,
        "exams": services.manageable_exams(actor),
        "push_url": on_results_page,
    }
    if query.partial == "1":
        # The documented fragment: the table alone, whoever asks (htmx or a plain fetch).
        response = Response(render_block(RESULTS_PAGE, "results_table", **context))
        response.vary.add("HX-Request")
        if on_results_page:  # the address bar follows the filters and the page, for reloads
            kept = {k: v for k, v in filters.params().items() if v}
            response.headers["HX-Push-Url"] = url_for(
                "sae_analytics.results", **kept, **({"page": page.page} if page.page > 1 else {})
            )
        return response
    body = _results_json(page, filters)
    return respond(body, template=RESULTS_PAGE, block="results_table", **context)


def _from_results_page() -> bool:
    """An htmx request made by the results page itself (not by the analytics dashboard, which
    shows the same table under its own address)."""
    if not request.headers.get("HX-Request"):
        return False
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path == url_for("sae_analytics.results")


@bp.get("/admin/users-analytics/download-result/<int:result_id>")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "The result sheet as PDF (embedded Unicode fonts)",
    responses={200: None, 401: None, 403: None, 404: None},
    tags=TAGS,
)
def download_result(actor: User, result_id: int) -> Response:
    result = viewable_result(actor, result_id)
    if not can_manage(actor, result.exam):
        raise Forbidden("You can only download results of exams you manage")
    content = pdf.result_pdf(result, viewer=actor)
    filename = pdf.filename(result)
    return Response(
        content,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/admin/users-analytics")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "The analytics page; htmx gets the filtered panel, API clients the stats and data as JSON",
    query=DataQuery,
    responses={200: DataOut, 400: None, 401: None, 403: None, 404: None},
    tags=TAGS,
)
def page(actor: User, query: DataQuery) -> Response:
    if (query.timePeriod or "").strip().lower() == "custom" and not (
        query.startDate or query.endDate
    ):
        # The page's period menu: "Between dates" chosen, dates not yet; all time until then.
        query = query.model_copy(update={"timePeriod": "all"})
        filters = replace(_data_filters(actor, query), time_period="custom")
    else:
        filters = _data_filters(actor, query)
    analytics = services.data(actor, filters)
    counts = services.stats(actor)
    result_filters = filtering.ResultFilters(exam_id=filters.exam_id)
    result_page = services.results(actor, result_filters)
    context = {
        "counts": counts,
        "analytics": analytics,
        "filters": filters,
        "exams": services.manageable_exams(actor),
        "page": result_page,
        "lines": services.result_lines(result_page),
        "result_filters": result_filters,
        "periods": PERIOD_CHOICES,
    }
    block = "data_panel" if htmx else None
    return respond(
        {"success": True, "stats": counts, **analytics}, template=PAGE, block=block, **context
    )


PERIOD_CHOICES = (
    ("all", "All time"),
    ("today", "Today"),
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("365d", "Last year"),
    ("custom", "Between dates"),
)


@bp.get("/admin/exams/<int:exam_id>/analytics")
@auth_required(*AUTHOR_ROLES)
@endpoint(
    "Item analysis of one exam: facility, discrimination, option choices; mean, median, "
    "standard deviation and Cronbach's alpha (first submitted attempt per student)",
    responses={200: ItemAnalysisOut, 401: None, 403: None, 404: None},
    tags=TAGS,
)
def exam_analytics(actor: User, exam_id: int) -> Response:
    exam = manageable_exam(actor, exam_id)
    analysis = item_analysis.analyse_exam(exam)
    body = {"success": True, **item_analysis.as_json(exam, analysis)}
    return respond(body, template=ITEMS_PAGE, exam=exam, analysis=analysis)

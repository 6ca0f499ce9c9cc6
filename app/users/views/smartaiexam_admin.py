"""SmartAIExam access requests and user administration (000_…: "Auth JSON Endpoints" and the
user and request parts of "Admin JSON APIs"), plus the HTMX admin pages that use them. The admin
POST routes serve API clients and the pages alike (app.core.actions.perform)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request

from app.core import limits
from app.core import roles as R
from app.core.actions import page_number, perform
from app.core.api import endpoint, is_form, parse_body, validate
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.pagination import Page, paginate
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import limiter
from app.models import User
from app.users import access_requests
from app.users import services as users
from app.users.presenters import access_request, admin_user
from app.users.sae_schemas import (
    ApproveIn,
    BulkUpdateRolesIn,
    BulkUpdateRolesOut,
    DecisionOut,
    DenyIn,
    RequestsListOut,
    RequestsListQuery,
    RequestsStatsOut,
    SubmitAccessRequestIn,
    SubmitAccessRequestOut,
    UpdateRoleIn,
    UpdateRoleOut,
    UsersSearchOut,
    UsersSearchQuery,
    UsersStatsOut,
    ValidateUserIn,
    ValidateUserOut,
)

public_bp = surface_blueprint("sae_access_requests", __name__, Surface.SMARTAIEXAM)
admin_bp = surface_blueprint("sae_admin_users", __name__, Surface.SMARTAIEXAM)
pages_bp = surface_blueprint("admin_pages", __name__, Surface.WEB, url_prefix="/admin")

USERS_TEMPLATE = "users/admin_users.html"
REQUESTS_TEMPLATE = "users/admin_requests.html"
ADMIN_TAGS = ["SmartAIExam admin"]


# Public: access requests --------------------------------------------------------------------


@public_bp.post("/api/validate-user-for-request")
@endpoint(
    "Validate user before submitting access request",
    body=ValidateUserIn,
    responses={200: ValidateUserOut, 404: None},
    auth=False,
)
@limiter.limit(limits.ACCESS_REQUEST)
def validate_user_for_request(body: ValidateUserIn) -> Response:
    result = access_requests.validate_user_for_request(body.username, body.email)
    return respond({"success": True, **result})


@public_bp.post("/api/submit-access-request")
@endpoint(
    "Submit admin/role access request",
    body=SubmitAccessRequestIn,
    responses={200: SubmitAccessRequestOut, 400: None, 404: None},
    auth=False,
)
@limiter.limit(limits.ACCESS_REQUEST)
def submit_access_request(body: SubmitAccessRequestIn) -> Response:
    req = access_requests.submit(
        username=body.username,
        email=body.email,
        requested_access=body.requested_access,
        reason=body.user_reason,
        current_access_claimed=body.current_access,
    )
    return respond({"success": True, "message": "Request submitted.", "request_id": req.id})


# Admin: users -------------------------------------------------------------------------------


def _search(
    q: str, role: str | None, page: int | None, per_page: int | None = None, *, clamp: bool = False
) -> Page:
    result = paginate(users.sae_search(q, role), page, per_page)
    if clamp and result.page > result.pages:  # a page emptied by a role change: show the last
        result = paginate(users.sae_search(q, role), result.pages, per_page)
    return result


def _users_data(result: Page) -> dict[str, Any]:
    return {
        "success": True,
        "users": [admin_user(u) for u in result.items],
        "pagination": result.meta(),
    }


def _users_context(
    q: str = "", role: str | None = None, page: Any = 1, per_page: Any = None, **extra: Any
) -> dict[str, Any]:
    role = role if role in users.SAE_ROLE_FILTERS else None
    result = _search(q or "", role, page_number(page), page_number(per_page, 0) or None, clamp=True)
    return {
        "result": result,
        "users": [admin_user(u) for u in result.items],
        "q": q or "",
        "role": role or "",
        "stats": users.sae_role_stats(),
        "role_choices": R.SMARTAIEXAM_ROLES,
        "message": None,
        "error": None,
        **extra,
    }


def _users_state() -> dict[str, Any]:
    return {
        "q": request.values.get("q", ""),
        "role": request.values.get("role") or None,
        "page": page_number(request.values.get("page")),
    }


def _perform_on_users(act: Callable[[], dict[str, Any]]) -> Response:
    return perform(
        act,
        template=USERS_TEMPLATE,
        block="panel",
        context=_users_context,
        page_endpoint="admin_pages.users_page",
        state=_users_state(),
    )


@admin_bp.get("/admin/api/users/search")
@auth_required(R.ADMIN)
@endpoint(
    "Paginated user search. role filter: user | admin | both",
    query=UsersSearchQuery,
    responses={200: UsersSearchOut},
    tags=ADMIN_TAGS,
)
def search_users(actor: User, query: UsersSearchQuery) -> Response:
    return respond(_users_data(_search(query.q, query.role, query.page, query.per_page)))


@admin_bp.get("/admin/api/users/stats")
@auth_required(R.ADMIN)
@endpoint("Role counts", responses={200: UsersStatsOut}, tags=ADMIN_TAGS)
def users_stats(actor: User) -> Response:
    return respond({"success": True, **users.sae_role_stats()})


@admin_bp.post("/admin/users/update-role")
@auth_required(R.ADMIN)
@endpoint(
    "Update role. Roles: user | admin | user,admin",
    body=UpdateRoleIn,
    responses={200: UpdateRoleOut, 400: None, 404: None},
    tags=ADMIN_TAGS,
    parse_input=False,  # JSON from API clients, a form from the users page
)
def update_role(actor: User) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(UpdateRoleIn)
        user = users.update_role(actor, body.user_id, body.new_role)
        role = R.surface_role(user.roles, R.SMARTAIEXAM)
        return {
            "success": True,
            "message": f"Role of {user.username} updated to {role}.",
            "user": admin_user(user),
        }

    return _perform_on_users(act)


def _bulkparse_body() -> BulkUpdateRolesIn:
    if not is_form():
        return parse_body(BulkUpdateRolesIn)
    # The users page: ticked rows (`user_ids`) and one role for all of them.
    ids = list(dict.fromkeys(request.form.getlist("user_ids")))
    if not ids:
        raise Invalid("Select at least one user first.", code="empty_updates")
    new_role = request.form.get("new_role", "")
    return validate(
        BulkUpdateRolesIn, {"updates": [{"user_id": i, "new_role": new_role} for i in ids]}
    )


@admin_bp.post("/admin/users/bulk-update-roles")
@auth_required(R.ADMIN)
@endpoint(
    "Bulk update roles, all or nothing",
    body=BulkUpdateRolesIn,
    responses={200: BulkUpdateRolesOut, 400: None, 404: None},
    tags=ADMIN_TAGS,
    parse_input=False,
)
def bulk_update_roles(actor: User) -> Response:
    def act() -> dict[str, Any]:
        body = _bulkparse_body()
        changed = users.bulk_update_roles(actor, [(u.user_id, u.new_role) for u in body.updates])
        noun = "user" if len(changed) == 1 else "users"
        return {
            "success": True,
            "message": f"Roles updated for {len(changed)} {noun}.",
            "updated": len(changed),
            "users": [admin_user(u) for u in changed],
        }

    return _perform_on_users(act)


# Admin: access requests ---------------------------------------------------------------------


def _requests_data(result: Page) -> dict[str, Any]:
    return {
        "success": True,
        "requests": [access_request(r) for r in result.items],
        "pagination": result.meta(),
    }


def _list_requests(
    status: str | None, page: int | None, per_page: int | None = None, *, clamp: bool = False
) -> Page:
    result = access_requests.list_requests(status, page, per_page)
    if clamp and result.page > result.pages:
        result = access_requests.list_requests(status, result.pages, per_page)
    return result


def _requests_context(status: str | None = None, page: Any = 1, **extra: Any) -> dict[str, Any]:
    status = status if status in access_requests.STATUSES else access_requests.PENDING
    result = _list_requests(status, page_number(page), clamp=True)
    return {
        "result": result,
        "requests": [access_request(r) for r in result.items],
        "tab": status,  # not "status": respond() takes that for the HTTP status
        "statuses": access_requests.STATUSES,
        "counts": access_requests.stats(),
        "role_choices": R.SMARTAIEXAM_ROLES,
        "message": None,
        "error": None,
        **extra,
    }


def _requests_state() -> dict[str, Any]:
    return {
        "status": request.values.get("status") or None,
        "page": page_number(request.values.get("page")),
    }


def _perform_on_requests(act: Callable[[], dict[str, Any]]) -> Response:
    return perform(
        act,
        template=REQUESTS_TEMPLATE,
        block="panel",
        context=_requests_context,
        page_endpoint="admin_pages.requests_page",
        state=_requests_state(),
    )


@admin_bp.get("/admin/api/requests/list")
@auth_required(R.ADMIN)
@endpoint(
    "Paginated requests. status: pending | completed | denied",
    query=RequestsListQuery,
    responses={200: RequestsListOut},
    tags=ADMIN_TAGS,
)
def list_requests(actor: User, query: RequestsListQuery) -> Response:
    return respond(_requests_data(_list_requests(query.status, query.page, query.per_page)))


@admin_bp.get("/admin/api/requests/stats")
@auth_required(R.ADMIN)
@endpoint("Request counts", responses={200: RequestsStatsOut}, tags=ADMIN_TAGS)
def requests_stats(actor: User) -> Response:
    return respond({"success": True, **access_requests.stats()})


@admin_bp.post("/admin/requests/approve/<int:request_id>")
@auth_required(R.ADMIN)
@endpoint(
    "Approve an access request",
    body=ApproveIn,
    responses={200: DecisionOut, 400: None, 404: None, 409: None},
    tags=ADMIN_TAGS,
    parse_input=False,
)
def approve_request(actor: User, request_id: int) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(ApproveIn)
        req = access_requests.approve(actor, request_id, body.approved_access)
        # The SmartAIExam string hides the internal admin role ("user,admin" either way), so
        # the message also names the Examhall roles the user now holds.
        held = ", ".join(R.ordered(req.user.roles))
        return {
            "success": True,
            "message": (
                f"Request approved: {req.user.username} now has {req.approved_access} access "
                f"(Examhall roles: {held})."
            ),
            "request": access_request(req),
        }

    return _perform_on_requests(act)


@admin_bp.post("/admin/requests/deny/<int:request_id>")
@auth_required(R.ADMIN)
@endpoint(
    "Deny an access request",
    body=DenyIn,
    responses={200: DecisionOut, 400: None, 404: None, 409: None},
    tags=ADMIN_TAGS,
    parse_input=False,
)
def deny_request(actor: User, request_id: int) -> Response:
    def act() -> dict[str, Any]:
        body = parse_body(DenyIn)
        req = access_requests.deny(actor, request_id, body.reason)
        return {
            "success": True,
            "message": f"Request from {req.user.username} denied.",
            "request": access_request(req),
        }

    return _perform_on_requests(act)


# HTMX pages ---------------------------------------------------------------------------------


@pages_bp.get("/accounts")
@auth_required(R.ADMIN)
@endpoint(
    "Users page: the full page, its panel for HTMX, or the search result as JSON",
    query=UsersSearchQuery,
    responses={200: UsersSearchOut},
    tags=ADMIN_TAGS,
)
def users_page(actor: User, query: UsersSearchQuery) -> Response:
    if query.role and query.role not in users.SAE_ROLE_FILTERS:
        users.sae_portal_clause(query.role)  # raises the documented 400
    context = _users_context(query.q, query.role, query.page, query.per_page)
    return respond(
        _users_data(context["result"]), template=USERS_TEMPLATE, block="panel", **context
    )


@pages_bp.get("/access-requests")
@auth_required(R.ADMIN)
@endpoint(
    "Access requests page: the full page, its panel for HTMX, or the list as JSON",
    query=RequestsListQuery,
    responses={200: RequestsListOut},
    tags=ADMIN_TAGS,
)
def requests_page(actor: User, query: RequestsListQuery) -> Response:
    if query.status and query.status not in access_requests.STATUSES:
        access_requests.list_requests(query.status)  # raises the documented 400
    context = _requests_context(query.status, query.page)
    return respond(
        _requests_data(context["result"]), template=REQUESTS_TEMPLATE, block="panel", **context
    )

"""Access requests (000_…: "Auth JSON Endpoints" and "Admin JSON APIs"): a user asks for a
SmartAIExam role they lack, an admin approves or denies it. Roles change only on approval, and
only through the role table (`roles_for`), so "admin" means the admin portal (a teacher unless
the user already holds a staff role), never the internal admin role.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.core import roles as R
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.pagination import Page, paginate
from app.extensions import db
from app.models import AccessRequest, User, utcnow
from app.users import services as users

PENDING, COMPLETED, DENIED = "pending", "completed", "denied"
STATUSES = (PENDING, COMPLETED, DENIED)
MAX_REASON = 2000


def current_access(user: User) -> str:
    return R.surface_role(user.roles, R.SMARTAIEXAM) or "user"


def available_requests(user: User) -> list[str]:
    """The SmartAIExam role strings that would give the user a portal they do not have yet."""
    held = set(R.portals(user.roles))
    return [
        value
        for value in ("admin", "user,admin", "user")
        if not (R.parse_smartaiexam_role(value) or set()) <= held
    ]


def has_pending(user: User) -> bool:
    stmt = (
        select(func.count())
        .select_from(AccessRequest)
        .where(AccessRequest.user_id == user.id, AccessRequest.status == PENDING)
    )
    return bool(db.session.scalar(stmt))


def _user_for(username: str, email: str) -> User:
    """The account with this username and this e-mail; one without the other is not enough."""
    user = users.by_username(username or "")
    if user is None or user.email != (email or "").strip().lower():
        raise NotFound("User not found")
    return user


def validate_user_for_request(username: str, email: str) -> dict[str, Any]:
    user = _user_for(username, email)
    available = available_requests(user)
    pending = has_pending(user)
    return {
        "user": {"username": user.username, "current_access": current_access(user)},
        "available_requests": available,
        "has_pending_request": pending,
        "can_request": bool(available) and not pending,
    }


def canonical(value: str) -> str | None:
    """'admin, user' -> 'user,admin'; None when not a SmartAIExam role string."""
    parts = R.parse_smartaiexam_role(value) if isinstance(value, str) else None
    if parts is None:
        return None
    return ",".join(p for p in ("user", "admin") if p in parts)


def submit(
    *,
    username: str,
    email: str,
    requested_access: str,
    reason: str = "",
    current_access_claimed: str | None = None,
) -> AccessRequest:
    """File a pending request. The current access recorded is the server's view, whatever the
    client claimed (`current_access_claimed` is accepted and ignored)."""
    user = _user_for(username, email)
    wanted = canonical(requested_access)
    if wanted is None:
        raise Invalid(
            f"Invalid requested_access '{requested_access}'. {users.SAE_ROLES_HELP}",
            code="invalid_role",
            fields=[
                {
                    "loc": ["body", "requested_access"],
                    "msg": users.SAE_ROLES_HELP,
                    "type": "value_error",
                }
            ],
        )
    if has_pending(user):
        raise Invalid("Already has pending request", code="pending_exists")
    if wanted not in available_requests(user):
        raise Invalid(f"Already has {wanted} access", code="already_has_access")
    target = R.roles_for(R.SMARTAIEXAM, wanted, user.roles) or set()
    request = AccessRequest(
        user_id=user.id,
        current_access=current_access(user),
        requested_access=wanted,
        requested_roles=R.ordered(target - user.roles),
        user_reason=(reason or "").strip()[:MAX_REASON],
        status=PENDING,
    )
    db.session.add(request)
    db.session.flush()
    return request


def list_requests(
    status: str | None = PENDING, page: int | None = 1, per_page: int | None = None
) -> Page:
    """Newest first for pending (what arrived last), most recently decided first otherwise."""
    status = status or PENDING
    if status not in STATUSES:
        raise Invalid(
            "Invalid status. Use pending | completed | denied",
            code="invalid_status",
            fields=[
                {
                    "loc": ["query", "status"],
                    "msg": "must be pending, completed or denied",
                    "type": "value_error",
                }
            ],
        )
    stmt = select(AccessRequest).where(AccessRequest.status == status)
    if status == PENDING:
        stmt = stmt.order_by(AccessRequest.created_at.desc(), AccessRequest.id.desc())
    else:
        stmt = stmt.order_by(AccessRequest.decided_at.desc(), AccessRequest.id.desc())
    return paginate(stmt, page, per_page)


def stats() -> dict[str, int]:
    rows = db.session.execute(
        select(AccessRequest.status, func.count()).group_by(AccessRequest.status)
    ).all()
    counts = {status: 0 for status in STATUSES}
    for status, n in rows:
        if status in counts:
            counts[status] = n
    return {**counts, "total": sum(n for _, n in rows)}


def get(request_id: int, *, for_update: bool = False) -> AccessRequest:
    request = db.session.get(AccessRequest, request_id, with_for_update=for_update)
    if request is None:
        raise NotFound("Request not found")
    return request


def _decidable(actor: User, request_id: int) -> AccessRequest:
    if not actor.has_role(R.ADMIN):
        raise Forbidden("Only an admin can decide access requests")
    request = get(request_id, for_update=True)  # two admins deciding at once: one waits
    if request.status != PENDING:
        raise Conflict(f"Request already {request.status}", code="already_decided")
    return request


def approve(actor: User, request_id: int, approved_access: str | None = None) -> AccessRequest:
    """With `approved_access`, the user ends up with exactly that SmartAIExam role; without it,
    the roles the request asked for are added to the ones the user holds."""
    request = _decidable(actor, request_id)
    user = request.user
    if approved_access is None:
        extra = set(request.requested_roles or []) or (
            R.roles_for(R.SMARTAIEXAM, request.requested_access, user.roles) or set()
        )
        new_roles = set(user.roles) | extra
    else:
        new_roles = users.sae_roles(approved_access, user.roles, loc=["body", "approved_access"])
    users.set_roles(actor, user, new_roles)
    request.status = COMPLETED
    request.approved_access = R.surface_role(new_roles, R.SMARTAIEXAM)
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    db.session.flush()
    return request


def deny(actor: User, request_id: int, reason: str = "") -> AccessRequest:
    request = _decidable(actor, request_id)
    request.status = DENIED
    request.admin_reason = (reason or "").strip()[:MAX_REASON]
    request.decided_by_id = actor.id
    request.decided_at = utcnow()
    db.session.flush()
    return request


def decided_by(request: AccessRequest) -> User | None:
    return db.session.get(User, request.decided_by_id) if request.decided_by_id else None

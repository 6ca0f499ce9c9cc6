"""How SmartAIExam's admin APIs and pages show users and access requests."""

from __future__ import annotations

from typing import Any

from app.core import roles as R
from app.core.jsonprovider import iso
from app.models import AccessRequest, User
from app.users import access_requests


def admin_user(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "full_name": user.full_name,
        "role": R.surface_role(user.roles, R.SMARTAIEXAM),
        "roles": R.ordered(user.roles),  # Examhall's own roles, which "admin" hides
        "created_at": iso(user.created_at),
        "last_login_at": iso(user.last_login_at),
    }


def access_request(req: AccessRequest) -> dict[str, Any]:
    decider = access_requests.decided_by(req)
    return {
        "id": req.id,
        "user_id": req.user_id,
        "username": req.user.username,
        "email": req.user.email,
        "full_name": req.user.full_name,
        "current_access": req.current_access,
        "requested_access": req.requested_access,
        # The Examhall roles an approval without approved_access adds. SmartAIExam's vocabulary
        # cannot say "internal admin" (a Backend ADMIN sign-up shows as "user,admin"), so this
        # is where an admin sees that approving as requested grants full administrator rights.
        "requested_roles": R.ordered(req.requested_roles or []),
        "user_reason": req.user_reason,
        "status": req.status,
        "approved_access": req.approved_access,
        "admin_reason": req.admin_reason,
        "decided_by": decider.username if decider else None,
        "created_at": iso(req.created_at),
        "decided_at": iso(req.decided_at),
    }

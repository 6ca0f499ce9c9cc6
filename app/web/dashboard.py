"""What each role's dashboard shows. Exams here are listed only; the exam domain owns them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from app.attempts import catalogue
from app.core import roles as R
from app.exams.access import AUTHOR_ROLES
from app.exams.services import visible
from app.extensions import db
from app.models import AccessRequest, Exam, User

RECENT = 10


def summary(actor: User) -> dict[str, Any]:
    context: dict[str, Any] = {
        "is_staff": R.is_staff(actor.roles),
        "is_admin": actor.has_role(R.ADMIN),
        "is_author": actor.has_role(*AUTHOR_ROLES),  # a proctor is staff but writes no exams
    }
    if context["is_author"]:
        mine = visible(actor)  # owned and co-owned; every exam for admins
        context["exams"] = list(
            db.session.scalars(mine.order_by(Exam.created_at.desc()).limit(RECENT))
        )
    if actor.has_role(R.STUDENT):
        context["student_exams"] = catalogue.student_exams(actor)
        context["by_category"] = catalogue.by_category
    if context["is_admin"]:
        context["pending_requests"] = db.session.scalar(
            select(func.count()).select_from(AccessRequest).where(AccessRequest.status == "pending")
        )
        context["user_count"] = db.session.scalar(select(func.count()).select_from(User))
    return context

"""Who may author what: teachers and managers manage the exams they own or co-own, admins manage
every exam; proctors and students author nothing. Every service that touches an exam or its
questions goes through here, so the rule lives in one place."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true

from app.core import roles as R
from app.core.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Exam, User, exam_co_owners

AUTHOR_ROLES = (R.TEACHER, R.MANAGER, R.ADMIN)


def require_author(actor: User) -> None:
    if not actor.has_role(*AUTHOR_ROLES):
        raise Forbidden("Only teachers and admins manage exams")


def can_manage(actor: User, exam: Exam) -> bool:
    if actor.has_role(R.ADMIN):
        return True
    if not actor.has_role(R.TEACHER, R.MANAGER):
        return False
    return exam.owner_id == actor.id or any(u.id == actor.id for u in exam.co_owners)


def manageable_exam(actor: User, exam_id: int) -> Exam:
    """The exam, if this actor may change it: 404 when it does not exist, 403 when it is not
    theirs (an author learns that another's exam exists; a student is refused before that)."""
    require_author(actor)
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise NotFound("Exam not found")
    if not can_manage(actor, exam):
        raise Forbidden("You can only manage your own or co-owned exams")
    return exam


def manageable_clause(actor: User) -> ColumnElement[bool]:
    """can_manage as SQL, for lists over many exams: every exam for admins, owned or co-owned
    ones for teachers and managers."""
    require_author(actor)
    if actor.has_role(R.ADMIN):
        return true()
    co_owned = select(exam_co_owners.c.exam_id).where(exam_co_owners.c.user_id == actor.id)
    return or_(Exam.owner_id == actor.id, Exam.id.in_(co_owned))

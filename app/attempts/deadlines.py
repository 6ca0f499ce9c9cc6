"""Keeping open attempts' deadlines true to the rule (the earlier of start + duration + the
student's extra time, and the exam's end) when a teacher changes one of those while students are
sitting the exam."""

from __future__ import annotations

from sqlalchemy import select

from app.attempts import rules
from app.extensions import db
from app.models import Attempt, AttemptAllowance, Exam
from app.models.attempts import IN_PROGRESS


def refresh(exam: Exam, user_id: int | None = None) -> int:
    """Recompute the open attempts of this exam (of one student, or all); how many moved."""
    stmt = select(Attempt).where(Attempt.exam_id == exam.id, Attempt.status == IN_PROGRESS)
    if user_id is not None:
        stmt = stmt.where(Attempt.user_id == user_id)
    attempts = list(db.session.scalars(stmt))
    if not attempts:
        return 0
    extra = dict(
        db.session.execute(
            select(AttemptAllowance.user_id, AttemptAllowance.extra_minutes).where(
                AttemptAllowance.exam_id == exam.id,
                AttemptAllowance.user_id.in_({a.user_id for a in attempts}),
            )
        ).all()
    )
    moved = 0
    for attempt in attempts:
        deadline = rules.deadline(exam, attempt.started_at, extra.get(attempt.user_id, 0))
        if deadline != attempt.deadline_at:
            attempt.deadline_at = deadline
            moved += 1
    db.session.flush()
    return moved

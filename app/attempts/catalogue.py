"""A student's exams as their dashboard shows them: available now, upcoming, and past, grouped
by category, with attempts left and results. Three queries whatever the number of exams: the
published exams, the student's attempt counts, and their results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.attempts import rules
from app.extensions import db
from app.models import Attempt, AttemptAllowance, Exam, Result, User, utcnow
from app.models.attempts import IN_PROGRESS
from app.results.services import is_visible, visible_at

AVAILABLE, IN_PROGRESS_STATE, UPCOMING, PAST = "available", "in_progress", "upcoming", "past"
UNCATEGORISED = "Other exams"


@dataclass
class ExamCard:
    exam: Exam
    state: str
    allowed: int | None
    used: int
    open_attempt: Attempt | None
    latest: Result | None
    latest_visible: bool
    latest_visible_at: datetime | None

    @property
    def remaining(self) -> int | None:
        return rules.remaining(self.allowed, self.used)

    @property
    def category(self) -> str:
        return self.exam.category.name if self.exam.category else UNCATEGORISED


def _card(exam: Exam, now: datetime, used: int, *, allowance, open_attempt, latest) -> ExamCard:
    allowed = rules.allowed_attempts(exam, allowance)
    window = rules.window(exam, now)
    if open_attempt is not None and not rules.overdue(open_attempt, now):
        state = IN_PROGRESS_STATE
    elif window == rules.UPCOMING:
        state = UPCOMING
    elif window == rules.OPEN and (allowed is None or used < allowed):
        state = AVAILABLE
    else:
        state = PAST
    return ExamCard(
        exam=exam,
        state=state,
        allowed=allowed,
        used=used,
        open_attempt=open_attempt if state == IN_PROGRESS_STATE else None,
        latest=latest,
        latest_visible=latest is not None and is_visible(latest, exam, now),
        latest_visible_at=visible_at(latest, exam) if latest is not None else None,
    )


def student_exams(actor: User, now: datetime | None = None) -> dict[str, list[ExamCard]]:
    now = now or utcnow()
    exams = list(
        db.session.scalars(
            select(Exam)
            .where(Exam.status == "published")
            .options(selectinload(Exam.category))
            .order_by(Exam.starts_at, Exam.id)
        )
    )
    used = dict(
        db.session.execute(
            select(Attempt.exam_id, func.count())
            .where(Attempt.user_id == actor.id)
            .group_by(Attempt.exam_id)
        ).all()
    )
    open_attempts = {
        a.exam_id: a
        for a in db.session.scalars(
            select(Attempt).where(Attempt.user_id == actor.id, Attempt.status == IN_PROGRESS)
        )
    }
    allowances = {
        a.exam_id: a
        for a in db.session.scalars(
            select(AttemptAllowance).where(AttemptAllowance.user_id == actor.id)
        )
    }
    latest: dict[int, Result] = {}
    for result in db.session.scalars(
        select(Result).where(Result.user_id == actor.id).order_by(Result.submitted_at)
    ):
        latest[result.exam_id] = result
    cards: dict[str, list[ExamCard]] = defaultdict(list)
    for exam in exams:
        card = _card(
            exam,
            now,
            used.get(exam.id, 0),
            allowance=allowances.get(exam.id),
            open_attempt=open_attempts.get(exam.id),
            latest=latest.get(exam.id),
        )
        cards[card.state].append(card)
    cards[PAST].sort(
        key=lambda c: c.latest.submitted_at if c.latest else c.exam.ends_at or now, reverse=True
    )
    return {state: cards.get(state, []) for state in (IN_PROGRESS_STATE, AVAILABLE, UPCOMING, PAST)}


def by_category(cards: list[ExamCard]) -> list[tuple[str, list[ExamCard]]]:
    groups: dict[str, list[ExamCard]] = defaultdict(list)
    for card in cards:
        groups[card.category].append(card)
    return sorted(groups.items(), key=lambda kv: (kv[0] == UNCATEGORISED, kv[0].lower()))


def card_for(actor: User, exam: Exam, now: datetime | None = None) -> ExamCard:
    """One exam's card, for the exam's own page."""
    now = now or utcnow()
    used = db.session.scalar(
        select(func.count()).where(Attempt.exam_id == exam.id, Attempt.user_id == actor.id)
    )
    open_attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.exam_id == exam.id, Attempt.user_id == actor.id, Attempt.status == IN_PROGRESS
        )
    )
    latest = db.session.scalar(
        select(Result)
        .where(Result.exam_id == exam.id, Result.user_id == actor.id)
        .order_by(Result.submitted_at.desc())
        .limit(1)
    )
    allowance = db.session.get(AttemptAllowance, (exam.id, actor.id))
    return _card(
        exam, now, used or 0, allowance=allowance, open_attempt=open_attempt, latest=latest
    )

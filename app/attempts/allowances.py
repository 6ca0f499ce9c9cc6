"""Teachers' changes to what one student may do on one exam: attempts reset, added or taken
away, and extra time. Past attempts and results are never deleted; "reset" gives the student the
exam's full allowance again on top of what they used.

The search lists (student, exam) pairs with the attempts used and allowed, computed in SQL so
the unlimited/available/exhausted filter and the pagination agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, literal, or_, select, union
from sqlalchemy.orm import aliased

from app.attempts import deadlines, rules
from app.core import roles as R
from app.core.errors import Invalid, NotFound
from app.core.pagination import Page, clamp
from app.exams.access import manageable_clause, manageable_exam
from app.extensions import db
from app.models import Attempt, AttemptAllowance, Exam, User, UserRole, utcnow
from app.models.attempts import IN_PROGRESS

ACTIONS = ("reset", "increase", "decrease")
STATUSES = ("unlimited", "available", "exhausted")
MAX_AMOUNT = 100
MAX_EXTRA_MINUTES = 1440
MAX_BULK = 500


@dataclass(frozen=True)
class Change:
    student: User
    exam: Exam
    allowance: AttemptAllowance
    used: int
    message: str


def _allowance(exam_id: int, user_id: int) -> AttemptAllowance:
    found = db.session.get(AttemptAllowance, (exam_id, user_id))
    if found is None:
        found = AttemptAllowance(
            exam_id=exam_id, user_id=user_id, extra_attempts=0, extra_minutes=0
        )
        db.session.add(found)
    return found


def _student(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"Student {user_id} not found")
    return user


def _used(exam_id: int, user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(Attempt.exam_id == exam_id, Attempt.user_id == user_id)
        )
        or 0
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _apply(actor: User, exam: Exam, student: User, action: str, amount: int) -> Change:
    if not exam.max_attempts:
        raise Invalid(f"“{exam.name}” allows unlimited attempts: there is nothing to change.")
    allowance = _allowance(exam.id, student.id)
    used = _used(exam.id, student.id)
    before = rules.allowed_attempts(exam, allowance) or 0
    if action == "reset":
        allowance.extra_attempts = used
    elif action == "increase":
        allowance.extra_attempts += amount
    else:
        # Never below what was used: a decrease takes away attempts not yet taken.
        floor = used - exam.max_attempts
        allowance.extra_attempts = max(floor, allowance.extra_attempts - amount)
    allowance.updated_by_id = actor.id
    allowance.updated_at = utcnow()
    after = rules.allowed_attempts(exam, allowance) or 0
    left = max(0, after - used)
    name = student.display_name
    if action == "reset":
        message = f"{name} can take “{exam.name}” {_plural(left, 'more time')}."
    elif after == before:
        message = f"{name} had no attempts left to take away at “{exam.name}”."
    else:
        verb = "gets" if after > before else "loses"
        message = (
            f"{name} {verb} {_plural(abs(after - before), 'attempt')} at “{exam.name}” "
            f"({_plural(left, 'attempt')} left)."
        )
    return Change(student, exam, allowance, used, message)


def _check(action: str, amount: int | None) -> int:
    if action not in ACTIONS:
        raise Invalid(
            "action must be reset, increase or decrease",
            fields=[
                {
                    "loc": ["body", "action"],
                    "msg": "Choose reset, increase or decrease.",
                    "type": "invalid",
                }
            ],
        )
    if action == "reset":
        return 0
    value = 1 if amount is None else amount
    if not 1 <= value <= MAX_AMOUNT:
        raise Invalid(
            f"amount must be from 1 to {MAX_AMOUNT}",
            fields=[
                {
                    "loc": ["body", "amount"],
                    "msg": f"Enter a whole number from 1 to {MAX_AMOUNT}.",
                    "type": "invalid",
                }
            ],
        )
    return value


def modify(actor: User, student_id: int, exam_id: int, action: str, amount: int | None) -> Change:
    value = _check(action, amount)
    exam = manageable_exam(actor, exam_id)
    change = _apply(actor, exam, _student(student_id), action, value)
    db.session.flush()
    return change


def bulk_modify(
    actor: User, items: Sequence[tuple[int, int]], action: str, amount: int | None
) -> list[Change]:
    """All or nothing: every pair is checked before any changes, and a problem with one names
    it and changes none."""
    value = _check(action, amount)
    if not items:
        raise Invalid("Choose at least one student and exam.")
    if len(items) > MAX_BULK:
        raise Invalid(f"At most {MAX_BULK} items at a time.")
    pairs = list(dict.fromkeys(items))
    changes = []
    for student_id, exam_id in pairs:
        exam = manageable_exam(actor, exam_id)
        changes.append(_apply(actor, exam, _student(student_id), action, value))
    db.session.flush()
    return changes


def set_extra_time(actor: User, student_id: int, exam_id: int, minutes: int) -> Change:
    """Extra minutes on every attempt of this student at this exam, the open one included
    (its deadline moves now; never past the exam's end)."""
    if not 0 <= minutes <= MAX_EXTRA_MINUTES:
        raise Invalid(
            f"minutes must be from 0 to {MAX_EXTRA_MINUTES}",
            fields=[
                {
                    "loc": ["body", "minutes"],
                    "msg": f"Enter a whole number of minutes from 0 to {MAX_EXTRA_MINUTES}.",
                    "type": "invalid",
                }
            ],
        )
    exam = manageable_exam(actor, exam_id)
    student = _student(student_id)
    allowance = _allowance(exam.id, student.id)
    allowance.extra_minutes = minutes
    allowance.updated_by_id = actor.id
    allowance.updated_at = utcnow()
    db.session.flush()
    deadlines.refresh(exam, student.id)
    message = (
        f"{student.display_name} has {minutes} extra minutes at “{exam.name}”."
        if minutes
        else f"{student.display_name} has no extra time at “{exam.name}”."
    )
    return Change(student, exam, allowance, _used(exam.id, student.id), message)


# Search ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    student_id: int
    username: str
    full_name: str
    exam_id: int
    exam_name: str
    max_attempts: int
    extra_attempts: int
    allowed: int | None
    used: int
    in_progress: bool
    extra_minutes: int
    last_attempt_at: datetime | None

    @property
    def remaining(self) -> int | None:
        return rules.remaining(self.allowed, self.used)

    @property
    def status(self) -> str:
        return rules.status(self.allowed, self.used)

    def as_dict(self) -> dict[str, Any]:
        return {
            "student_id": self.student_id,
            "username": self.username,
            "full_name": self.full_name,
            "exam_id": self.exam_id,
            "exam_name": self.exam_name,
            "max_attempts": self.max_attempts,
            "extra_attempts": self.extra_attempts,
            "allowed_attempts": self.allowed,
            "used_attempts": self.used,
            "attempts_remaining": self.remaining,
            "status": self.status,
            "in_progress": self.in_progress,
            "extra_minutes": self.extra_minutes,
            "last_attempt_at": self.last_attempt_at,
        }


def _pairs(actor: User, exam_id: int | None, student_id: int | None = None) -> Select:
    """(user_id, exam_id) pairs to list: one pair, every student for one exam, or everyone
    with an attempt or an allowance on the exams this actor manages."""
    if exam_id is not None:
        manageable_exam(actor, exam_id)
        if student_id is not None:
            return select(literal(student_id).label("user_id"), literal(exam_id).label("exam_id"))
        students = select(
            UserRole.user_id.label("user_id"), literal(exam_id).label("exam_id")
        ).where(UserRole.role == R.STUDENT)
        return students
    managed = select(Exam.id).where(manageable_clause(actor))
    return union(
        select(Attempt.user_id.label("user_id"), Attempt.exam_id.label("exam_id")).where(
            Attempt.exam_id.in_(managed)
        ),
        select(
            AttemptAllowance.user_id.label("user_id"), AttemptAllowance.exam_id.label("exam_id")
        ).where(AttemptAllowance.exam_id.in_(managed)),
    )


def search(
    actor: User,
    *,
    q: str = "",
    exam_id: int | None = None,
    status: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
    student_id: int | None = None,
) -> Page:
    """A page of rows, by student then exam."""
    if status and status not in STATUSES:
        raise Invalid(
            "status must be unlimited, available or exhausted",
            fields=[
                {
                    "loc": ["query", "status"],
                    "msg": "Choose unlimited, available or exhausted.",
                    "type": "invalid",
                }
            ],
        )
    pairs = _pairs(actor, exam_id, student_id).subquery()
    counts = (
        select(
            Attempt.user_id,
            Attempt.exam_id,
            func.count().label("used"),
            func.max(Attempt.started_at).label("last"),
            func.sum(case((Attempt.status == IN_PROGRESS, 1), else_=0)).label("open"),
        )
        .group_by(Attempt.user_id, Attempt.exam_id)
        .subquery()
    )
    allowance = aliased(AttemptAllowance)
    used = func.coalesce(counts.c.used, 0)
    extra = func.coalesce(allowance.extra_attempts, 0)
    allowed = Exam.max_attempts + extra
    status_expr = case(
        (Exam.max_attempts == 0, "unlimited"),
        (used >= allowed, "exhausted"),
        else_="available",
    )
    stmt = (
        select(
            User.id,
            User.username,
            User.full_name,
            Exam.id,
            Exam.name,
            Exam.max_attempts,
            extra,
            used,
            func.coalesce(counts.c.open, 0),
            func.coalesce(allowance.extra_minutes, 0),
            counts.c.last,
        )
        .select_from(pairs)
        .join(User, User.id == pairs.c.user_id)
        .join(Exam, Exam.id == pairs.c.exam_id)
        .outerjoin(
            counts, (counts.c.user_id == pairs.c.user_id) & (counts.c.exam_id == pairs.c.exam_id)
        )
        .outerjoin(
            allowance,
            (allowance.user_id == pairs.c.user_id) & (allowance.exam_id == pairs.c.exam_id),
        )
    )
    text = (q or "").strip().lower()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.full_name).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(Exam.name).like(pattern, escape="\\"),
            )
        )
    if status:
        stmt = stmt.where(status_expr == status)
    page, per_page = clamp(page, per_page)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(page, pages)
    rows = db.session.execute(
        stmt.order_by(func.lower(User.username), Exam.name, Exam.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    out = []
    for (
        uid,
        username,
        full_name,
        eid,
        name,
        max_attempts,
        extra_n,
        used_n,
        open_n,
        minutes,
        last,
    ) in rows:
        out.append(
            Row(
                student_id=uid,
                username=username,
                full_name=full_name,
                exam_id=eid,
                exam_name=name,
                max_attempts=max_attempts,
                extra_attempts=extra_n,
                allowed=None if not max_attempts else max(0, max_attempts + extra_n),
                used=used_n,
                in_progress=bool(open_n),
                extra_minutes=minutes,
                last_attempt_at=last,
            )
        )
    return Page(items=out, page=page, per_page=per_page, total=total)


def row_for(actor: User, student_id: int, exam_id: int) -> Row:
    """One pair's row, as the search shows it, for the page's row refresh and API replies."""
    rows = search(actor, exam_id=exam_id, student_id=student_id).items
    if not rows:
        raise NotFound(f"Student {student_id} not found")
    return rows[0]

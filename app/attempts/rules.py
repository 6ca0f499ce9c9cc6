"""The rules of sitting an exam that do not need the database: when an exam is open, how many
attempts a student has, and when an attempt's time is up. Services and pages both ask here, so
the dashboard never promises what the start endpoint refuses."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.models import Attempt, AttemptAllowance, Exam

# Syncs are accepted this long after the deadline: a busy server, or a slow school network,
# must not cost a student the answers they gave in their last seconds.
GRACE = timedelta(seconds=60)

UPCOMING, OPEN, CLOSED = "upcoming", "open", "closed"


def window(exam: Exam, now: datetime) -> str:
    """Whether a published exam can be started now. No start date means not scheduled yet."""
    if exam.starts_at is None or now < exam.starts_at:
        return UPCOMING
    if exam.ends_at is not None and now >= exam.ends_at:
        return CLOSED
    return OPEN


def allowed_attempts(exam: Exam, allowance: AttemptAllowance | None) -> int | None:
    """Attempts this student may make in all; None when the exam allows any number."""
    if not exam.max_attempts:
        return None
    extra = allowance.extra_attempts if allowance else 0
    return max(0, exam.max_attempts + extra)


def remaining(allowed: int | None, used: int) -> int | None:
    return None if allowed is None else max(0, allowed - used)


def status(allowed: int | None, used: int) -> str:
    """The admin search's vocabulary: unlimited, available or exhausted."""
    if allowed is None:
        return "unlimited"
    return "available" if used < allowed else "exhausted"


def deadline(exam: Exam, started_at: datetime, extra_minutes: int = 0) -> datetime:
    """The earlier of start + duration (+ the student's extra time) and the exam's end."""
    end = started_at + timedelta(minutes=exam.duration_minutes + max(0, extra_minutes))
    if exam.ends_at is not None:
        end = min(end, exam.ends_at)
    return end.replace(microsecond=0)


def accepts_sync(attempt: Attempt, now: datetime) -> bool:
    return now <= attempt.deadline_at + GRACE


def overdue(attempt: Attempt, now: datetime) -> bool:
    """Open past its deadline and its grace: to be submitted with its last saved answers."""
    return attempt.status == "in_progress" and now > attempt.deadline_at + GRACE


def seconds_left(attempt: Attempt, now: datetime) -> int:
    return max(0, int((attempt.deadline_at - now).total_seconds()))

"""Sitting an exam: start or resume, save answers, submit, and the attempts status (closing and
scoring an attempt is closing.py). Services flush and never commit; the request (or the job)
commits.

Three promises shape this module:
- Nothing a student saved is lost. Answers are written to the attempt row on every sync; a sync
  is acknowledged only after its UPDATE matched the open attempt, and submission reads the
  answers from the very row it closes (UPDATE ... RETURNING), so an acknowledged answer is
  always scored.
- The clock is the server's. The deadline is fixed at start (and moved only by a teacher's
  extra time or a change to the exam's end); syncs are taken up to a grace after it.
- Retries are safe. Syncs carry a sequence number and only a newer one changes anything;
  starting twice resumes; submitting twice returns the same result.
"""

from __future__ import annotations

import contextlib
import functools
import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from app.attempts import answers as answer_rules
from app.attempts import hot, paper, rules
from app.attempts.closing import finalize
from app.core import roles as R
from app.core.auth import ClaimedIdentity, verified
from app.core.database import run_autocommit
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.transaction import keep_on_error
from app.exams import schedule
from app.extensions import db
from app.models import (
    Attempt,
    AttemptAllowance,
    Exam,
    Result,
    User,
    utcnow,
)
from app.models.attempts import IN_PROGRESS, SUBMITTED

SUBMITTED_MESSAGE = "This attempt has been submitted; its answers can no longer change."
TIME_UP_MESSAGE = (
    "Time is up: your attempt was submitted with the answers saved before the deadline."
)


# Finding things ----------------------------------------------------------------------------


def takeable_exam(actor: User, exam_id: int) -> Exam:
    """A published exam, for a student. Drafts and archived exams do not exist for students."""
    exam = db.session.get(Exam, exam_id)
    if exam is None or exam.status != "published":
        raise NotFound("Exam not found")
    if not actor.has_role(R.STUDENT):
        raise Forbidden("Only students take exams. Sign in with a student account.")
    return exam


def allowance_for(exam_id: int, user_id: int) -> AttemptAllowance | None:
    return db.session.get(AttemptAllowance, (exam_id, user_id))


def attempts_used(exam_id: int, user_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(Attempt.exam_id == exam_id, Attempt.user_id == user_id)
        )
        or 0
    )


def open_attempt(exam_id: int, user_id: int, now: datetime | None = None) -> Attempt | None:
    """The student's attempt in progress, submitting it first if its time ran out (the "next
    access" half of the automatic submission; the periodic job is the other)."""
    now = now or utcnow()
    attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.exam_id == exam_id, Attempt.user_id == user_id, Attempt.status == IN_PROGRESS
        )
    )
    if attempt is not None and rules.overdue(attempt, now):
        finalize(attempt.id, "timeout", now)
        keep_on_error()
        return None
    return attempt


def latest_submitted(exam_id: int, user_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt)
        .where(Attempt.exam_id == exam_id, Attempt.user_id == user_id, Attempt.status == SUBMITTED)
        .order_by(Attempt.number.desc())
        .limit(1)
    )


# Starting ----------------------------------------------------------------------------------


def start(
    actor: User, exam_id: int, now: datetime | None = None, rng: random.Random | None = None
) -> tuple[Attempt, bool]:
    """The open attempt (resumed: True) or a new one (False)."""
    now = now or utcnow()
    exam = takeable_exam(actor, exam_id)
    attempt = open_attempt(exam.id, actor.id, now)
    if attempt is not None:
        return attempt, True
    state = rules.window(exam, now)
    if state == rules.UPCOMING:
        when = schedule.to_local(exam.starts_at)
        raise Invalid(
            f"This exam opens at {when:%d %b %Y, %H:%M %Z}."
            if when
            else "This exam is not scheduled yet."
        )
    if state == rules.CLOSED:
        raise Invalid("This exam has closed.")
    allowance = allowance_for(exam.id, actor.id)
    allowed = rules.allowed_attempts(exam, allowance)
    used = attempts_used(exam.id, actor.id)
    if allowed is not None and used >= allowed:
        raise Invalid(f"Max attempts ({allowed}) reached")
    sheet, _cached = paper.paper_for(exam)
    if not sheet.questions:
        raise Invalid("This exam has no questions yet.")
    order, layout = paper.new_layout(exam, sheet, rng or random.SystemRandom())
    attempt = Attempt(
        exam_id=exam.id,
        user_id=actor.id,
        number=used + 1,
        status=IN_PROGRESS,
        started_at=now.replace(microsecond=0),
        deadline_at=rules.deadline(exam, now, allowance.extra_minutes if allowance else 0),
        submit_reason="",
        answers={},
        marked=[],
        seq=0,
        question_ids=order,
        layout=layout,
    )
    db.session.add(attempt)
    try:
        db.session.flush()
    except IntegrityError:
        # Another request of this student's started the same attempt a moment ago (a double
        # click, two tabs): theirs stands and this one resumes it.
        db.session.rollback()
        existing = open_attempt(exam_id, actor.id, now)
        if existing is None:
            raise Conflict("The exam was started from another window; reload the page.") from None
        return existing, True
    return attempt, False


# Saving answers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    saved: bool  # False: a newer sync was already stored; this one changed nothing
    seq: int
    saved_at: datetime
    deadline_at: datetime | None = None


def _entry(identity: ClaimedIdentity, exam_id: int, now: datetime) -> hot.OpenAttempt:
    """The open attempt's id and layout, from this process's memory or the database."""
    entry = hot.lookup(exam_id, identity.user_id)
    if entry is not None:
        return entry
    user = verified(identity)
    attempt = open_attempt(exam_id, user.id, now)
    if attempt is None:
        _no_open_attempt(exam_id, user.id)
    return hot.remember(exam_id, user.id, hot.OpenAttempt(attempt.id, dict(attempt.layout)))


def _no_open_attempt(exam_id: int, user_id: int) -> None:
    if latest_submitted(exam_id, user_id) is not None:
        raise Conflict(SUBMITTED_MESSAGE, submitted=True)
    raise Conflict("You have no attempt in progress for this exam. Start the exam first.")


@functools.cache
def _save_statement(with_marks: bool, with_seq: bool) -> Any:
    """The sync's UPDATE, built once per shape: constructing and cache-keying a statement costs
    more than running it on the exam-day hot path."""
    values: dict[str, Any] = {
        "answers": bindparam("p_answers", type_=Attempt.__table__.c.answers.type),
        "synced_at": bindparam("p_now"),
        "seq": bindparam("p_seq") if with_seq else Attempt.seq + 1,
    }
    if with_marks:
        values["marked"] = bindparam("p_marked", type_=Attempt.__table__.c.marked.type)
    stmt = (
        update(Attempt)
        .where(
            Attempt.id == bindparam("p_attempt"),
            Attempt.user_id == bindparam("p_user"),
            Attempt.status == IN_PROGRESS,
            Attempt.deadline_at >= bindparam("p_cutoff"),
            exists().where(User.id == bindparam("p_user"), User.auth_stamp == bindparam("p_stamp")),
        )
        .values(**values)
        .returning(Attempt.seq, Attempt.deadline_at)
        .execution_options(synchronize_session=False)
    )
    if with_seq:
        stmt = stmt.where(Attempt.seq < bindparam("p_seq"))
    return stmt


def _write(
    entry: hot.OpenAttempt,
    *,
    identity: ClaimedIdentity,
    cleaned: dict[str, Any],
    marks: list[int] | None,
    seq: int | None,
    now: datetime,
) -> Any:
    """One UPDATE that saves the answers only if the attempt is still open, within its grace,
    the sequence number is newer, and the account's auth stamp still matches: the whole
    authorisation of a sync, checked by the database in the statement that writes."""
    stmt = _save_statement(marks is not None, seq is not None)
    params: dict[str, Any] = {
        "p_answers": cleaned,
        "p_now": now,
        "p_attempt": entry.attempt_id,
        "p_user": identity.user_id,
        "p_cutoff": now - rules.GRACE,
        "p_stamp": identity.stamp,
    }
    if marks is not None:
        params["p_marked"] = marks
    if seq is not None:
        params["p_seq"] = seq
    if db.session.registry.has() and db.session().in_transaction():  # this request already read
        return db.session.execute(stmt, params).first()
    # The hot path: the statement is the whole transaction, so it runs in autocommit (one
    # round trip instead of BEGIN, UPDATE, COMMIT) and is durable before the reply says "saved".
    return run_autocommit(stmt, params)


def sync(
    identity: ClaimedIdentity,
    exam_id: int,
    answers: Any,
    *,
    marked: Any = None,
    seq: int | None = None,
    now: datetime | None = None,
) -> Saved:
    """Store the student's answers (the whole set, as the player holds it). Without `seq`
    every sync is taken as the newest, as SmartAIExam clients expect."""
    now = (now or utcnow()).replace(microsecond=0)
    entry = _entry(identity, exam_id, now)
    cleaned, marks = answer_rules.clean(answers, marked, entry.layout)
    stored = _write(entry, identity=identity, cleaned=cleaned, marks=marks, seq=seq, now=now)
    if stored is not None:
        return Saved(True, stored.seq, now, stored.deadline_at)
    # Nothing matched: find out why from the database (the rare path).
    hot.forget(exam_id, identity.user_id)
    user = verified(identity)
    attempt = db.session.get(Attempt, entry.attempt_id, populate_existing=True)
    if attempt is None or attempt.status != IN_PROGRESS:
        current = open_attempt(exam_id, user.id, now)
        if current is None:
            _no_open_attempt(exam_id, user.id)
        return sync(
            identity, exam_id, answers, marked=marked, seq=seq, now=now
        )  # a newer attempt is open
    if rules.overdue(attempt, now):
        finalize(attempt.id, "timeout", now)
        keep_on_error()
        raise Conflict(TIME_UP_MESSAGE, submitted=True)
    return Saved(False, attempt.seq, attempt.synced_at or now, attempt.deadline_at)


def save_if_open(
    identity: ClaimedIdentity,
    exam_id: int,
    answers: Any,
    *,
    marked: Any = None,
    seq: int | None = None,
) -> Saved | None:
    """The ordinary sync and nothing else, for the exam-day fast path
    (app/attempts/views/fast_sync.py): this process already knows the open attempt, the answers
    are valid, and the one UPDATE saved them. In every other case it returns None having written
    nothing, and the request goes to `sync`, which finds out why and says so."""
    entry = hot.lookup(exam_id, identity.user_id)
    if entry is None:
        return None
    try:
        cleaned, marks = answer_rules.clean(answers, marked, entry.layout)
    except Invalid:
        return None
    now = utcnow().replace(microsecond=0)
    stored = _write(entry, identity=identity, cleaned=cleaned, marks=marks, seq=seq, now=now)
    if stored is None:
        return None
    return Saved(True, stored.seq, now, stored.deadline_at)


# Submitting --------------------------------------------------------------------------------


def submit(
    actor: User,
    exam_id: int,
    final: dict[str, Any] | None = None,
    identity: ClaimedIdentity | None = None,
    now: datetime | None = None,
) -> Result:
    """Close the student's attempt and score it. `final` is an optional last sync sent with
    the submission (the player sends what it holds); a stale one is ignored. Idempotent: a
    second submission returns the first one's result."""
    now = (now or utcnow()).replace(microsecond=0)
    takeable_exam(actor, exam_id)
    attempt = open_attempt(exam_id, actor.id, now)
    if attempt is None:
        last = latest_submitted(exam_id, actor.id)
        if last is None or last.result is None:
            raise Invalid("You have not started this exam.")
        return last.result
    if final and identity is not None and "answers" in final:
        # A Conflict means it closed meanwhile: finalize below returns that result.
        with contextlib.suppress(Conflict):
            sync(
                identity,
                exam_id,
                final["answers"],
                marked=final.get("markedForReview"),
                seq=final.get("seq"),
                now=now,
            )
    return finalize(attempt.id, "student", now)


# Status ------------------------------------------------------------------------------------


def attempts_status(actor: User, exam_id: int, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    exam = takeable_exam(actor, exam_id)
    attempt = open_attempt(exam.id, actor.id, now)
    used = attempts_used(exam.id, actor.id)
    allowed = rules.allowed_attempts(exam, allowance_for(exam.id, actor.id))
    completed = used - (1 if attempt else 0)
    return {
        "has_active_attempt": attempt is not None,
        "attempt_id": attempt.id if attempt else None,
        "attempt_number": attempt.number if attempt else None,
        "start_time": f"{attempt.started_at:%Y-%m-%d %H:%M:%S}" if attempt else None,
        "completed_count": completed,
        "max_attempts": allowed if allowed is not None else 0,
        "attempts_remaining": rules.remaining(allowed, used),
        "unlimited": allowed is None,
        "deadline_at": attempt.deadline_at if attempt else None,
        "seconds_left": rules.seconds_left(attempt, now) if attempt else None,
        "seq": attempt.seq if attempt else None,
        "window": rules.window(exam, now),
    }


def preload(actor: User, exam_id: int) -> tuple[int, bool]:
    """Warm this process's copy of the exam's questions; (question count, already cached)."""
    exam = takeable_exam(actor, exam_id)
    sheet, cached = paper.paper_for(exam)
    return len(sheet.questions), cached

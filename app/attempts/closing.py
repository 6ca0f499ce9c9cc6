"""Closing an attempt and scoring it. Whoever closes it first (the student's submission, the
periodic job, a late request that finds it past its deadline) scores the answers the row held at
that instant; everyone else gets that result. Scores are exact (app/attempts/scoring.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from app.attempts import hot, rules
from app.attempts.scoring import Key
from app.attempts.scoring import score as mark
from app.core.errors import Conflict
from app.extensions import db
from app.models import Attempt, Question, QuestionResponse, Result, utcnow
from app.models.attempts import IN_PROGRESS, SUBMITTED


def finalize(attempt_id: int, reason: str, now: datetime | None = None) -> Result:
    """Close the attempt and score the answers it held at that instant. Whoever closes it
    first (the student, the periodic job, a next access) scores it; everyone else gets that
    result."""
    now = (now or utcnow()).replace(microsecond=0)
    claimed = db.session.execute(
        update(Attempt)
        .where(Attempt.id == attempt_id, Attempt.status == IN_PROGRESS)
        .values(status=SUBMITTED, submitted_at=now, submit_reason=reason)
        .returning(Attempt.answers, Attempt.marked)
        .execution_options(synchronize_session=False)
    ).first()
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if claimed is None:
        result = db.session.scalar(select(Result).where(Result.attempt_id == attempt_id))
        if result is None:
            raise Conflict("This attempt is being submitted; reload the page in a moment.")
        return result
    hot.forget(attempt.exam_id, attempt.user_id)
    return _score(attempt, claimed.answers or {}, claimed.marked or [], now)


def _score(attempt: Attempt, answers: dict[str, Any], marked: list[int], now: datetime) -> Result:
    exam = attempt.exam
    questions = {
        q.id: q
        for q in db.session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    }
    ended = min(now, attempt.deadline_at)
    result = Result(
        attempt_id=attempt.id,
        exam_id=attempt.exam_id,
        user_id=attempt.user_id,
        submitted_at=now,
        time_taken_seconds=max(0, int((ended - attempt.started_at).total_seconds())),
    )
    score = max_score = 0
    counts = {"correct": 0, "wrong": 0, "partial": 0, "unanswered": 0}
    marked_ids = set(marked)
    for position, qid in enumerate(attempt.question_ids, start=1):
        q = questions.get(qid)
        if q is None:  # deleted while the attempt was open: nothing to score against
            continue
        key = Key(
            question_type=q.question_type,
            correct_answer=q.correct_answer,
            tolerance=q.tolerance,
            positive=q.positive_marks if q.positive_marks is not None else exam.positive_marks,
            negative=q.negative_marks if q.negative_marks is not None else exam.negative_marks,
        )
        answer = answers.get(str(qid))
        outcome = mark(key, answer, exam.msq_partial_credit)
        score += outcome.marks
        max_score += key.positive
        if outcome.is_correct is None:
            counts["unanswered"] += 1
        elif outcome.is_correct:
            counts["correct"] += 1
        elif outcome.partial:
            counts["partial"] += 1
        else:
            counts["wrong"] += 1
        result.responses.append(
            QuestionResponse(
                question_id=qid,
                position=position,
                section_name=q.section.name if q.section else "",
                question_type=(q.question_type or "").upper(),
                answer=answer if outcome.is_correct is not None else None,
                marked_for_review=qid in marked_ids,
                correct_answer=q.correct_answer,
                tolerance=q.tolerance,
                positive_marks=key.positive,
                negative_marks=key.negative,
                is_correct=outcome.is_correct,
                marks_awarded=outcome.marks,
            )
        )
    result.score, result.max_score = score, max_score
    for name, value in counts.items():
        setattr(result, name, value)
    db.session.add(result)
    db.session.flush()
    return result


def close_overdue(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of open attempts past their deadline and grace, for the periodic job."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Attempt.id)
            .where(Attempt.status == IN_PROGRESS, Attempt.deadline_at < now - rules.GRACE)
            .order_by(Attempt.deadline_at)
            .limit(limit)
        )
    )

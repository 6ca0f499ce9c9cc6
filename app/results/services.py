"""Who may see a result and when, and the report a result page, its JSON and its PDF show.

A result is visible to its student by the exam's result mode: at once (instant), `result_delay`
minutes after submission (delayed), or once the teacher releases results (manual). Until then
the student sees only that the attempt was submitted: no score, no key. Teachers who manage the
exam, and admins, see every result at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.core.errors import Forbidden, NotFound
from app.exams.access import can_manage
from app.exams.checklist import LETTERS
from app.extensions import db
from app.models import Attempt, Exam, Question, QuestionResponse, Result, User, utcnow
from app.models.attempts import SUBMITTED

HUNDRED = Decimal(100)


def visible_at(result: Result, exam: Exam) -> datetime | None:
    """When the student may see this result; None while a manual exam's results are held."""
    if exam.result_mode == "delayed":
        return result.submitted_at + timedelta(minutes=exam.result_delay_minutes or 0)
    if exam.result_mode == "manual":
        return result.submitted_at if exam.results_released else None
    return result.submitted_at


def is_visible(result: Result, exam: Exam, now: datetime | None = None) -> bool:
    when = visible_at(result, exam)
    return when is not None and (now or utcnow()) >= when


def is_staff_viewer(actor: User, exam: Exam) -> bool:
    return can_manage(actor, exam)


def viewable_result(actor: User, result_id: int, now: datetime | None = None) -> Result:
    """A result by id for its student (once visible) or for staff who manage its exam. Another
    student's result is 404, so ids reveal nothing."""
    result = db.session.get(Result, result_id)
    if result is None:
        raise NotFound("Result not found")
    if is_staff_viewer(actor, result.exam):
        return result
    if result.user_id != actor.id:
        raise NotFound("Result not found")
    if not is_visible(result, result.exam, now):
        raise Forbidden("Results for this exam are not out yet.")
    return result


def own_results(exam_id: int, user_id: int) -> list[Result]:
    """The student's results on one exam, latest attempt first."""
    return list(
        db.session.scalars(
            select(Result)
            .join(Attempt, Attempt.id == Result.attempt_id)
            .where(Result.exam_id == exam_id, Result.user_id == user_id)
            .order_by(Attempt.number.desc())
        )
    )


def own_result(actor: User, exam_id: int, attempt_number: int | None = None) -> Result:
    """The student's result on an exam: the latest attempt's, or attempt `attempt_number`'s."""
    exam = db.session.get(Exam, exam_id)
    if exam is None or exam.status == "draft":
        raise NotFound("Exam not found")
    stmt = (
        select(Result)
        .join(Attempt, Attempt.id == Result.attempt_id)
        .where(Result.exam_id == exam_id, Result.user_id == actor.id, Attempt.status == SUBMITTED)
    )
    if attempt_number is not None:
        stmt = stmt.where(Attempt.number == attempt_number)
    result = db.session.scalar(stmt.order_by(Attempt.number.desc()).limit(1))
    if result is None:
        raise NotFound("You have no submitted attempt for this exam.")
    return result


def rank(result: Result) -> tuple[int, int]:
    """(rank, participants) among each student's best score on the exam; ties share a rank."""
    best = (
        select(Result.user_id, func.max(Result.score).label("best"))
        .where(Result.exam_id == result.exam_id)
        .group_by(Result.user_id)
        .subquery()
    )
    higher = db.session.scalar(
        select(func.count()).select_from(best).where(best.c.best > result.score)
    )
    total = db.session.scalar(select(func.count()).select_from(best))
    return (higher or 0) + 1, total or 0


def percent(score: Decimal, max_score: Decimal) -> Decimal:
    if not max_score:
        return Decimal(0)
    return (score * HUNDRED / max_score).quantize(Decimal("0.1"))


# The report --------------------------------------------------------------------------------


@dataclass
class SectionLine:
    name: str
    questions: int = 0
    answered: int = 0
    correct: int = 0
    score: Decimal = Decimal(0)
    max_score: Decimal = Decimal(0)


@dataclass
class ReviewOption:
    label: str  # as shown in the attempt (A, B, ... after any shuffle)
    letter: str  # the question's own letter, as stored
    text: str
    chosen: bool
    correct: bool


@dataclass
class ReviewLine:
    number: int
    question_id: int | None
    section_name: str
    question_type: str
    text: str
    image_url: str
    options: list[ReviewOption]
    answer: Any
    answer_shown: str
    correct_answer: str  # the question's own letters or value, as scored
    key_shown: str  # as the student saw the options
    is_correct: bool | None
    marks_awarded: Decimal
    positive_marks: Decimal
    negative_marks: Decimal
    marked_for_review: bool
    explanation: str


@dataclass
class Report:
    result: Result
    exam: Exam
    student: User
    attempt: Attempt
    visible: bool
    rank: int
    participants: int
    percent: Decimal
    sections: list[SectionLine] = field(default_factory=list)
    questions: list[ReviewLine] = field(default_factory=list)


def _shown(letters: list[str], labels: dict[str, str]) -> str:
    return ", ".join(labels.get(letter, letter) for letter in letters)


def _review_line(
    number: int, response: QuestionResponse, question: Question | None, layout: dict[str, Any]
) -> ReviewLine:
    kind = response.question_type
    answer = response.answer
    options: list[ReviewOption] = []
    labels: dict[str, str] = {}
    key_letters = [
        p for p in response.correct_answer.replace(";", ",").replace(" ", ",").split(",") if p
    ]
    if question is not None and kind in ("MCQ", "MSQ"):
        texts = {
            LETTERS[i]: str(t) for i, t in enumerate(question.options or []) if str(t or "").strip()
        }
        entry = layout.get(str(question.id), {})
        stored = entry.get("letters", "")
        order = [stored[i] for i in entry.get("order", []) if i < len(stored)]
        order += [letter for letter in texts if letter not in order]
        chosen = set(answer if isinstance(answer, list) else [answer] if answer else [])
        for i, letter in enumerate(x for x in order if x in texts):
            labels[letter] = LETTERS[i]
            options.append(
                ReviewOption(
                    LETTERS[i], letter, texts[letter], letter in chosen, letter in key_letters
                )
            )
    if kind in ("MCQ", "MSQ"):
        given = answer if isinstance(answer, list) else [answer] if answer else []
        answer_shown = _shown(given, labels) if given else ""
        key_shown = _shown(key_letters, labels)
    else:
        answer_shown = str(answer) if answer not in (None, "") else ""
        key_shown = response.correct_answer + (
            f" (± {response.tolerance.normalize():f})" if response.tolerance else ""
        )
    return ReviewLine(
        number=number,
        question_id=response.question_id,
        section_name=response.section_name,
        question_type=kind,
        text=question.text if question is not None else "This question has since been deleted.",
        image_url=question.image_url if question is not None else "",
        options=options,
        answer=answer,
        answer_shown=answer_shown,
        correct_answer=response.correct_answer,
        key_shown=key_shown,
        is_correct=response.is_correct,
        marks_awarded=response.marks_awarded,
        positive_marks=response.positive_marks,
        negative_marks=response.negative_marks,
        marked_for_review=response.marked_for_review,
        explanation=question.explanation if question is not None else "",
    )


def report(result: Result, viewer: User | None = None, now: datetime | None = None) -> Report:
    exam, attempt = result.exam, result.attempt
    visible = is_visible(result, exam, now) or (
        viewer is not None and is_staff_viewer(viewer, exam)
    )
    position, participants = rank(result)
    out = Report(
        result=result,
        exam=exam,
        student=result.user,
        attempt=attempt,
        visible=visible,
        rank=position,
        participants=participants,
        percent=percent(result.score, result.max_score),
    )
    responses = list(
        db.session.scalars(
            select(QuestionResponse)
            .where(QuestionResponse.result_id == result.id)
            .options(selectinload(QuestionResponse.question))
            .order_by(QuestionResponse.position)
        )
    )
    sections: dict[str, SectionLine] = {}
    for number, response in enumerate(responses, start=1):
        line = sections.setdefault(response.section_name, SectionLine(response.section_name))
        line.questions += 1
        line.answered += response.is_correct is not None
        line.correct += bool(response.is_correct)
        line.score += response.marks_awarded
        line.max_score += response.positive_marks
        out.questions.append(_review_line(number, response, response.question, attempt.layout))
    out.sections = list(sections.values())
    return out


def summary_json(rep: Report) -> dict[str, Any]:
    """The result as JSON: the score always for staff, for the student once visible."""
    r = rep.result
    body: dict[str, Any] = {
        "result_id": r.id,
        "exam_id": r.exam_id,
        "exam_name": rep.exam.name,
        "attempt_id": r.attempt_id,
        "attempt_number": rep.attempt.number,
        "student": {
            "id": rep.student.id,
            "username": rep.student.username,
            "full_name": rep.student.full_name,
        },
        "submitted_at": r.submitted_at,
        "submit_reason": rep.attempt.submit_reason,
        "time_taken_seconds": r.time_taken_seconds,
        "visible": rep.visible,
    }
    if not rep.visible:
        return body
    body.update(
        {
            "score": r.score,
            "max_score": r.max_score,
            "percent": rep.percent,
            "rank": rep.rank,
            "participants": rep.participants,
            "correct": r.correct,
            "wrong": r.wrong,
            "partial": r.partial,
            "unanswered": r.unanswered,
            "sections": [
                {
                    "name": s.name,
                    "questions": s.questions,
                    "answered": s.answered,
                    "correct": s.correct,
                    "score": s.score,
                    "max_score": s.max_score,
                }
                for s in rep.sections
            ],
            "questions": [
                {
                    "number": q.number,
                    "question_id": q.question_id,
                    "section": q.section_name,
                    "question_type": q.question_type,
                    "question_text": q.text,
                    "your_answer": q.answer,
                    "correct_answer": q.correct_answer,
                    "is_correct": q.is_correct,
                    "marks_awarded": q.marks_awarded,
                    "marked_for_review": q.marked_for_review,
                    "explanation": q.explanation,
                }
                for q in rep.questions
            ],
        }
    )
    return body

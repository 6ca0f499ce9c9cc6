"""Who may see a question's discussion, and who may moderate it.

The exam's teachers (owner, co-owners) and admins, always; anyone else once they have submitted
an attempt that contains the question, or once the teacher has opened the exam's discussion. A
student sitting the exam right now sees none of it: a second attempt must not be answered from
the discussion of the first. A question of a draft exam does not exist for students.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core.errors import Forbidden, NotFound
from app.exams.access import can_manage
from app.extensions import db
from app.models import Attempt, DiscussionComment, Exam, Question, QuestionResponse, Result, User
from app.models.attempts import IN_PROGRESS

NOT_YET = "Discussion opens once you have submitted an attempt that contains this question."
DURING_ATTEMPT = "Discussion is closed while you are sitting this exam."
QUESTION_NOT_FOUND = "Question not found"
COMMENT_NOT_FOUND = "Comment not found"


def can_moderate(actor: User, exam: Exam) -> bool:
    """Edit or delete anyone's comment, pin, mark best answers, open the discussion: the
    teachers who manage the exam (owner, co-owners) and admins."""
    return can_manage(actor, exam)


def sitting_now(actor: User, exam_id: int) -> bool:
    return (
        db.session.scalar(
            select(Attempt.id)
            .where(
                Attempt.exam_id == exam_id,
                Attempt.user_id == actor.id,
                Attempt.status == IN_PROGRESS,
            )
            .limit(1)
        )
        is not None
    )


def submitted_with(actor: User, question_ids: Iterable[int]) -> set[int]:
    """The ids among question_ids that appear in a result of the actor's (a result exists only
    for a submitted attempt)."""
    ids = list(set(question_ids))
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(QuestionResponse.question_id)
            .join(Result, Result.id == QuestionResponse.result_id)
            .where(Result.user_id == actor.id, QuestionResponse.question_id.in_(ids))
            .distinct()
        )
    )


def access_problem(actor: User, question: Question) -> str | None:
    """None when the actor may read and join this question's discussion, else the reason,
    worded for the student."""
    exam = question.exam
    if can_moderate(actor, exam):
        return None
    if sitting_now(actor, exam.id):
        return DURING_ATTEMPT
    if exam.discussion_open or submitted_with(actor, [question.id]):
        return None
    return NOT_YET


def question_for(actor: User, question_id: int) -> Question:
    """The question, for someone who may see that it exists: 404 for an unknown question and,
    to students, for a question of a draft exam."""
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound(QUESTION_NOT_FOUND)
    if question.exam.status == "draft" and not can_moderate(actor, question.exam):
        raise NotFound(QUESTION_NOT_FOUND)
    return question


def readable_question(actor: User, question_id: int) -> Question:
    question = question_for(actor, question_id)
    problem = access_problem(actor, question)
    if problem:
        raise Forbidden(problem, code="discussion_closed")
    return question


def visible_comment(actor: User, comment_id: int) -> DiscussionComment:
    """A comment the actor may see; a deleted one is gone for every change."""
    comment = db.session.get(DiscussionComment, comment_id)
    if comment is None or comment.deleted:
        raise NotFound(COMMENT_NOT_FOUND)
    readable_question(actor, comment.question_id)
    return comment


def readable_ids(actor: User, question_ids: list[int]) -> list[int]:
    """access_problem over many questions, in a few queries."""
    if not question_ids:
        return []
    pairs = db.session.execute(
        select(Question.id, Question.exam_id).where(Question.id.in_(question_ids))
    ).all()
    exams = {
        e.id: e
        for e in db.session.scalars(
            select(Exam)
            .where(Exam.id.in_({exam_id for _, exam_id in pairs}))
            .options(selectinload(Exam.co_owners))
        )
    }
    sitting = set(
        db.session.scalars(
            select(Attempt.exam_id).where(
                Attempt.user_id == actor.id,
                Attempt.status == IN_PROGRESS,
                Attempt.exam_id.in_(exams),
            )
        )
    )
    submitted = submitted_with(actor, [qid for qid, _ in pairs])
    out = []
    for qid, exam_id in pairs:
        exam = exams[exam_id]
        if can_moderate(actor, exam) or (
            exam.status != "draft"
            and exam_id not in sitting
            and (exam.discussion_open or qid in submitted)
        ):
            out.append(qid)
    return out

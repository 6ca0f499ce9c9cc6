"""The discussion of a question: the thread, posting with its rate limit, editing,
soft-deleting, pinning, best answers, the teacher's open switch and counts. Who may see and
moderate it is decided in `access.py`; every function here asks it first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from app.core.errors import Forbidden, Invalid, NotFound, RateLimited
from app.discussion.access import (
    COMMENT_NOT_FOUND,
    can_moderate,
    readable_ids,
    readable_question,
    visible_comment,
)
from app.extensions import db
from app.models import (
    DiscussionComment,
    Exam,
    Question,
    User,
    utcnow,
)
from app.models.discussion import MAX_MESSAGE

POST_INTERVAL = timedelta(seconds=10)
MAX_BULK = 100
DELETED_ACCOUNT = "Deleted Account"
DELETED_USERNAME = "[deleted]"
DELETED_MESSAGE = "[This comment was deleted]"
# Control characters other than tab and newline: PostgreSQL refuses NUL, the rest only confuse.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# The thread ----------------------------------------------------------------------------------


@dataclass
class Thread:
    question: Question
    count: int
    comments: list[dict[str, Any]]
    can_moderate: bool


def avatar_placeholder() -> str:
    return url_for("static", filename="img/default-avatar.svg")


def comment_json(
    comment: DiscussionComment, actor: User, moderator: bool, replies: list[dict] | None = None
) -> dict[str, Any]:
    """A comment in SmartAIExam's shape (id, username, message, is_own, is_pinned,
    is_best_answer, created_at, replies), plus what a client needs to draw it."""
    author = comment.author
    own = comment.author_id is not None and comment.author_id == actor.id
    if comment.deleted:
        username, full_name, message = DELETED_USERNAME, DELETED_USERNAME, DELETED_MESSAGE
    elif author is None:
        username = full_name = DELETED_ACCOUNT
        message = comment.body
    else:
        username, full_name, message = author.username, author.display_name, comment.body
    return {
        "id": comment.id,
        "username": username,
        "full_name": full_name,
        "avatar_url": (author.avatar_url if author and not comment.deleted else "")
        or avatar_placeholder(),
        "message": message,
        "is_own": own,
        "is_pinned": comment.pinned,
        "is_best_answer": comment.best_answer,
        "is_deleted": comment.deleted,
        "is_edited": comment.edited_at is not None,
        "can_edit": not comment.deleted and (own or moderator),
        "can_delete": not comment.deleted and (own or moderator),
        "parent_id": comment.parent_id,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "replies": replies if replies is not None else [],
    }


def thread(actor: User, question_id: int) -> Thread:
    """Top-level comments pinned first, then the best answer, then oldest first; replies oldest
    first. A deleted comment stays as a placeholder while replies hang under it."""
    question = readable_question(actor, question_id)
    moderator = can_moderate(actor, question.exam)
    rows = list(
        db.session.scalars(
            select(DiscussionComment)
            .where(DiscussionComment.question_id == question.id)
            .options(selectinload(DiscussionComment.author))
            .order_by(DiscussionComment.created_at, DiscussionComment.id)
        )
    )
    replies: dict[int, list[DiscussionComment]] = {}
    for row in rows:
        if row.parent_id is not None:
            replies.setdefault(row.parent_id, []).append(row)
    tops = [r for r in rows if r.parent_id is None]
    tops.sort(key=lambda r: (not r.pinned, not r.best_answer))  # stable: time order kept
    out = []
    for top in tops:
        kids = [comment_json(r, actor, moderator) for r in replies.get(top.id, []) if not r.deleted]
        if top.deleted and not kids:
            continue
        out.append(comment_json(top, actor, moderator, kids))
    count = sum(1 for r in rows if not r.deleted)
    return Thread(question, count, out, moderator)


# Writing -------------------------------------------------------------------------------------


def clean_message(message: str | None) -> str:
    text = _CONTROL.sub("", (message or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise Invalid(
            "message: Write a message first.",
            fields=[
                {"loc": ["body", "message"], "msg": "Write a message first.", "type": "missing"}
            ],
        )
    if len(text) > MAX_MESSAGE:
        msg = f"Message too long: at most {MAX_MESSAGE} characters (this one has {len(text)})."
        raise Invalid(
            msg, fields=[{"loc": ["body", "message"], "msg": msg, "type": "string_too_long"}]
        )
    return text


def _check_rate(actor: User, now: datetime) -> None:
    """One comment per 10 seconds per person. The user row is locked first (PostgreSQL), so two
    posts sent at once by the same person are counted one after the other."""
    db.session.execute(select(User.id).where(User.id == actor.id).with_for_update())
    last = db.session.scalar(
        select(func.max(DiscussionComment.created_at)).where(
            DiscussionComment.author_id == actor.id
        )
    )
    if last is not None and now - last < POST_INTERVAL:
        wait = max(1, int((last + POST_INTERVAL - now).total_seconds() + 0.999))
        raise RateLimited(
            f"You can post one comment every 10 seconds. Try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )


def _field_error(field: str, msg: str) -> Invalid:
    return Invalid(
        f"{field}: {msg}", fields=[{"loc": ["body", field], "msg": msg, "type": "value_error"}]
    )


def post(
    actor: User,
    question_id: int,
    message: str | None,
    *,
    parent_id: int | None = None,
    exam_id: int | None = None,
    now: datetime | None = None,
) -> DiscussionComment:
    """A new comment, or a reply when parent_id names a comment of the same question (a reply to
    a reply joins the top-level comment's thread)."""
    question = readable_question(actor, question_id)
    if exam_id is not None and exam_id != question.exam_id:
        raise _field_error("exam_id", f"Question {question.id} is not in exam {exam_id}.")
    text = clean_message(message)
    root_id = None
    if parent_id is not None:
        parent = db.session.get(DiscussionComment, parent_id)
        if parent is None or parent.question_id != question.id:
            raise _field_error("parent_id", f"No comment {parent_id} on this question.")
        if parent.deleted:
            raise _field_error("parent_id", "That comment was deleted; it takes no replies.")
        root_id = parent.parent_id or parent.id
    now = now or utcnow()
    _check_rate(actor, now)
    comment = DiscussionComment(
        question_id=question.id, author_id=actor.id, parent_id=root_id, body=text, created_at=now
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def edit(actor: User, comment_id: int, message: str | None) -> DiscussionComment:
    comment = visible_comment(actor, comment_id)
    if comment.author_id != actor.id and not can_moderate(actor, comment.question.exam):
        raise Forbidden("You can only edit your own comments.")
    text = clean_message(message)
    if text != comment.body:
        comment.body = text
        comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete(actor: User, comment_id: int) -> DiscussionComment:
    """Soft delete: the row stays (its replies hang under it), without pin or best answer.
    Deleting a comment already deleted is a success that changes nothing."""
    comment = db.session.get(DiscussionComment, comment_id)
    if comment is None:
        raise NotFound(COMMENT_NOT_FOUND)
    readable_question(actor, comment.question_id)
    if comment.author_id != actor.id and not can_moderate(actor, comment.question.exam):
        raise Forbidden("You can only delete your own comments.")
    comment.deleted = True
    comment.pinned = comment.best_answer = False
    db.session.flush()
    return comment


def _moderated(actor: User, comment_id: int) -> DiscussionComment:
    comment = visible_comment(actor, comment_id)
    if not can_moderate(actor, comment.question.exam):
        raise Forbidden("Only the exam's teachers and admins can do that.")
    return comment


def set_pinned(actor: User, comment_id: int, value: bool | None = None) -> DiscussionComment:
    """Pin a top-level comment (several may be pinned); None toggles."""
    comment = _moderated(actor, comment_id)
    if comment.parent_id is not None:
        raise Invalid("Only top-level comments can be pinned; this one is a reply.")
    comment.pinned = (not comment.pinned) if value is None else value
    db.session.flush()
    return comment


def set_best_answer(actor: User, comment_id: int, value: bool | None = None) -> DiscussionComment:
    """Mark the question's one best answer (marking another moves the mark); None toggles."""
    comment = _moderated(actor, comment_id)
    marked = (not comment.best_answer) if value is None else value
    if marked:
        db.session.execute(
            update(DiscussionComment)
            .where(
                DiscussionComment.question_id == comment.question_id,
                DiscussionComment.id != comment.id,
                DiscussionComment.best_answer.is_(True),
            )
            .values(best_answer=False)
            .execution_options(synchronize_session="fetch")
        )
    comment.best_answer = marked
    db.session.flush()
    return comment


def set_open(actor: User, exam_id: int, value: bool | None = None) -> Exam:
    """Open (or close) the discussion of every question of an exam to all students; None
    toggles. Students who submitted an attempt see theirs either way."""
    exam = db.session.get(Exam, exam_id)
    if exam is None:
        raise NotFound("Exam not found")
    if not can_moderate(actor, exam):
        raise Forbidden("Only the exam's teachers and admins can open its discussion.")
    exam.discussion_open = (not exam.discussion_open) if value is None else value
    db.session.flush()
    return exam


# Counts --------------------------------------------------------------------------------------


def counts(actor: User, question_ids: list[int]) -> dict[str, int]:
    """Comments (not deleted, replies included) per question, for up to 100 questions. A question
    the actor may not read (yet), or that does not exist, counts 0."""
    if len(question_ids) > MAX_BULK:
        raise _field_error(
            "question_ids", f"At most {MAX_BULK} question ids at a time ({len(question_ids)} sent)."
        )
    return {str(qid): n for qid, n in count_map(actor, question_ids).items()}


def count_map(actor: User, question_ids: list[int]) -> dict[int, int]:
    """counts() without the limit, for pages that show a whole paper."""
    wanted = list(dict.fromkeys(question_ids))
    out = dict.fromkeys(wanted, 0)
    readable = readable_ids(actor, wanted)
    if readable:
        rows = db.session.execute(
            select(DiscussionComment.question_id, func.count())
            .where(
                DiscussionComment.question_id.in_(readable),
                DiscussionComment.deleted.is_(False),
            )
            .group_by(DiscussionComment.question_id)
        )
        for qid, n in rows:
            out[qid] = n
    return out

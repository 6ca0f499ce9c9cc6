"""Per-question discussion: threaded comments under each question, for the students who have
sat it and the teachers who set it.

A comment outlives its author (author_id SET NULL shows as "Deleted Account", so a thread keeps
its shape) but not its question (CASCADE: the discussion is about that question). Deleting a
comment only marks it, so the replies under it stay in place.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.exams import Question
from app.models.users import User

MAX_MESSAGE = 500


class DiscussionComment(Base):
    """One comment or reply. `parent_id` names the top-level comment a reply belongs to: threads
    are two levels deep (a reply to a reply joins its thread)."""

    __tablename__ = "discussion_comments"
    __table_args__ = (
        # The thread of a question and its count, in one index range.
        Index("ix_discussion_comments_question_deleted", "question_id", "deleted"),
        # The poster's latest comment, for the one-per-10-seconds rule.
        Index("ix_discussion_comments_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_comments.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(String(MAX_MESSAGE))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    best_answer: Mapped[bool] = mapped_column(Boolean, default=False)

    question: Mapped[Question] = relationship()
    author: Mapped[User | None] = relationship()

"""Tutor sessions: one conversation of a user with a subject's tutor, its messages, and the
practice tests run inside it.

A session's id is chosen by the client (the Backend document's `/chat` creates it on first use
with the id it was sent), so it is a string key, and every read checks its owner.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.subjects import Subject
from app.models.users import User


class TutorSession(Base):
    __tablename__ = "tutor_sessions"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_active: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    subject: Mapped[Subject] = relationship()
    messages: Mapped[list[TutorMessage]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by="TutorMessage.id",
        passive_deletes=True,
    )


class TutorMessage(Base):
    __tablename__ = "tutor_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[str] = mapped_column(
        ForeignKey("tutor_sessions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))  # "user" or "assistant"
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[TutorSession] = relationship(back_populates="messages")


class PracticeTest(Base):
    """Questions are fixed when the test starts (ids in order); `answers` holds one graded entry
    per answered question, so `len(answers)` is the index of the question being asked."""

    __tablename__ = "practice_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A deleted session keeps its finished tests for the professor's analytics (SET NULL); the
    # owner and subject are copied here for the same reason.
    session_id: Mapped[str | None] = mapped_column(
        ForeignKey("tutor_sessions.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    question_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    answers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))  # percent, once finished
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    session: Mapped[TutorSession | None] = relationship()

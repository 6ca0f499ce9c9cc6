"""The AI study assistant: each student's conversation with it, and their daily message count.

The count lives apart from the messages because clearing the history must not give a student
their day's messages back. `day` is the institute's calendar date (INSTITUTE_TIMEZONE), so the
allowance renews at the institute's midnight, not UTC's.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class AssistantMessage(Base):
    """One turn: the student's question (`is_user`) or the assistant's answer."""

    __tablename__ = "assistant_messages"
    __table_args__ = (Index("ix_assistant_messages_user_id_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    is_user: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AssistantUsage(Base):
    """Messages a student sent to the assistant on one institute day."""

    __tablename__ = "assistant_usage"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    used: Mapped[int] = mapped_column(Integer, default=0)

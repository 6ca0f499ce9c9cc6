"""Sitting an exam: attempts (with the answers saved so far), the teacher's per-student
allowances, and the scored result with one response row per question.

An attempt's answers live in the database from the first sync (never only in a cookie), and the
deadline is the server's. Scoring copies each question's answer key into its response row, so a
result stays explainable after the question is edited or deleted.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.exams import MARKS, Exam, Question
from app.models.users import User

TOTAL = Numeric(10, 2)
IN_PROGRESS, SUBMITTED = "in_progress", "submitted"


class AttemptAllowance(Base):
    """What a teacher changed for one student on one exam: attempts added or taken away, and
    extra minutes on every attempt's clock."""

    __tablename__ = "attempt_allowances"

    exam_id: Mapped[int] = mapped_column(
        ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    extra_attempts: Mapped[int] = mapped_column(Integer, default=0)
    extra_minutes: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Attempt(Base):
    """One sitting. `seq` is the newest client sequence number applied to `answers`: a sync
    with a lower or equal one is stale and changes nothing."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("exam_id", "user_id", "number"),
        # At most one open attempt per student and exam, whatever two requests race to do.
        Index(
            "uq_attempts_open",
            "exam_id",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
        Index("ix_attempts_status_deadline", "status", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=IN_PROGRESS)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deadline_at: Mapped[datetime] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    submit_reason: Mapped[str] = mapped_column(String(20), default="")
    # {"<question id>": "A" | ["A", "C"] | "42.5"}, in the SmartAIExam sync's own shape.
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    marked: Mapped[list[int]] = mapped_column(JSON, default=list)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    synced_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Fixed at start, so a reload shows the same paper: the questions in the order shown
    # (shuffled when the exam asks), and per question {"type", "letters", "order"}: its type,
    # the option letters it had, and the order its options are shown in. Syncs are checked
    # against this snapshot without reading the questions again.
    question_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    layout: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)

    exam: Mapped[Exam] = relationship()
    user: Mapped[User] = relationship()
    result: Mapped[Result | None] = relationship(back_populates="attempt", passive_deletes=True)


class Result(Base):
    """The scored outcome of a submitted attempt. Totals are exact decimals (sums of
    two-decimal marks), never floats."""

    __tablename__ = "results"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), unique=True
    )
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(TOTAL)
    max_score: Mapped[Decimal] = mapped_column(TOTAL)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    wrong: Mapped[int] = mapped_column(Integer, default=0)
    partial: Mapped[int] = mapped_column(Integer, default=0)
    unanswered: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    time_taken_seconds: Mapped[int] = mapped_column(Integer, default=0)

    attempt: Mapped[Attempt] = relationship(back_populates="result")
    exam: Mapped[Exam] = relationship()
    user: Mapped[User] = relationship()
    responses: Mapped[list[QuestionResponse]] = relationship(
        back_populates="result",
        order_by="QuestionResponse.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class QuestionResponse(Base):
    """One question of a scored attempt: what the student answered and the key it was scored
    against, copied at scoring time. The question may later be edited or deleted (SET NULL);
    this row still says what happened."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("result_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"))
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    section_name: Mapped[str] = mapped_column(String(200), default="")
    question_type: Mapped[str] = mapped_column(String(10))
    answer: Mapped[Any] = mapped_column(JSON, nullable=True)
    marked_for_review: Mapped[bool] = mapped_column(Boolean, default=False)
    correct_answer: Mapped[str] = mapped_column(String(200), default="")
    tolerance: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    positive_marks: Mapped[Decimal] = mapped_column(MARKS)
    negative_marks: Mapped[Decimal] = mapped_column(MARKS)
    # None: not answered; True/False: right or wrong; partial credit is False with marks > 0.
    is_correct: Mapped[bool | None] = mapped_column(Boolean)
    marks_awarded: Mapped[Decimal] = mapped_column(MARKS, default=Decimal("0"))

    result: Mapped[Result] = relationship(back_populates="responses")
    question: Mapped[Question | None] = relationship()

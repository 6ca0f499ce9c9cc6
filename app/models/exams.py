"""Exams and their question bank. Marks are Numeric so totals never drift."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin
from app.models.users import User

MARKS = Numeric(8, 2)

exam_co_owners = Table(
    "exam_co_owners",
    Base.metadata,
    Column("exam_id", ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Category(TimestampMixin, Base):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    image_url: Mapped[str] = mapped_column(String(500), default="")


class Exam(TimestampMixin, Base):
    __tablename__ = "exams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    starts_at: Mapped[datetime | None] = mapped_column(DateTime)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    positive_marks: Mapped[Decimal] = mapped_column(MARKS, default=Decimal("4"))
    negative_marks: Mapped[Decimal] = mapped_column(MARKS, default=Decimal("1"))
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    result_mode: Mapped[str] = mapped_column(String(20), default="instant")
    result_delay_minutes: Mapped[int] = mapped_column(Integer, default=0)
    results_released: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=False)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=False)
    msq_partial_credit: Mapped[bool] = mapped_column(Boolean, default=False)
    proctoring: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Opened by the teacher: every student may read and join the discussion of this exam's
    # questions, not only those who have submitted an attempt.
    discussion_open: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    category: Mapped[Category | None] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    # Deleting an exam leaves its children to the database (ON DELETE CASCADE): the ORM does not
    # load a few hundred questions just to delete them one by one. Every table that refers to an
    # exam, a section or a question must cascade (or SET NULL) in its foreign key too.
    co_owners: Mapped[list[User]] = relationship(secondary=exam_co_owners, passive_deletes=True)
    sections: Mapped[list[Section]] = relationship(
        back_populates="exam",
        cascade="all, delete-orphan",
        order_by="Section.position",
        passive_deletes=True,
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="exam",
        cascade="all, delete-orphan",
        order_by="Question.position",
        passive_deletes=True,
    )


class Section(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    exam: Mapped[Exam] = relationship(back_populates="sections")


class Question(TimestampMixin, Base):
    """MCQ/MSQ answers are option letters ("A", "A,C"); NUMERIC is a value with a tolerance."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(ForeignKey("exams.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("sections.id", ondelete="SET NULL"), index=True
    )
    set_number: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)
    question_type: Mapped[str] = mapped_column(String(10), default="MCQ")
    text: Mapped[str] = mapped_column(Text)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    correct_answer: Mapped[str] = mapped_column(String(200), default="")
    tolerance: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    image_url: Mapped[str] = mapped_column(String(500), default="")
    positive_marks: Mapped[Decimal | None] = mapped_column(MARKS)
    negative_marks: Mapped[Decimal | None] = mapped_column(MARKS)
    explanation: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(200), default="")
    subtopic: Mapped[str] = mapped_column(String(200), default="")
    difficulty: Mapped[int] = mapped_column(Integer, default=3)
    source: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)

    exam: Mapped[Exam] = relationship(back_populates="questions")
    section: Mapped[Section | None] = relationship()

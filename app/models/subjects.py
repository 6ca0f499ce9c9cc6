"""Subjects (Backend document: a course with a professor and a Markdown teaching guide), the
students enrolled in them, and the exams whose questions make a subject's practice bank.

A subject is addressed by its code ("INF001"), which is what the Backend API calls `_id`; the
integer key stays internal so a code can be corrected without rewriting every reference.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin, utcnow
from app.models.exams import Exam
from app.models.users import User

# The exams whose objective questions the tutor's practice tests draw from. A link table rather
# than a column on Exam or Question: the bank is chosen per subject by its admin or professor,
# and an exam (a past paper, say) may serve more than one subject.
subject_exams = Table(
    "subject_exams",
    Base.metadata,
    Column("subject_id", ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True),
    Column("exam_id", ForeignKey("exams.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Subject(TimestampMixin, Base):
    __tablename__ = "subjects"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    guide: Mapped[str] = mapped_column(Text, default="")  # Markdown, part of the tutor's context
    professor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    professor: Mapped[User | None] = relationship()
    bank_exams: Mapped[list[Exam]] = relationship(
        secondary=subject_exams, passive_deletes=True, order_by=Exam.name
    )


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("subject_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    subject: Mapped[Subject] = relationship()
    user: Mapped[User] = relationship()

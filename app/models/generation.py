"""AI question generation runs (the AI command centre). A run is a row so that the page can poll
its progress whichever process does the work (the web process in the embedded default, an rq
worker in production), and so the generated questions survive until a teacher has reviewed them.
Nothing here is a question yet: questions are created only when the teacher saves them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class GenerationJob(Base):
    __tablename__ = "generation_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # queued -> running -> done | failed
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    stage: Mapped[str] = mapped_column(String(200), default="")
    # mode, difficulty, counts, topic, exam_id, pdf file name
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_text: Mapped[str] = mapped_column(Text, default="")  # text read from the PDF
    # {"questions": [...], "dropped": [...], "repaired": bool}
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

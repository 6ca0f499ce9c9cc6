"""Request and response shapes of SmartAIExam's exam endpoints (000_…, "Exam Endpoints"), for
parsing and the OpenAPI document. Answers are checked against the attempt's paper in
app.attempts.answers, which needs the attempt; here only the envelope's shape is."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_SEQ = 2**62


class SyncIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "answers": {"101": "A", "102": ["A", "C"], "103": "42.5"},
                    "markedForReview": [101, 104],
                    "seq": 7,
                }
            ]
        },
    )

    answers: dict[str, Any] = Field(
        description="Every answer the student holds, by question id: MCQ a letter, MSQ a list "
        "of letters, NUMERIC a string. An empty value means not answered."
    )
    markedForReview: list[Any] | None = Field(
        default=None, description="Question ids marked for review; left out = unchanged"
    )
    seq: int | None = Field(
        default=None,
        ge=0,
        le=MAX_SEQ,
        description="The client's sequence number; only a sync newer than the last one stored "
        "changes anything. Left out: this sync is taken as the newest.",
    )


class SubmitIn(BaseModel):
    """Optional: the player's last answers, applied (if newest) before the attempt closes."""

    model_config = ConfigDict(extra="ignore")

    answers: dict[str, Any] | None = None
    markedForReview: list[Any] | None = None
    seq: int | None = Field(default=None, ge=0, le=MAX_SEQ)


class PreloadOut(BaseModel):
    success: bool
    cached: bool
    question_count: int


class StartOut(BaseModel):
    success: bool
    redirect_url: str
    resumed: bool
    attempt_id: int
    attempt_number: int
    fresh_start: bool = False
    deadline_at: str


class SyncOut(BaseModel):
    success: bool
    saved: bool = Field(description="false: a newer sync was already stored (stale or repeated)")
    seq: int
    saved_at: str
    server_time: str
    deadline_at: str | None = None


class SubmitOut(BaseModel):
    success: bool
    message: str
    redirect_url: str
    attempt_id: int
    result_id: int
    result_visible: bool
    score: float | None = None
    max_score: float | None = None


class StatusOut(BaseModel):
    success: bool
    has_active_attempt: bool
    attempt_id: int | None
    attempt_number: int | None
    start_time: str | None = Field(description="UTC, 'YYYY-MM-DD HH:MM:SS'")
    completed_count: int
    max_attempts: int = Field(description="Attempts allowed in all (0: unlimited)")
    attempts_remaining: int | None
    unlimited: bool
    deadline_at: str | None
    seconds_left: int | None
    seq: int | None = Field(description="The newest sequence number saved on the open attempt")
    window: str = Field(description="upcoming | open | closed")


# Admin: attempts ---------------------------------------------------------------------------


class AttemptsSearchQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str = Field(
        default="", max_length=200, description="Student (username, name, e-mail) or exam name"
    )
    exam_id: int | None = Field(default=None, ge=1, description="One exam: lists every student")
    status: str | None = Field(default=None, description="unlimited | available | exhausted")
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)


class AttemptRow(BaseModel):
    student_id: int
    username: str
    full_name: str
    exam_id: int
    exam_name: str
    max_attempts: int
    extra_attempts: int
    allowed_attempts: int | None
    used_attempts: int
    attempts_remaining: int | None
    status: str
    in_progress: bool
    extra_minutes: int
    last_attempt_at: str | None


class AttemptsSearchOut(BaseModel):
    success: bool
    attempts: list[AttemptRow]
    pagination: dict[str, Any]


class ModifyIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"student_id": 5, "exam_id": 42, "action": "increase", "amount": 1}]
        },
    )

    student_id: int = Field(ge=1)
    exam_id: int = Field(ge=1)
    action: str = Field(description="reset | increase | decrease")
    amount: int | None = Field(default=None, description="1-100 for increase/decrease (default 1)")


class BulkItem(BaseModel):
    student_id: int = Field(ge=1)
    exam_id: int = Field(ge=1)


class BulkModifyIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {"items": [{"student_id": 5, "exam_id": 42}], "action": "reset", "amount": 0}
            ]
        },
    )

    items: list[BulkItem]
    action: str
    amount: int | None = None


class ExtraTimeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    student_id: int = Field(ge=1)
    exam_id: int = Field(ge=1)
    minutes: int = Field(description="Extra minutes on every attempt, 0-1440 (0 removes it)")


class ModifyOut(BaseModel):
    success: bool
    message: str
    attempt: AttemptRow


class BulkModifyOut(BaseModel):
    success: bool
    message: str
    updated: int
    attempts: list[AttemptRow]

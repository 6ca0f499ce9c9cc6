"""Request and response shapes of SmartAIExam's discussion endpoints (000_…, "Discussion
Endpoints"), for parsing and the OpenAPI document. Lengths and limits are checked in the
services, so pages and API clients get the same messages."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CommentIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"message": "The answer is B because...", "exam_id": 42, "parent_id": 1}]
        },
    )

    message: str = Field(description="At most 500 characters (after trimming)")
    exam_id: int | None = Field(default=None, description="Optional: must be the question's exam")
    parent_id: int | None = Field(
        default=None,
        description="Optional: reply to this comment (a reply to a reply joins "
        "its top-level comment's thread)",
    )


class EditIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"message": "Updated explanation..."}]}
    )

    message: str


class CountsIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"question_ids": [101, 102, 103]}]}
    )

    question_ids: list[int] = Field(description="At most 100")


class PinIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    pinned: bool | None = Field(default=None, description="Omit to toggle")


class BestAnswerIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    best_answer: bool | None = Field(default=None, description="Omit to toggle")


class OpenIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    open: bool | None = Field(default=None, description="Omit to toggle")


class CommentOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    username: str
    message: str
    is_own: bool
    is_pinned: bool
    is_best_answer: bool
    created_at: str
    replies: list[dict[str, Any]]


class ThreadOut(BaseModel):
    success: bool
    count: int
    comments: list[CommentOut]


class PostOut(BaseModel):
    success: bool
    message: CommentOut


class SuccessOut(BaseModel):
    success: bool


class CountsOut(BaseModel):
    success: bool
    counts: dict[str, int]


class PinOut(BaseModel):
    success: bool
    is_pinned: bool


class BestAnswerOut(BaseModel):
    success: bool
    is_best_answer: bool


class OpenOut(BaseModel):
    success: bool
    exam_id: int
    discussion_open: bool

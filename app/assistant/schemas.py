"""Request and response shapes of the study assistant (000_…, "AI Study Assistant"), for parsing
and the OpenAPI document. The message's length bounds are checked in the service, so the 400
says "too short" or "too long" in the document's words rather than pydantic's."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.assistant.services import MAX_LENGTH, MIN_LENGTH


class StudyChatIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [{"message": "Explain conservation of momentum with an example"}]
        },
    )

    message: str | None = Field(
        default=None,
        description=f"The question, {MIN_LENGTH} to {MAX_LENGTH} characters once trimmed",
    )


class HistoryItem(BaseModel):
    text: str
    isUser: bool
    timestamp: str | None = Field(description="UTC, ISO 8601")


class AssistantInitOut(BaseModel):
    success: bool
    dailyLimit: int
    questionsUsed: int = Field(description="Messages counted today (the institute's day)")
    history: list[HistoryItem] = Field(description="The whole conversation, oldest first")
    configured: bool = Field(description="False when the server has no AI key")
    message: str | None = Field(
        default=None, description='"AI is not configured on this server" when not configured'
    )


class StudyChatOut(BaseModel):
    success: bool
    response: str = Field(description="Markdown with LaTeX; starts with [FINAL ANSWER]")
    questions_remaining: int


class LimitOut(BaseModel):
    success: bool
    message: str
    limit_reached: bool


class ClearOut(BaseModel):
    success: bool
    message: str

"""Request and response shapes of SmartAIExam's chat endpoints (000_…, "Chat Endpoints"), for
parsing and the OpenAPI document. Lengths and membership are checked in the services, so the
socket handlers get the same answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

Id = int


class MessagesQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    before: datetime | None = Field(
        default=None, description="ISO timestamp: only messages older than this"
    )
    before_id: int | None = Field(
        default=None, ge=1, description="Only messages older than this message id (exact paging)"
    )


class SendIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={
            "examples": [
                {
                    "message": "Hey, how are you?",
                    "reply_to_id": 85,
                    "reply_to_text": "Hi there!",
                    "reply_to_name": "Jane Smith",
                }
            ]
        },
    )

    message: str = Field(description="1-1000 characters, stored as typed")
    reply_to_id: int | None = None
    reply_to_text: str | None = Field(
        default=None, description="Ignored: the server quotes the message it answers"
    )
    reply_to_name: str | None = Field(default=None, description="Ignored, as reply_to_text")


class EditIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message: str


class RequestIn(BaseModel):
    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [{"recipient_id": 5}]})

    recipient_id: int


class AnswerIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore", json_schema_extra={"examples": [{"action": "accept"}]}
    )

    action: str = Field(description='"accept" or "reject"')


class StatusQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ids: str = Field(default="", description="Comma-separated user ids, e.g. 1,2,5")


class GroupIn(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"name": "Physics Study Group", "member_ids": [3, 5, 7]}]},
    )

    name: str
    member_ids: list[int] = Field(max_length=255)


class SuccessOut(BaseModel):
    success: bool = True


class LastMessageOut(BaseModel):
    message: str
    created_at: str


class ConversationOut(BaseModel):
    id: int
    name: str
    is_group: bool
    unread: int
    online: bool
    last_message: LastMessageOut | None
    member_ids: list[int]


class ConversationsOut(BaseModel):
    success: bool
    conversations: list[ConversationOut]


class MessageOut(BaseModel):
    id: int
    sender_name: str
    message: str
    created_at: str
    is_own: bool
    is_edited: bool
    reply_to_id: int | None
    sender_id: int | None
    is_deleted: bool
    reply_to_text: str | None
    reply_to_name: str | None
    conv_id: int


class MessagesOut(BaseModel):
    success: bool
    messages: list[MessageOut]


class SentOut(BaseModel):
    success: bool
    message: MessageOut


class EditedOut(BaseModel):
    success: bool
    message: str = Field(description="The new text")


class RequestOut(BaseModel):
    conn_id: int
    from_id: int
    from_name: str
    created_at: str


class InboxOut(BaseModel):
    success: bool
    requests: list[RequestOut]


class AnsweredOut(BaseModel):
    success: bool
    conv_id: int | None = Field(default=None, description="Accepted: the direct conversation")


class UnreadOut(BaseModel):
    success: bool
    unread: int
    requests: int


class StatusOut(BaseModel):
    success: bool
    status: dict[str, bool]


class GroupOut(BaseModel):
    success: bool
    conv_id: int


class FriendOut(BaseModel):
    id: int
    name: str
    online: bool


class FriendsOut(BaseModel):
    success: bool
    friends: list[FriendOut]

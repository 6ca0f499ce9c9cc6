"""SmartAIExam's chat endpoints (000_…, "Chat Endpoints"), plus two the chat page needs (your
connections, and people to connect with). Views parse, call app.chat.services and answer; the
request commits once, and the live events go out after that commit."""

from __future__ import annotations

from datetime import UTC

from flask import Response
from pydantic import BaseModel, ConfigDict, Field

from app.chat import contacts, presence, presenters, services
from app.chat.schemas import (
    AnsweredOut,
    AnswerIn,
    ConversationsOut,
    EditedOut,
    EditIn,
    FriendsOut,
    GroupIn,
    GroupOut,
    InboxOut,
    MessagesOut,
    MessagesQuery,
    RequestIn,
    SendIn,
    SentOut,
    StatusOut,
    StatusQuery,
    SuccessOut,
    UnreadOut,
)
from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.models import User

bp = surface_blueprint("sae_chat", __name__, Surface.SMARTAIEXAM)
TAGS = ["SmartAIExam: chat"]


@bp.get("/api/chat/conversations")
@auth_required()
@endpoint(
    "List all DM and group conversations with unread counts",
    responses={200: ConversationsOut},
    tags=TAGS,
)
def conversations(actor: User) -> Response:
    return respond({"success": True, "conversations": services.conversations(actor)})


@bp.get("/api/chat/messages/<int:conv_id>")
@auth_required()
@endpoint(
    "Get messages, 40 at a time, paginated backwards; also marks the conversation read",
    query=MessagesQuery,
    responses={200: MessagesOut, 403: None, 404: None},
    tags=TAGS,
)
def get_messages(actor: User, conv_id: int, query: MessagesQuery) -> Response:
    before = query.before
    if before is not None and before.tzinfo is not None:  # "...Z" or an offset: to naive UTC
        before = before.astimezone(UTC).replace(tzinfo=None)
    page = services.messages(actor, conv_id, before=before, before_id=query.before_id)
    return respond({"success": True, "messages": [presenters.message(m, actor.id) for m in page]})


@bp.post("/api/chat/messages/<int:conv_id>")
@auth_required()
@endpoint(
    "Send a message: at most 1000 characters, 1 per 2 seconds",
    body=SendIn,
    responses={200: SentOut, 400: None, 403: None, 404: None, 429: None},
    tags=TAGS,
)
def send_message(actor: User, conv_id: int, body: SendIn) -> Response:
    msg = services.send(actor, conv_id, body.message, reply_to_id=body.reply_to_id)
    return respond({"success": True, "message": presenters.sent(msg)})


@bp.put("/api/chat/messages/<int:msg_id>/edit")
@auth_required()
@endpoint(
    "Edit your own message",
    body=EditIn,
    responses={200: EditedOut, 400: None, 403: None, 404: None},
    tags=TAGS,
)
def edit_message(actor: User, msg_id: int, body: EditIn) -> Response:
    msg = services.edit(actor, msg_id, body.message)
    return respond({"success": True, "message": msg.body})


@bp.delete("/api/chat/messages/<int:msg_id>")
@auth_required()
@endpoint(
    "Soft-delete your own message",
    responses={200: SuccessOut, 403: None, 404: None},
    tags=TAGS,
)
def delete_message(actor: User, msg_id: int) -> Response:
    services.delete_message(actor, msg_id)
    return respond({"success": True})


@bp.post("/api/chat/conversations/<int:conv_id>/read")
@auth_required()
@endpoint(
    "Mark a conversation as read (its unread count becomes 0)",
    responses={200: SuccessOut, 403: None, 404: None},
    tags=TAGS,
)
def mark_read(actor: User, conv_id: int) -> Response:
    services.mark_read(actor, conv_id)
    return respond({"success": True})


@bp.post("/api/chat/request")
@auth_required()
@endpoint(
    "Send a connection request to a user",
    body=RequestIn,
    responses={200: SuccessOut, 400: None, 404: None, 409: None},
    tags=TAGS,
)
def send_request(actor: User, body: RequestIn) -> Response:
    contacts.request_connection(actor, body.recipient_id)
    return respond({"success": True})


@bp.get("/api/chat/requests/inbox")
@auth_required()
@endpoint("Pending incoming connection requests", responses={200: InboxOut}, tags=TAGS)
def inbox(actor: User) -> Response:
    return respond(
        {"success": True, "requests": [presenters.request(c) for c in contacts.inbox(actor)]}
    )


@bp.put("/api/chat/request/<int:conn_id>")
@auth_required()
@endpoint(
    "Accept or reject a connection request",
    body=AnswerIn,
    responses={200: AnsweredOut, 400: None, 404: None, 409: None},
    tags=TAGS,
)
def answer_request(actor: User, conn_id: int, body: AnswerIn) -> Response:
    conv = contacts.answer_request(actor, conn_id, body.action)
    return respond({"success": True, "conv_id": conv.id} if conv else {"success": True})


@bp.get("/api/chat/unread_count")
@auth_required()
@endpoint(
    "Total unread messages and pending connection requests",
    responses={200: UnreadOut},
    tags=TAGS,
)
def unread_count(actor: User) -> Response:
    unread, requests = services.unread_count(actor)
    return respond({"success": True, "unread": unread, "requests": requests})


@bp.get("/api/chat/online_status")
@auth_required()
@endpoint(
    "Whether each of several users is connected right now",
    query=StatusQuery,
    responses={200: StatusOut, 400: None},
    tags=TAGS,
)
def online_status(actor: User, query: StatusQuery) -> Response:
    ids = presence.parse_ids(query.ids)
    return respond({"success": True, "status": presence.online_status(ids)})


@bp.post("/api/chat/group")
@auth_required()
@endpoint(
    "Create a group conversation with some of your connections",
    body=GroupIn,
    responses={200: GroupOut, 400: None, 403: None},
    tags=TAGS,
)
def create_group(actor: User, body: GroupIn) -> Response:
    conv = services.create_group(actor, body.name, body.member_ids)
    return respond({"success": True, "conv_id": conv.id})


@bp.delete("/api/chat/friend/<int:other_id>")
@auth_required()
@endpoint(
    "Remove a connection and purge your direct conversation (groups are unaffected)",
    responses={200: SuccessOut, 404: None},
    tags=TAGS,
)
def remove_friend(actor: User, other_id: int) -> Response:
    contacts.remove_friend(actor, other_id)
    return respond({"success": True})


@bp.get("/api/chat/friends")
@auth_required()
@endpoint("Your connections, with their online status", responses={200: FriendsOut}, tags=TAGS)
def friends(actor: User) -> Response:
    people = contacts.connections(actor)
    online = presence.online_users({u.id for u in people})
    return respond(
        {
            "success": True,
            "friends": [
                {"id": u.id, "name": u.display_name, "online": u.id in online} for u in people
            ],
        }
    )


class PeopleQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str = Field(default="", max_length=80, description="Part of a username or name")


class PersonOut(BaseModel):
    id: int
    name: str
    username: str


class PeopleOut(BaseModel):
    success: bool
    users: list[PersonOut]


@bp.get("/api/chat/people")
@auth_required()
@endpoint(
    "Find people to send a connection request to (at most 20, by username or name)",
    query=PeopleQuery,
    responses={200: PeopleOut},
    tags=TAGS,
)
def people(actor: User, query: PeopleQuery) -> Response:
    found = contacts.search_people(actor, query.q)
    return respond(
        {
            "success": True,
            "users": [{"id": u.id, "name": u.display_name, "username": u.username} for u in found],
        }
    )

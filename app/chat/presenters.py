"""Chat objects as the SmartAIExam document shows them (field names and order as written), with
a few extra fields the chat page needs (sender ids, deletion, the quoted reply)."""

from __future__ import annotations

from typing import Any

from app.core.jsonprovider import iso
from app.models import Connection, Conversation, Message, User

DELETED_ACCOUNT = "Deleted Account"
DELETED_MESSAGE = "This message was deleted"


def sender_name(user: User | None) -> str:
    return user.display_name if user is not None else DELETED_ACCOUNT


def shown_text(msg: Message) -> str:
    return DELETED_MESSAGE if msg.is_deleted else msg.body


def message(msg: Message, viewer_id: int) -> dict[str, Any]:
    """One message for the viewer (`is_own` is theirs)."""
    return {
        "id": msg.id,
        "sender_name": sender_name(msg.sender),
        "message": shown_text(msg),
        "created_at": iso(msg.created_at),
        "is_own": msg.sender_id is not None and msg.sender_id == viewer_id,
        "is_edited": msg.edited_at is not None,
        "reply_to_id": msg.reply_to_id,
        "sender_id": msg.sender_id,
        "is_deleted": msg.is_deleted,
        "reply_to_text": msg.reply_to_text,
        "reply_to_name": msg.reply_to_name,
        "conv_id": msg.conversation_id,
    }


def sent(msg: Message) -> dict[str, Any]:
    """The send response: the document's four fields, then the rest of the message."""
    full = message(msg, msg.sender_id or 0)
    head = {k: full[k] for k in ("id", "message", "is_own", "created_at")}
    return head | {k: v for k, v in full.items() if k not in head}


def message_event(msg: Message) -> dict[str, Any]:
    """A new message pushed to a room: everyone in it gets the same payload, so there is no
    `is_own`; clients compare `sender_id` with their own id."""
    body = message(msg, 0)
    del body["is_own"]
    return body


def conversation(
    conv: Conversation,
    *,
    name: str,
    unread: int,
    online: bool,
    last: Message | None,
    others: list[User],
) -> dict[str, Any]:
    return {
        "id": conv.id,
        "name": name,
        "is_group": conv.is_group,
        "unread": unread,
        "online": online,
        "last_message": (
            {"message": shown_text(last), "created_at": iso(last.created_at)} if last else None
        ),
        "member_ids": [u.id for u in others],
    }


def request(conn: Connection) -> dict[str, Any]:
    return {
        "conn_id": conn.id,
        "from_id": conn.requester_id,
        "from_name": sender_name(conn.requester),
        "created_at": iso(conn.created_at),
    }

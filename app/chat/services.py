"""Peer chat use cases, shared by the REST views and the Socket.IO handlers.

Every function takes the acting user and checks, for each object, that they may touch it:
conversations only by their members, messages only by their sender. Services flush and never
commit; what they change is announced to the /chat rooms after the commit (app.chat.realtime).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.chat import contacts, presenters
from app.chat.contacts import purge_conversation
from app.chat.presence import online_users
from app.chat.realtime import announce, conv_room, user_room
from app.core.errors import Forbidden, Invalid, NotFound, RateLimited
from app.core.signals import account_deleting
from app.extensions import db
from app.models import (
    ChatPresence,
    ChatSendClock,
    Connection,
    Conversation,
    ConversationMember,
    Message,
    User,
    utcnow,
)
from app.models.chat import DM, GROUP, PENDING

MAX_MESSAGE = 1000
QUOTE_CHARS = 100
PAGE_SIZE = 40
SEND_INTERVAL = 2.0  # seconds between two messages of one user (the document's 1 per 2 s)
MAX_GROUP_MEMBERS = 256


# --- conversations and membership -------------------------------------------------------------


def membership(actor: User, conv_id: int) -> ConversationMember:
    """The actor's membership of a conversation: 404 when it does not exist, 403 when they are
    not in it (the document's "Not a member")."""
    conv = db.session.get(Conversation, conv_id)
    if conv is None:
        raise NotFound("Conversation not found")
    member = db.session.get(ConversationMember, (conv_id, actor.id))
    if member is None:
        raise Forbidden("You are not a member of this conversation")
    return member


def is_member(user_id: int, conv_id: int) -> bool:
    return db.session.get(ConversationMember, (conv_id, user_id)) is not None


def _unread_by_conversation(user_id: int) -> dict[int, int]:
    """Messages from others, not deleted, newer than the member's read marker."""
    rows = db.session.execute(
        select(Message.conversation_id, func.count(Message.id))
        .join(
            ConversationMember,
            and_(
                ConversationMember.conversation_id == Message.conversation_id,
                ConversationMember.user_id == user_id,
            ),
        )
        .where(
            Message.id > ConversationMember.last_read_id,
            or_(Message.sender_id.is_(None), Message.sender_id != user_id),
            Message.deleted_at.is_(None),
        )
        .group_by(Message.conversation_id)
    )
    return {conv_id: count for conv_id, count in rows}


def _other_members(conv_ids: list[int], user_id: int) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {cid: [] for cid in conv_ids}
    if not conv_ids:
        return out
    rows = db.session.execute(
        select(ConversationMember.conversation_id, User)
        .join(User, User.id == ConversationMember.user_id)
        .where(
            ConversationMember.conversation_id.in_(conv_ids),
            ConversationMember.user_id != user_id,
        )
    )
    for conv_id, user in rows:
        out[conv_id].append(user)
    return out


def _last_messages(conv_ids: list[int]) -> dict[int, Message]:
    if not conv_ids:
        return {}
    newest = (
        select(func.max(Message.id))
        .where(Message.conversation_id.in_(conv_ids), Message.deleted_at.is_(None))
        .group_by(Message.conversation_id)
    )
    return {
        m.conversation_id: m
        for m in db.session.scalars(select(Message).where(Message.id.in_(newest)))
    }


def conversation_name(conv: Conversation, others: list[User]) -> str:
    if conv.is_group:
        return conv.name
    return others[0].display_name if others else presenters.DELETED_ACCOUNT


def conversations(actor: User) -> list[dict[str, Any]]:
    """Every conversation of the actor, the most recently active first, with unread counts and
    whether someone else in it is connected right now."""
    convs = list(
        db.session.scalars(
            select(Conversation)
            .join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
            .where(ConversationMember.user_id == actor.id)
        )
    )
    ids = [c.id for c in convs]
    unread = _unread_by_conversation(actor.id)
    others = _other_members(ids, actor.id)
    online = online_users({u.id for us in others.values() for u in us})
    last = _last_messages(ids)

    def activity(conv: Conversation) -> tuple:
        newest = last.get(conv.id)
        return (newest.created_at if newest else conv.created_at, conv.id)

    convs.sort(key=activity, reverse=True)
    return [
        presenters.conversation(
            conv,
            name=conversation_name(conv, others[conv.id]),
            unread=unread.get(conv.id, 0),
            online=any(u.id in online for u in others[conv.id]),
            last=last.get(conv.id),
            others=others[conv.id],
        )
        for conv in convs
    ]


def mark_read(actor: User, conv_id: int) -> int:
    """Move the actor's read marker to the newest message; returns it. Announces a read receipt
    when the marker moved."""
    member = membership(actor, conv_id)
    newest = db.session.scalar(
        select(func.max(Message.id)).where(Message.conversation_id == conv_id)
    )
    if newest and newest > member.last_read_id:
        member.last_read_id = newest
        db.session.flush()
        announce(
            "read",
            {"conv_id": conv_id, "user_id": actor.id, "last_read_id": newest},
            conv_room(conv_id),
        )
    return member.last_read_id


# --- messages ---------------------------------------------------------------------------------


def messages(
    actor: User,
    conv_id: int,
    *,
    before: datetime | None = None,
    before_id: int | None = None,
    limit: int = PAGE_SIZE,
) -> list[Message]:
    """Up to `limit` messages older than `before` (a time) or `before_id` (a message id), oldest
    first; the newest page without either. Loading them marks the conversation read."""
    membership(actor, conv_id)
    stmt = select(Message).where(Message.conversation_id == conv_id)
    if before is not None:
        stmt = stmt.where(Message.created_at < before)
    if before_id is not None:
        stmt = stmt.where(Message.id < before_id)
    page = list(db.session.scalars(stmt.order_by(Message.id.desc()).limit(limit)))
    mark_read(actor, conv_id)
    page.reverse()
    return page


def _check_text(text: str) -> str:
    if not text or not text.strip():
        raise Invalid("Message cannot be empty", code="empty_message")
    if len(text) > MAX_MESSAGE:
        raise Invalid(f"Message too long (max {MAX_MESSAGE} characters)", code="message_too_long")
    return text


def _throttle(user_id: int, now: datetime) -> None:
    """At most one message per SEND_INTERVAL per user, across processes: one conditional
    UPDATE of the user's clock row (PostgreSQL re-checks the condition after waiting for a
    concurrent sender's row lock), or the first row for a user."""
    interval = float(current_app.config.get("CHAT_SEND_INTERVAL", SEND_INTERVAL))
    cutoff = now - timedelta(seconds=interval)
    updated = db.session.execute(
        update(ChatSendClock)
        .where(ChatSendClock.user_id == user_id, ChatSendClock.last_sent_at <= cutoff)
        .values(last_sent_at=now)
    ).rowcount
    if updated:
        return
    try:
        with db.session.begin_nested():
            db.session.add(ChatSendClock(user_id=user_id, last_sent_at=now))
    except IntegrityError:
        raise RateLimited(
            "You are sending messages too fast. Wait 2 seconds.",
            headers={"Retry-After": str(max(1, round(interval)))},
        ) from None


def send(
    actor: User,
    conv_id: int,
    text: str,
    *,
    reply_to_id: int | None = None,
    now: datetime | None = None,
) -> Message:
    """Post a message. A reply quotes the message it answers as it is now (its first 100
    characters and its sender's name), whatever the client claims it said."""
    member = membership(actor, conv_id)
    text = _check_text(text)
    reply: Message | None = None
    if reply_to_id is not None:
        reply = db.session.get(Message, reply_to_id)
        if reply is None or reply.conversation_id != conv_id:
            raise Invalid("reply_to_id is not a message in this conversation", code="bad_reply")
    now = now or utcnow()
    _throttle(actor.id, now)
    msg = Message(
        conversation_id=conv_id,
        sender_id=actor.id,
        body=text,
        created_at=now,
        reply_to_id=reply.id if reply else None,
        reply_to_text=(presenters.shown_text(reply)[:QUOTE_CHARS] if reply else None),
        reply_to_name=(presenters.sender_name(reply.sender) if reply else None),
    )
    db.session.add(msg)
    db.session.flush()
    member.conversation.last_message_at = now
    member.last_read_id = msg.id
    db.session.flush()
    announce("message", presenters.message_event(msg), conv_room(conv_id))
    return msg


def own_message(actor: User, msg_id: int) -> Message:
    msg = db.session.get(Message, msg_id)
    if msg is None:
        raise NotFound("Message not found")
    if msg.sender_id != actor.id:
        raise Forbidden("You can only change your own messages")
    return msg


def edit(actor: User, msg_id: int, text: str) -> Message:
    msg = own_message(actor, msg_id)
    if msg.is_deleted:
        raise Invalid("A deleted message cannot be edited", code="message_deleted")
    msg.body = _check_text(text)
    msg.edited_at = utcnow()
    db.session.flush()
    announce(
        "message_edited",
        {"id": msg.id, "conv_id": msg.conversation_id, "message": msg.body, "is_edited": True},
        conv_room(msg.conversation_id),
    )
    return msg


def delete_message(actor: User, msg_id: int) -> Message:
    """Soft delete: the text is gone, the row stays for the thread's shape. Deleting twice is
    the same as once."""
    msg = own_message(actor, msg_id)
    if msg.is_deleted:
        return msg
    msg.body = ""
    msg.deleted_at = utcnow()
    db.session.flush()
    announce(
        "message_deleted",
        {"id": msg.id, "conv_id": msg.conversation_id},
        conv_room(msg.conversation_id),
    )
    return msg


def unread_count(actor: User) -> tuple[int, int]:
    """Unread messages over every conversation, and pending connection requests to the actor."""
    unread = sum(_unread_by_conversation(actor.id).values())
    requests = db.session.scalar(
        select(func.count(Connection.id)).where(
            Connection.recipient_id == actor.id, Connection.status == PENDING
        )
    )
    return unread, int(requests or 0)


# --- groups -----------------------------------------------------------------------------------


def create_group(actor: User, name: str, member_ids: list[int]) -> Conversation:
    """A named group of the actor and some of their connections (a group is made of people who
    agreed to talk to the creator; strangers cannot be added)."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid("Group name must be 1-100 characters", code="bad_group_name")
    wanted = list(dict.fromkeys(i for i in member_ids if i != actor.id))
    if not wanted:
        raise Invalid("A group needs at least one other member", code="no_members")
    if len(wanted) + 1 > MAX_GROUP_MEMBERS:
        raise Invalid(f"A group has at most {MAX_GROUP_MEMBERS} members", code="too_many")
    friends = {u.id for u in contacts.connections(actor)}
    strangers = [i for i in wanted if i not in friends]
    if strangers:
        raise Forbidden(
            "You can only add your connections to a group: " + ", ".join(str(i) for i in strangers),
            code="not_connected",
        )
    conv = Conversation(kind=GROUP, name=name, created_by_id=actor.id)
    conv.members = [ConversationMember(user_id=uid) for uid in [actor.id, *wanted]]
    db.session.add(conv)
    db.session.flush()
    for uid in [actor.id, *wanted]:
        announce("conversation", {"conv_id": conv.id}, user_room(uid))
    return conv


# --- accounts ---------------------------------------------------------------------------------


@account_deleting.connect
def _forget_account(user: User, **_: Any) -> None:
    """A deleted account's direct conversations, connections, memberships and live connections
    go; their group messages stay, shown as "Deleted Account"."""
    dm_ids = db.session.scalars(
        select(Conversation.id)
        .join(ConversationMember, ConversationMember.conversation_id == Conversation.id)
        .where(ConversationMember.user_id == user.id, Conversation.kind == DM)
    ).all()
    for conv_id in dm_ids:
        purge_conversation(conv_id)
    db.session.execute(update(Message).where(Message.sender_id == user.id).values(sender_id=None))
    db.session.execute(
        update(Conversation).where(Conversation.created_by_id == user.id).values(created_by_id=None)
    )
    db.session.execute(delete(ConversationMember).where(ConversationMember.user_id == user.id))
    db.session.execute(
        delete(Connection).where(
            or_(Connection.requester_id == user.id, Connection.recipient_id == user.id)
        )
    )
    db.session.execute(delete(ChatPresence).where(ChatPresence.user_id == user.id))
    db.session.execute(delete(ChatSendClock).where(ChatSendClock.user_id == user.id))

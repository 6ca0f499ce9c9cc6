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

from app.chat import presenters
from app.chat.realtime import announce, conv_room, user_room
from app.core.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
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
from app.models.chat import ACCEPTED, DM, GROUP, PENDING, REJECTED

MAX_MESSAGE = 1000
QUOTE_CHARS = 100
PAGE_SIZE = 40
SEND_INTERVAL = 2.0  # seconds between two messages of one user (the document's 1 per 2 s)
MAX_GROUP_MEMBERS = 256
MAX_STATUS_IDS = 200
# A live connection's row is refreshed every PRESENCE_REFRESH by its realtime process; one not
# refreshed for PRESENCE_TTL belongs to a process that died.
PRESENCE_REFRESH = timedelta(seconds=30)
PRESENCE_TTL = timedelta(seconds=90)


def pair_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


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


def conversation_ids(user_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(ConversationMember.conversation_id).where(ConversationMember.user_id == user_id)
        )
    )


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


# --- connections ------------------------------------------------------------------------------


def _connection_between(a: int, b: int) -> Connection | None:
    return db.session.scalar(select(Connection).where(Connection.pair_key == pair_key(a, b)))


def request_connection(actor: User, recipient_id: int) -> Connection:
    if recipient_id == actor.id:
        raise Invalid("You cannot send a connection request to yourself", code="self_request")
    recipient = db.session.get(User, recipient_id)
    if recipient is None:
        raise NotFound("User not found")
    existing = _connection_between(actor.id, recipient_id)
    if existing is not None:
        if existing.status == ACCEPTED:
            raise Conflict("You are already connected", code="already_connected")
        if existing.status == PENDING:
            raise Conflict("A connection request is already pending", code="already_sent")
        # Rejected earlier: asking again is a new request, from whoever asks now.
        existing.requester_id, existing.recipient_id = actor.id, recipient_id
        existing.status, existing.created_at, existing.decided_at = PENDING, utcnow(), None
        conn = existing
    else:
        conn = Connection(
            requester_id=actor.id,
            recipient_id=recipient_id,
            pair_key=pair_key(actor.id, recipient_id),
        )
        try:
            with db.session.begin_nested():
                db.session.add(conn)
        except IntegrityError:  # the same pair asked at the same moment
            raise Conflict("A connection request is already pending", code="already_sent") from None
    db.session.flush()
    announce("request", {"conn_id": conn.id, "from_id": actor.id}, user_room(recipient_id))
    return conn


def inbox(actor: User) -> list[Connection]:
    return list(
        db.session.scalars(
            select(Connection)
            .where(Connection.recipient_id == actor.id, Connection.status == PENDING)
            .order_by(Connection.created_at.desc(), Connection.id.desc())
        )
    )


def connections(actor: User) -> list[User]:
    """The actor's accepted connections (friends), by name."""
    rows = db.session.scalars(
        select(Connection).where(
            Connection.status == ACCEPTED,
            or_(Connection.requester_id == actor.id, Connection.recipient_id == actor.id),
        )
    )
    ids = [c.recipient_id if c.requester_id == actor.id else c.requester_id for c in rows]
    if not ids:
        return []
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return sorted(users, key=lambda u: u.display_name.lower())


def search_people(actor: User, text: str, limit: int = 20) -> list[User]:
    """People to send a connection request to, by part of their username or name."""
    text = text.strip().lower()
    if len(text) < 2:
        return []
    like = f"%{text}%"
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id != actor.id,
                or_(func.lower(User.username).like(like), func.lower(User.full_name).like(like)),
            )
            .order_by(User.username)
            .limit(limit)
        )
    )


def _dm_for(a: int, b: int) -> Conversation:
    key = pair_key(a, b)
    conv = db.session.scalar(select(Conversation).where(Conversation.dm_key == key))
    if conv is None:
        conv = Conversation(kind=DM, dm_key=key, created_by_id=a)
        conv.members = [ConversationMember(user_id=a), ConversationMember(user_id=b)]
        db.session.add(conv)
        db.session.flush()
    return conv


def answer_request(actor: User, conn_id: int, action: str) -> Conversation | None:
    """Accept (returns the direct conversation, created now or kept from before) or reject.
    Only the recipient may answer; someone else's request is 404, so ids reveal nothing."""
    if action not in ("accept", "reject"):
        raise Invalid('action must be "accept" or "reject"', code="bad_action")
    conn = db.session.get(Connection, conn_id)
    if conn is None or conn.recipient_id != actor.id:
        raise NotFound("Connection request not found")
    if conn.status != PENDING:
        raise Conflict("This request has already been answered", code="already_answered")
    conn.decided_at = utcnow()
    if action == "reject":
        conn.status = REJECTED
        db.session.flush()
        return None
    conn.status = ACCEPTED
    conv = _dm_for(conn.requester_id, conn.recipient_id)
    db.session.flush()
    for uid in (conn.requester_id, conn.recipient_id):
        announce("conversation", {"conv_id": conv.id}, user_room(uid))
    return conv


def remove_friend(actor: User, other_id: int) -> int | None:
    """End a connection: the connection row and the direct conversation between the two go,
    messages and all; groups they share are untouched. Returns the removed conversation's id."""
    conn = _connection_between(actor.id, other_id)
    if conn is None or conn.status != ACCEPTED:
        raise NotFound("You are not connected with this user")
    db.session.delete(conn)
    conv = db.session.scalar(
        select(Conversation).where(Conversation.dm_key == pair_key(actor.id, other_id))
    )
    removed = None
    if conv is not None:
        removed = conv.id
        _purge_conversation(conv.id)
        for uid in (actor.id, other_id):
            announce("conversation_removed", {"conv_id": removed}, user_room(uid))
    db.session.flush()
    return removed


def _purge_conversation(conv_id: int) -> None:
    """Children first, so it works whether or not the database enforces ON DELETE CASCADE."""
    db.session.execute(
        update(Message).where(Message.conversation_id == conv_id).values(reply_to_id=None)
    )
    db.session.execute(delete(Message).where(Message.conversation_id == conv_id))
    db.session.execute(
        delete(ConversationMember).where(ConversationMember.conversation_id == conv_id)
    )
    db.session.execute(delete(Conversation).where(Conversation.id == conv_id))
    db.session.expire_all()


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
    friends = {u.id for u in connections(actor)}
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


# --- presence ---------------------------------------------------------------------------------


def online_users(user_ids: set[int] | list[int], now: datetime | None = None) -> set[int]:
    """Which of these users have a live /chat connection on any realtime process."""
    ids = list(set(user_ids))
    if not ids:
        return set()
    fresh = (now or utcnow()) - PRESENCE_TTL
    return set(
        db.session.scalars(
            select(ChatPresence.user_id)
            .where(ChatPresence.user_id.in_(ids), ChatPresence.seen_at > fresh)
            .distinct()
        )
    )


def parse_ids(raw: str) -> list[int]:
    parts = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise Invalid("ids must be comma-separated user ids", code="bad_ids")
    if len(parts) > MAX_STATUS_IDS:
        raise Invalid(f"At most {MAX_STATUS_IDS} ids at once", code="too_many_ids")
    return list(dict.fromkeys(int(p) for p in parts))


def online_status(ids: list[int]) -> dict[str, bool]:
    online = online_users(ids)
    return {str(i): i in online for i in ids}


def connected(user_id: int, sid: str) -> bool:
    """Record a live connection; True when it is the user's first (they just came online)."""
    was_online = bool(online_users({user_id}))
    db.session.add(ChatPresence(sid=sid, user_id=user_id, seen_at=utcnow()))
    db.session.flush()
    if not was_online:
        _announce_presence(user_id, True)
    return not was_online


def disconnected(user_id: int, sid: str) -> bool:
    """Forget a connection; True when it was the user's last (they went offline)."""
    db.session.execute(delete(ChatPresence).where(ChatPresence.sid == sid))
    db.session.flush()
    if online_users({user_id}):
        return False
    _announce_presence(user_id, False)
    return True


def _announce_presence(user_id: int, online: bool) -> None:
    for conv_id in conversation_ids(user_id):
        announce("presence", {"user_id": user_id, "online": online}, conv_room(conv_id))


def refresh_presence(sids: list[str], now: datetime | None = None) -> None:
    """Called by each realtime process for the connections it holds; also clears rows that
    dead processes left behind."""
    now = now or utcnow()
    if sids:
        db.session.execute(
            update(ChatPresence).where(ChatPresence.sid.in_(sids)).values(seen_at=now)
        )
    db.session.execute(delete(ChatPresence).where(ChatPresence.seen_at < now - 10 * PRESENCE_TTL))


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
        _purge_conversation(conv_id)
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

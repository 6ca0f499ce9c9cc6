"""Who may talk to whom: connection requests, accepted connections ("friends"), the direct
conversation an accepted request opens, and finding classmates to ask. A direct conversation
exists only between connected people, so removing a connection purges it.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.chat.realtime import announce, user_room
from app.core.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Connection, Conversation, ConversationMember, Message, User, utcnow
from app.models.chat import ACCEPTED, DM, PENDING, REJECTED


def pair_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


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
        purge_conversation(conv.id)
        for uid in (actor.id, other_id):
            announce("conversation_removed", {"conv_id": removed}, user_room(uid))
    db.session.flush()
    return removed


def purge_conversation(conv_id: int) -> None:
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

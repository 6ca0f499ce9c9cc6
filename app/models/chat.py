"""Peer chat: conversations (a direct message between two connected students, or a named group),
their members with a read marker, messages, connection requests, and who is connected live.

A sender's account may be deleted: group messages stay with `sender_id` NULL and show as
"Deleted Account"; their direct conversations go with the account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.users import User

DM, GROUP = "dm", "group"
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"


class Conversation(Base):
    """A direct message (`kind` "dm", exactly two members, no name) or a group. `dm_key` is
    "<low id>:<high id>" for a direct message, so two people never get two of them."""

    __tablename__ = "chat_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=DM)
    name: Mapped[str] = mapped_column(String(100), default="")
    dm_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_message_at: Mapped[datetime | None] = mapped_column(DateTime)

    members: Mapped[list[ConversationMember]] = relationship(
        back_populates="conversation", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_group(self) -> bool:
        return self.kind == GROUP


class ConversationMember(Base):
    """Membership, with the newest message id the member has read: everything after it from
    someone else is unread."""

    __tablename__ = "chat_members"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)
    joined_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class Message(Base):
    """One message. The text is stored as typed and escaped when shown. Deleting keeps the row
    (`deleted_at`, text emptied) so replies to it and the thread's shape survive; a reply keeps
    the quoted text and name as they were when it was written."""

    __tablename__ = "chat_messages"
    __table_args__ = (Index("ix_chat_messages_conversation_id_id", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("chat_conversations.id", ondelete="CASCADE")
    )
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("chat_messages.id", ondelete="SET NULL")
    )
    reply_to_text: Mapped[str | None] = mapped_column(String(100))
    reply_to_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    sender: Mapped[User | None] = relationship()

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Connection(Base):
    """A connection request from `requester` to `recipient`; accepted, it is the friendship a
    direct message needs. One row per pair, whichever way it was asked."""

    __tablename__ = "chat_connections"
    __table_args__ = (UniqueConstraint("pair_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    pair_key: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])


class ChatSendClock(Base):
    """When each user last sent a chat message: the 1-per-2-seconds limit is one conditional
    UPDATE of this row, so it holds across processes without Redis."""

    __tablename__ = "chat_send_clock"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    last_sent_at: Mapped[datetime] = mapped_column(DateTime)


class ChatPresence(Base):
    """One row per live Socket.IO connection to /chat. The realtime process that holds the
    connection refreshes `seen_at`; a row not refreshed for a while belongs to a process that
    died, and counts for nothing."""

    __tablename__ = "chat_presence"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

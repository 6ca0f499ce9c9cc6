"""Credentials state that outlives a request: refresh tokens, login failures, access requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.users import User


class RefreshToken(Base):
    """Opaque refresh tokens; only the SHA-256 is stored, so a database leak cannot replay them."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    surface: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginFailure(Base):
    """Failed sign-ins per (IP, identifier); the pair is locked after the third."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("ip", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip: Mapped[str] = mapped_column(String(64))
    identifier: Mapped[str] = mapped_column(String(254))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)


class AccessRequest(Base):
    """A request for more roles than sign-up grants; an admin approves or denies it."""

    __tablename__ = "access_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    current_access: Mapped[str] = mapped_column(String(40))
    requested_access: Mapped[str] = mapped_column(String(40))
    requested_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    user_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    approved_access: Mapped[str | None] = mapped_column(String(40))
    admin_reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    # selectin, not joined: deciding a request locks its row (FOR UPDATE), which PostgreSQL
    # refuses across an outer join.
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="selectin")

"""People: one account per person, whatever surface they sign in through."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, TimestampMixin


class UserRole(Base):
    """One row per internal role held; a table (not a string) so role filters are plain SQL."""

    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


def new_auth_stamp() -> str:
    return secrets.token_hex(16)


class User(TimestampMixin, Base):
    __tablename__ = "users"
    # Never reuse a deleted account's id (SQLite otherwise does): ids appear in logs, exports
    # and other systems' records.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    bio: Mapped[str] = mapped_column(Text, default="")
    avatar_url: Mapped[str] = mapped_column(String(500), default="")
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    google_sub: Mapped[str | None] = mapped_column(String(255), unique=True)
    # Set when the person proved they read mail at `email` (a reset link used, or an identity
    # provider vouching for it); an unproved address is never trusted for account linking.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Every session cookie and access token carries this; changing it (password change or reset,
    # account takeover defence) signs the account out everywhere at once.
    auth_stamp: Mapped[str] = mapped_column(String(32), default=new_auth_stamp)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", passive_deletes=True
    )

    # Flask-Login protocol, written out rather than inherited from UserMixin to keep the model
    # free of framework base classes.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id bound to the current auth stamp."""
        return f"{self.id}:{self.auth_stamp}"

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"

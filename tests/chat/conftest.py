"""Chat fixtures: students, connections and conversations put in place through the services
(the endpoints under test are exercised by the tests themselves), a send clock the tests move
by hand so the 2-second limit is tested without waiting, and message factories."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from flask import Flask

from app.chat import contacts, services
from app.extensions import db
from app.models import ChatPresence, Message, User, utcnow


@dataclass
class Clock:
    """The services' notion of now: a test advances it instead of sleeping."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(utcnow())
    monkeypatch.setattr(services, "utcnow", clock)
    return clock


@pytest.fixture
def student(make_user) -> Callable[..., User]:
    def make(username: str, full_name: str | None = None) -> User:
        return make_user(username, full_name=full_name or username.title())

    return make


@pytest.fixture
def connect(app: Flask) -> Callable[[User, User], int]:
    """Connect two users (request + accept); returns their direct conversation's id."""

    def make(a: User, b: User) -> int:
        with app.app_context():
            ua, ub = db.session.get(User, a.id), db.session.get(User, b.id)
            conn = contacts.request_connection(ua, ub.id)
            conv = contacts.answer_request(ub, conn.id, "accept")
            db.session.commit()
            return conv.id

    return make


@pytest.fixture
def group(app: Flask) -> Callable[..., int]:
    def make(owner: User, name: str, members: list[User]) -> int:
        with app.app_context():
            conv = services.create_group(
                db.session.get(User, owner.id), name, [m.id for m in members]
            )
            db.session.commit()
            return conv.id

    return make


@pytest.fixture
def post(app: Flask) -> Callable[..., int]:
    """Messages written straight into a conversation (no send limit), `minutes_ago` apart."""

    def make(sender: User | None, conv_id: int, text: str, *, at: datetime | None = None) -> int:
        with app.app_context():
            msg = Message(
                conversation_id=conv_id,
                sender_id=sender.id if sender else None,
                body=text,
                created_at=at or utcnow(),
            )
            db.session.add(msg)
            db.session.commit()
            return msg.id

    return make


@pytest.fixture
def online(app: Flask) -> Iterator[Callable[[User], None]]:
    """Mark a user as connected live (as the /chat namespace does on connect)."""

    def make(user: User) -> None:
        with app.app_context():
            db.session.add(ChatPresence(sid=f"test-{user.id}", user_id=user.id, seen_at=utcnow()))
            db.session.commit()

    yield make

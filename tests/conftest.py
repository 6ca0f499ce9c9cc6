"""Fixtures: one app per test session on a migrated database (SQLite by default; PostgreSQL and
Redis when TEST_TARGET=services), emptied after every test. Factories are fixtures returning
callables (flaskr's habit)."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from app import create_app
from app.auth import tokens
from app.config import TestConfig
from app.extensions import db, limiter
from app.models import Base, User
from app.users.services import create_user
from tests.fakes.groq_server import FakeGroq

PASSWORD = "correct-horse-battery"
SERVICES = os.environ.get("TEST_TARGET") == "services"


def _database_url(tmp: Path) -> str:
    if not SERVICES:
        return f"sqlite:///{tmp / 'test.db'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.exit("TEST_TARGET=services needs TEST_DATABASE_URL", returncode=2)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:  # a clean schema, then the migrations build it
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    return os.environ.get("TEST_REDIS_URL") if SERVICES else None


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, redis_url: str | None) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("instance")
    config = TestConfig(tmp, database_url=_database_url(tmp), redis_url=None)
    config.TEST_REDIS_URL = redis_url
    app = create_app(config)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()
    if "examhall_autocommit" in app.extensions:
        app.extensions["examhall_autocommit"].dispose()


@pytest.fixture(autouse=True)
def _clean(app: Flask) -> Iterator[None]:
    yield
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        for attempt in range(5):
            try:
                _empty(tables)
                break
            except OperationalError as exc:
                # A browser test's last request (a socket's disconnect, a late poll) may still be
                # reading on the live server; PostgreSQL then picks one side of the deadlock.
                if attempt == 4 or "deadlock detected" not in str(exc):
                    raise
                time.sleep(0.2)
        limiter.reset()


def _empty(tables: list[str]) -> None:
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The test app on a real threaded HTTP server, for browsers and concurrent clients."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = {"n": 0}

    def make(username: str | None = None, roles: tuple[str, ...] = ("student",), **kw) -> User:
        counter["n"] += 1
        username = username or f"user{counter['n']}"
        with app.app_context():
            user = create_user(
                username=username,
                email=kw.pop("email", f"{username}@example.com"),
                password=kw.pop("password", PASSWORD),
                roles=set(roles),
                full_name=kw.pop("full_name", username.title()),
                **kw,
            )
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def bearer(app: Flask) -> Callable[[User], dict[str, str]]:
    """Authorization headers for a user, as an external client would send them."""

    def headers(user: User) -> dict[str, str]:
        with app.app_context():
            fresh = db.session.get(User, user.id)
            return {"Authorization": f"Bearer {tokens.issue_access(fresh)}"}

    return headers


CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no csrf meta tag on {path}"
    return match.group(1)


@pytest.fixture
def web_login(app: Flask) -> Callable[[FlaskClient, User], str]:
    """Sign in through the real login form; returns the CSRF token for later requests."""

    def login(client: FlaskClient, user: User, password: str = PASSWORD) -> str:
        token = csrf_token(client)
        response = client.post(
            "/login", data={"username": user.username, "password": password, "csrf_token": token}
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return csrf_token(client, "/dashboard")

    return login


@pytest.fixture(scope="session")
def _fake_groq_server() -> Iterator[FakeGroq]:
    server = FakeGroq()
    yield server
    server.close()


@pytest.fixture
def fake_groq(app: Flask, _fake_groq_server: FakeGroq) -> Iterator[FakeGroq]:
    """The fake Groq server, configured as this test's AI provider (key "test-key"); queue replies
    with fake_groq.reply(...), read what it received in fake_groq.requests."""
    _fake_groq_server.reset()
    saved = {k: app.config.get(k) for k in ("GROQ_API_KEY", "GROQ_BASE_URL")}
    app.config["GROQ_API_KEY"] = "test-key"
    app.config["GROQ_BASE_URL"] = _fake_groq_server.url
    yield _fake_groq_server
    app.config.update(saved)
    _fake_groq_server.reset()

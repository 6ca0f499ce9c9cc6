"""Engine-level settings that SQLite needs to behave like the production database."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app.extensions import db


def register_database(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine: Engine = db.engine

    @event.listens_for(engine, "connect")
    def sqlite_pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")  # honour ON DELETE rules as PostgreSQL does
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def autocommit_engine() -> Engine:
    """An engine whose connections are always in autocommit, for a hot path whose transaction is
    one statement. A separate pool, so no connection flips its isolation level (and pays a round
    trip for it) on every checkout; SQLite, whose pragmas live on the main engine, shares it.

    No pre-ping: it is a second round trip on every checkout, half the cost of a one-statement
    transaction. Callers retry once when the statement finds its connection dead
    (`run_autocommit`)."""
    app = current_app._get_current_object()
    engine = app.extensions.get("examhall_autocommit")
    if engine is None:
        main = db.engine
        if main.dialect.name == "sqlite":
            engine = main.execution_options(isolation_level="AUTOCOMMIT")
        else:
            engine = create_engine(
                main.url, isolation_level="AUTOCOMMIT", pool_size=2, pool_recycle=1800
            )
        app.extensions["examhall_autocommit"] = engine
    return engine


def run_autocommit(statement: Any, params: dict[str, Any]) -> Any:
    """Execute a one-statement transaction on the autocommit pool and return its first row. A
    connection the database dropped (a restart, an idle timeout) is discarded by SQLAlchemy and
    the statement runs once more on a fresh one; the statement must be safe to repeat."""
    for attempt in (1, 2):
        try:
            with autocommit_engine().connect() as conn:
                return conn.execute(statement, params).first()
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    return None

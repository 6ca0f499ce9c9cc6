"""Engine-level settings that SQLite needs to behave like the production database."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

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
            # Nothing to reset when a connection goes back: every statement committed itself.
            engine = create_engine(
                main.url,
                isolation_level="AUTOCOMMIT",
                pool_size=2,
                pool_recycle=1800,
                pool_reset_on_return=None,
            )
        app.extensions["examhall_autocommit"] = engine
    return engine


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled once for one dialect: its SQL, how to turn named parameters into the
    driver's (SQLAlchemy's own bind and result processors: JSON, SQLite's datetimes), and
    nothing else to do per execution."""

    sql: str
    order: tuple[str, ...] | None  # positional paramstyles (SQLite's qmark): names in order
    defaults: dict[str, Any]  # literals the statement carries (a status, say)
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]
    results: tuple[Callable[[Any], Any] | None, ...]
    row_type: type  # a named tuple of the RETURNING columns, as SQLAlchemy's Row reads

    @classmethod
    def compile(cls, statement: Any, dialect: Any) -> _Prepared:
        compiled = statement.compile(dialect=dialect)
        processors = []
        for name in compiled.params:
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                processors.append((name, process))
        columns = list(getattr(statement, "exported_columns", ()))
        results = tuple(
            col.type.dialect_impl(dialect).result_processor(dialect, None) for col in columns
        )
        row_type = namedtuple("Row", [col.key for col in columns])  # type: ignore[misc]
        order = tuple(compiled.positiontup) if compiled.positional else None
        return cls(
            compiled.string, order, dict(compiled.params), tuple(processors), results, row_type
        )

    def parameters(self, params: dict[str, Any]) -> Any:
        values = {**self.defaults, **params}
        for name, process in self.processors:
            values[name] = process(values[name])
        if self.order is None:
            return values
        return tuple(values[name] for name in self.order)

    def row(self, row: Any) -> Any:
        if row is None:
            return None
        return self.row_type(
            *(v if p is None else p(v) for v, p in zip(row, self.results, strict=True))
        )


def _prepared(engine: Engine, statement: Any) -> _Prepared:
    cache = engine.__dict__.setdefault("_examhall_prepared", {})
    prepared = cache.get(statement)
    if prepared is None:
        prepared = cache[statement] = _Prepared.compile(statement, engine.dialect)
    return prepared


def run_autocommit(statement: Any, params: dict[str, Any]) -> Any:
    """Execute a one-statement transaction on the autocommit pool and return its first row.

    For the exam-day hot path, so it goes to the driver directly: the statement is compiled once
    per process (it must be a long-lived object, e.g. built under `functools.cache`), and each
    call is a pool checkout, one `execute`, one fetch. SQLAlchemy's execution context around
    that cost more than PostgreSQL took to run and commit the UPDATE (bench/README.md).

    A connection the database dropped (a restart, an idle timeout) is discarded and the
    statement runs once more on a fresh one; the statement must be safe to repeat."""
    engine = autocommit_engine()
    prepared = _prepared(engine, statement)
    values = prepared.parameters(params)
    dbapi_error = engine.dialect.loaded_dbapi.Error
    commit = engine.dialect.name == "sqlite"  # its driver opened a transaction for the UPDATE
    for attempt in (1, 2):
        conn = engine.raw_connection()
        try:
            cursor = conn.cursor()
            try:
                cursor.execute(prepared.sql, values)
                row = cursor.fetchone()
            finally:
                cursor.close()
            if commit:
                conn.commit()
        except dbapi_error as exc:
            if attempt == 2 or not engine.dialect.is_disconnect(exc, conn.dbapi_connection, None):
                raise
            conn.invalidate(exc)
            continue
        finally:
            conn.close()
        return prepared.row(row)
    return None

"""Background work. With REDIS_URL, jobs go to RQ; without it they run in this process. Either
way they start only after the request that asked for them has committed, so a job never looks for
a row that is not there yet.

Job functions take ids, are decorated with `@job`, open their own app context and commit. A job
that fails is logged as failed (and marked failed by RQ); in-process it never turns the response
of the request that enqueued it into an error, JOBS_SYNC or not.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from dotenv import find_dotenv, load_dotenv
from flask import Flask, current_app, g, has_app_context, has_request_context

from app.extensions import db

log = logging.getLogger(__name__)
QUEUE_NAME = "examhall"
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="examhall-job")
_worker_app: Flask | None = None


def job(func: Callable) -> Callable:
    """Run `func` in a fresh app context (its own database session) and commit at the end."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        app = current_app._get_current_object() if has_app_context() else _app_for_worker()
        with app.app_context():
            try:
                result = func(*args, **kwargs)
                db.session.commit()
                return result
            except Exception:
                db.session.rollback()
                log.exception("job %s failed", func.__name__)
                raise

    return wrapper


def _app_for_worker() -> Flask:
    """RQ workers import job functions without an app; build one per worker process, from the
    same settings as the web process: the environment, then a .env in the working directory."""
    global _worker_app  # noqa: PLW0603 - one app per worker process, built on first use
    if _worker_app is None:
        from app import create_app  # noqa: PLC0415 - only a worker process needs the factory

        load_dotenv(find_dotenv(usecwd=True))
        _worker_app = create_app()
    return _worker_app


def enqueue(func: Callable, *args: Any, **kwargs: Any) -> None:
    if has_request_context():
        g.setdefault("pending_jobs", []).append((func, args, kwargs))
        return
    dispatch(current_app._get_current_object(), func, args, kwargs)


def dispatch(app: Flask, func: Callable, args: tuple, kwargs: dict) -> None:
    if app.config.get("REDIS_URL"):
        try:
            queue(app).enqueue(func, *args, **kwargs)
            return
        except Exception:  # Redis down: do the work here rather than lose it
            log.exception("could not enqueue %s on Redis; running it in-process", func.__name__)
    if app.config.get("JOBS_SYNC"):
        # Inline, but with the same contract as the thread pool: a failing job is logged (the
        # @job wrapper logs its traceback) and never becomes the failure of the request that
        # already committed and answered.
        _run_in_app(app, func, args, kwargs)
    else:
        _executor.submit(_run_in_app, app, func, args, kwargs)


def _run_in_app(app: Flask, func: Callable, args: tuple, kwargs: dict) -> None:
    with app.app_context():
        try:
            func(*args, **kwargs)
        except Exception:
            log.exception("in-process job %s failed", func.__name__)


def queue(app: Flask):
    from redis import Redis  # noqa: PLC0415 - Redis is optional in the embedded default
    from rq import Queue  # noqa: PLC0415

    # RQ_QUEUE is for tests that need a queue of their own; workers listen on QUEUE_NAME.
    name = app.config.get("RQ_QUEUE") or QUEUE_NAME
    return Queue(name, connection=Redis.from_url(app.config["REDIS_URL"]))


def run_pending(app: Flask) -> None:
    for func, args, kwargs in g.pop("pending_jobs", []):
        dispatch(app, func, args, kwargs)


def drop_pending() -> None:
    g.pop("pending_jobs", None)

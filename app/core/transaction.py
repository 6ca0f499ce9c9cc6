"""The request commits once: services only flush, and here a successful response commits while
an error response rolls back. Jobs the request enqueued are released after the commit."""

from __future__ import annotations

from flask import Flask, Response, current_app

from app.core import jobs
from app.extensions import db

KEEP_ON_ERROR = "examhall.keep_on_error"


def keep_on_error() -> None:
    """The changes flushed so far stand even if the request then fails. For state that a request
    establishes on the way rather than asks for: an attempt found past its deadline is submitted
    whatever the request that noticed it (a late sync, a refused start) goes on to answer."""
    db.session.info[KEEP_ON_ERROR] = True


def register_transaction(app: Flask) -> None:
    @app.after_request
    def commit_or_rollback(response: Response) -> Response:
        ok = response.status_code < 400
        if db.session.registry.has():  # skip creating a session the request never used
            if ok or db.session.info.pop(KEEP_ON_ERROR, False):
                db.session.commit()
            else:
                db.session.rollback()
        if ok:
            jobs.run_pending(current_app._get_current_object())
        else:
            jobs.drop_pending()
        return response

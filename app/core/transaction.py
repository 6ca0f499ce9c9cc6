"""The request commits once: services only flush, and here a successful response commits while
an error response rolls back. Jobs the request enqueued are released after the commit."""

from __future__ import annotations

from flask import Flask, Response, current_app

from app.core import jobs
from app.extensions import db


def register_transaction(app: Flask) -> None:
    @app.after_request
    def commit_or_rollback(response: Response) -> Response:
        ok = response.status_code < 400
        if db.session.registry.has():  # skip creating a session the request never used
            if ok:
                db.session.commit()
            else:
                db.session.rollback()
        if ok:
            jobs.run_pending(current_app._get_current_object())
        else:
            jobs.drop_pending()
        return response

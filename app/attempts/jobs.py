"""The periodic half of "attempts left open past their deadline are submitted automatically"
(the other half is the next access: app.attempts.services.open_attempt). Each attempt is
submitted and committed on its own, so one that fails does not hold up the rest."""

from __future__ import annotations

import logging

from app.attempts import closing
from app.core.jobs import job
from app.extensions import db
from app.models import utcnow

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 30


def close_overdue_now() -> int:
    """Submit every overdue attempt with its last saved answers; how many were submitted."""
    now = utcnow()
    closed = 0
    for attempt_id in closing.close_overdue(now):
        try:
            closing.finalize(attempt_id, "timeout", now)
            db.session.commit()
            closed += 1
        except Exception:
            db.session.rollback()
            log.exception("could not submit overdue attempt %s", attempt_id)
    if closed:
        log.info("submitted %d attempt(s) whose time ran out", closed)
    return closed


@job
def close_overdue_attempts() -> int:
    return close_overdue_now()

"""Generation runs for the AI command centre page: a run is recorded by the request, done by a
job (which commits its progress so the page can poll it), and read back by its owner only. A run
whose worker died is marked failed when next read, so no page polls for ever."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from app.core import jobs
from app.core.errors import AppError, Forbidden, NotFound
from app.exams.access import require_author
from app.extensions import db
from app.generation import services
from app.generation.schemas import GenerateFields
from app.generation.services import require_configured, target_exam
from app.models import Exam, GenerationJob, User, utcnow

log = logging.getLogger(__name__)


def start_run(
    actor: User, fields: GenerateFields, text: str = "", filename: str = ""
) -> GenerationJob:
    """A generation run for the page: recorded now, done by a job after the request commits."""
    target_exam(actor, fields.exam_id)
    require_configured()
    run = GenerationJob(
        owner_id=actor.id,
        status="queued",
        progress=0,
        stage="Waiting to start",
        params={**fields.model_dump(), "filename": filename},
        source_text=text,
        result={},
        error="",
    )
    db.session.add(run)
    db.session.flush()
    jobs.enqueue(run_generation, run.id)
    return run


def get_run(actor: User, run_id: int) -> GenerationJob:
    """A run, for its owner only (another teacher's generated questions are theirs)."""
    require_author(actor)
    run = db.session.get(GenerationJob, run_id)
    if run is None:
        raise NotFound("Generation not found")
    if run.owner_id != actor.id:
        raise Forbidden("This generation belongs to someone else")
    _expire_orphaned([run])
    return run


def recent_runs(actor: User, limit: int = 10) -> list[GenerationJob]:
    require_author(actor)
    stmt = (
        select(GenerationJob)
        .where(GenerationJob.owner_id == actor.id)
        .order_by(GenerationJob.id.desc())
        .limit(limit)
    )
    runs = list(db.session.scalars(stmt))
    _expire_orphaned(runs)
    return runs


ORPHANED_AFTER = timedelta(minutes=15)
ORPHANED_MESSAGE = (
    "This generation stopped before it finished (the server was restarted). Please try again."
)


def _expire_orphaned(runs: Sequence[GenerationJob]) -> None:
    """A run still queued or running long after it was asked for has lost its worker (a
    restart, a crash): nothing will finish it, and its page would poll for ever. A run makes at
    most two model calls, each within GROQ_TIMEOUT, so a quarter of an hour (or four timeouts)
    is far past any live run. Marked failed when next read, as overdue attempts are."""
    timeout = float(current_app.config.get("GROQ_TIMEOUT") or 60)
    limit = utcnow() - max(ORPHANED_AFTER, timedelta(seconds=4 * timeout))
    for run in runs:
        if run.status in ("queued", "running") and run.created_at < limit:
            run.status, run.stage, run.error = "failed", "Failed", ORPHANED_MESSAGE
            run.finished_at = utcnow()


@jobs.job
def run_generation(run_id: int) -> None:
    """The job: generate for a recorded run, committing progress as it goes so the page sees
    it. A failure is recorded on the run with the message the teacher should read."""
    run = db.session.get(GenerationJob, run_id)
    if run is None or run.status != "queued":
        return
    fields = GenerateFields.model_validate({k: v for k, v in run.params.items() if k != "filename"})

    def progress(percent: int, stage: str) -> None:
        run.progress, run.stage = percent, stage
        db.session.commit()

    run.status = "running"
    progress(5, "Starting")
    exam = db.session.get(Exam, fields.exam_id) if fields.exam_id else None
    try:
        outcome = services.generate_checked(fields, run.source_text, exam, progress)
    except AppError as exc:
        run.status, run.error, run.stage = "failed", exc.message, "Failed"
    except Exception:  # a bug: the run must not poll forever; the traceback goes to the log
        log.exception("generation run %s failed", run_id)
        db.session.rollback()
        run = db.session.get(GenerationJob, run_id)
        run.status, run.stage = "failed", "Failed"
        run.error = "Something went wrong on the server. Please try again."
    else:
        run.status, run.result, run.progress = "done", outcome.as_dict(), 100
        n = len(outcome.questions)
        run.stage = f"{n} question{'' if n == 1 else 's'} ready for review"
    run.finished_at = utcnow()

"""Periodic jobs for `rq cron` (the Procfile's `clock` process): RQ enqueues each on the
examhall queue at its interval and the `worker` process runs it. Without Redis, `make run` runs
`flask attempts close-overdue --every 30` beside the server instead."""

from rq import cron

from app.attempts.jobs import INTERVAL_SECONDS, close_overdue_attempts
from app.core.jobs import QUEUE_NAME

cron.register(close_overdue_attempts, QUEUE_NAME, interval=INTERVAL_SECONDS)

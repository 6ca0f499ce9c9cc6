#!/usr/bin/env bash
# `make run`'s server. With REDIS_URL set, jobs go to RQ, so an rq worker and the rq cron
# scheduler (periodic jobs, app/cron.py) run beside the web server and stop with it; without
# Redis, jobs run inside the server process and a small loop submits attempts whose time ran out.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-5000}"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT INT TERM
# The environment wins over .env, as in wsgi.py.
REDIS_URL=$(.venv/bin/python -c "import os; from dotenv import dotenv_values; print(os.environ.get('REDIS_URL') or dotenv_values('.env').get('REDIS_URL') or '')")
if [ -n "$REDIS_URL" ]; then
  echo "REDIS_URL is set: starting an rq worker for background jobs"
  .venv/bin/rq worker --with-scheduler --url "$REDIS_URL" examhall &
  pids+=($!)
  .venv/bin/rq cron --url "$REDIS_URL" app.cron &
  pids+=($!)
else
  .venv/bin/flask --app wsgi attempts close-overdue --every 30 &
  pids+=($!)
fi
echo "Examhall on http://127.0.0.1:${port}  (Ctrl-C stops it)"
.venv/bin/flask --app wsgi run --host 127.0.0.1 --port "$port" --no-reload

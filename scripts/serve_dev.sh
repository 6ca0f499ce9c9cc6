#!/usr/bin/env bash
# `make run`'s server. With REDIS_URL set, jobs go to RQ, so an rq worker runs beside the web
# server and stops with it; without Redis, jobs run inside the server process.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-5000}"
worker_pid=""
# The environment wins over .env, as in wsgi.py.
REDIS_URL=$(.venv/bin/python -c "import os; from dotenv import dotenv_values; print(os.environ.get('REDIS_URL') or dotenv_values('.env').get('REDIS_URL') or '')")
if [ -n "$REDIS_URL" ]; then
  echo "REDIS_URL is set: starting an rq worker for background jobs"
  .venv/bin/rq worker --with-scheduler --url "$REDIS_URL" examhall &
  worker_pid=$!
  trap 'kill "$worker_pid" 2>/dev/null || true' EXIT INT TERM
fi
echo "Examhall on http://127.0.0.1:${port}  (Ctrl-C stops it)"
.venv/bin/flask --app wsgi run --host 127.0.0.1 --port "$port" --no-reload

#!/usr/bin/env bash
# Fails when the models and the migrations disagree: upgrade a fresh database to head, then ask
# Alembic whether autogenerate would produce anything.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export EXAMHALL_INSTANCE="$tmp" DATABASE_URL="sqlite:///$tmp/check.db" SECRET_KEY=check-migrations EXAMHALL_DEMO=0
.venv/bin/flask --app wsgi db upgrade >/dev/null
.venv/bin/flask --app wsgi db check
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  # The same on PostgreSQL, in a scratch schema-free database state.
  psql_url="$TEST_DATABASE_URL"
  .venv/bin/python - "$psql_url" <<'PY'
import sys
from sqlalchemy import create_engine, text
url = sys.argv[1].replace("postgresql://", "postgresql+psycopg://", 1)
with create_engine(url).begin() as conn:
    conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
    conn.execute(text("CREATE SCHEMA public"))
PY
  DATABASE_URL="$psql_url" .venv/bin/flask --app wsgi db upgrade >/dev/null
  DATABASE_URL="$psql_url" .venv/bin/flask --app wsgi db check
fi
echo "migrations in sync with the models"

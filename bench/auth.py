"""What signing in and authenticating cost per request, against a bare Flask endpoint under the
same gunicorn on loopback.

    .venv/bin/python bench/auth.py [--database-url postgresql://postgres@127.0.0.1/test]

Starts gunicorn for Examhall and for bench/bare_app.py, creates one user, then measures:
the bare endpoint; /system/info (Examhall's request hooks, no database); /health (one SELECT 1); GET /api/auth/me with a Bearer token (JWT decode and
a user lookup: the floor every authenticated JSON route pays); POST /api/auth/login (an argon2id
verification: deliberately slow). Prints req/s and latency percentiles and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import run

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def gunicorn(app: str, port: int, env: dict[str, str], workers: int, cwd: Path) -> subprocess.Popen:
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app,
    ]
    return subprocess.Popen(cmd, env=env, cwd=cwd)


def reset_postgres(url: str) -> None:
    """The benchmark owns this database: start from an empty schema."""
    from sqlalchemy import create_engine, text  # noqa: PLC0415 - only for --database-url

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="examhall-bench-"))
    env = os.environ | {
        "EXAMHALL_INSTANCE": str(tmp),
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.db'}",
        "EXAMHALL_DEMO": "0",
        "LOG_LEVEL": "WARNING",
    }
    flask = [str(VENV_BIN / "flask"), "--app", "wsgi"]
    if args.database_url and args.database_url.startswith("postgres"):
        reset_postgres(args.database_url)
    subprocess.run([*flask, "db", "upgrade"], check=True, env=env, cwd=ROOT, capture_output=True)
    subprocess.run(
        [
            *flask,
            "users",
            "create",
            "bench",
            "--email",
            "bench@example.com",
            "--password",
            "bench-password-1",
            "--role",
            "student",
        ],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )

    app_port, bare_port = free_port(), free_port()
    procs = [
        gunicorn("wsgi:app", app_port, env, args.workers, ROOT),
        gunicorn("bare_app:app", bare_port, env, args.workers, ROOT / "bench"),
    ]
    try:
        wait_for(f"http://127.0.0.1:{app_port}/health")
        wait_for(f"http://127.0.0.1:{bare_port}/bare")
        login_body = json.dumps({"username": "bench", "password": "bench-password-1"}).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{app_port}/api/auth/login",
            data=login_body,
            headers={"Content-Type": "application/json"},
        )
        token = json.load(urllib.request.urlopen(req))["data"]["access_token"]

        base, bare = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
        auth = {"Authorization": f"Bearer {token}"}
        n, t = args.requests, args.threads
        print(
            f"gunicorn --workers {args.workers}, {t} client threads, database "
            f"{'PostgreSQL' if args.database_url else 'SQLite'}, {os.cpu_count()} cores"
        )
        results = [
            run(
                "bare Flask endpoint (baseline)",
                bare,
                lambda: ("GET", "/bare", None, {}),
                threads=t,
                requests=n,
            ),
            run(
                "GET /system/info (no database)",
                base,
                lambda: ("GET", "/system/info", None, {}),
                threads=t,
                requests=n,
            ),
            run("GET /health", base, lambda: ("GET", "/health", None, {}), threads=t, requests=n),
            run(
                "GET /api/auth/me (Bearer)",
                base,
                lambda: ("GET", "/api/auth/me", None, auth),
                threads=t,
                requests=n,
            ),
            run(
                "POST /api/auth/login (argon2id)",
                base,
                lambda: (
                    "POST",
                    "/api/auth/login",
                    login_body,
                    {"Content-Type": "application/json"},
                ),
                threads=t,
                requests=max(50, n // 20),
            ),
        ]
        for r in results:
            print(r.line())
        baseline = results[0].rps
        for r in results[1:]:
            print(f"  {r.name}: {r.rps / baseline:.2f} x the bare endpoint's throughput")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)


if __name__ == "__main__":
    main()

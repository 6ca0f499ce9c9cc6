"""Exam day on one box: a whole institute sits the same exam at once.

    .venv/bin/python bench/exam_day.py [--students 1000] [--interval 5] [--minutes 1]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench] [--redis-url redis://127.0.0.1:6379/7]

The production process layout on loopback: gunicorn (`web`, sync workers as in the Procfile) over
PostgreSQL and Redis. One published exam of 30 questions (MCQ, MSQ, NUMERIC) and N students are
put straight into the database, each with a Bearer token (as an API client holds it) and a signed-in
session cookie with its CSRF token (as the browser player holds them); signing 1,000 people in
through the password form is `bench/auth.py`'s subject, not this one's. Then, in one run:

1. Closed loop, the same number of client threads and the same gunicorn: a bare Flask endpoint
   (bench/bare_app.py) and the sync endpoint for students with open attempts, once with Bearer
   tokens and once with the player's cookie and CSRF token. Each ratio to the bare endpoint is
   the "sync >= 0.5x bare" target.
2. Exam day, open loop (`--auth`: the player's cookie by default): every student starts within
   `--ramp` seconds, saves the whole answer set
   every `--interval` seconds (one answer more each time, in order, with a sequence number; the
   first save lands at a random point of the first interval) for `--minutes`, then all submit
   within `--ramp` seconds. Latency is measured from the moment each request was due (so a
   server that falls behind shows it; "coordinated omission" is not hidden), and the time spent
   waiting for a free client thread is reported on its own.
3. Afterwards, every student's attempt in the database must be submitted with exactly the answers
   the last acknowledged save carried: zero lost answers, zero 5xx.
"""

from __future__ import annotations

import argparse
import heapq
import http.client
import itertools
import json
import os
import queue
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from auth import free_port, gunicorn, reset_postgres, wait_for
from loadgen import run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = 30
LETTERS = "ABCD"


# ---------------------------------------------------------------- setup (in this process)


def seed(env: dict[str, str], students: int) -> tuple[int, list[int], list[Credentials]]:
    """The exam and the students, straight into the database; returns (exam id, question ids,
    each student's credentials)."""
    os.environ.update(env)
    from datetime import timedelta  # noqa: PLC0415 - the app is imported once the env is set

    from app import create_app  # noqa: PLC0415
    from app.extensions import db  # noqa: PLC0415
    from app.models import Exam, Question, User, UserRole, utcnow  # noqa: PLC0415

    app = create_app()
    with app.app_context():
        teacher = User(username="bench-teacher", email="teacher@bench.example", password_hash=None)
        teacher.role_rows = [UserRole(role="teacher")]
        db.session.add(teacher)
        db.session.flush()
        exam = Exam(
            owner_id=teacher.id,
            name="Exam day benchmark",
            status="published",
            starts_at=utcnow() - timedelta(minutes=5),
            ends_at=None,
            duration_minutes=180,
            positive_marks=Decimal("4"),
            negative_marks=Decimal("1"),
            max_attempts=1,
            result_mode="instant",
            proctoring={},
        )
        db.session.add(exam)
        db.session.flush()
        rows = []
        for i in range(QUESTIONS):
            kind = ("MCQ", "MSQ", "NUMERIC")[i % 3]
            extra: dict[str, Any] = {"options": ["one", "two", "three", "four"]}
            if kind == "MCQ":
                extra["correct_answer"] = "B"
            elif kind == "MSQ":
                extra["correct_answer"] = "A,C"
            else:
                extra = {"correct_answer": "9.8", "tolerance": Decimal("0.05")}
            rows.append(
                Question(
                    exam_id=exam.id,
                    position=i + 1,
                    text=f"Question {i + 1}: what is $x^{i + 1}$?",
                    question_type=kind,
                    **extra,
                )
            )
        db.session.add_all(rows)
        users = []
        for n in range(students):
            user = User(
                username=f"student{n:05d}", email=f"s{n:05d}@bench.example", password_hash=None
            )
            user.role_rows = [UserRole(role="student")]
            users.append(user)
        db.session.add_all(users)
        db.session.commit()
        return exam.id, [q.id for q in rows], [credentials(app, u) for u in users]


def credentials(app, user) -> Credentials:
    """A Bearer token as an API client holds it, and the session cookie and CSRF token the
    browser player holds after signing in (made by the sign-in code itself, without the
    password check, which is bench/auth.py's subject)."""
    from flask import session  # noqa: PLC0415
    from flask_wtf.csrf import generate_csrf  # noqa: PLC0415

    from app.auth.tokens import issue_access  # noqa: PLC0415
    from app.auth.web_session import sign_in  # noqa: PLC0415

    # A fresh app context each time: Flask-WTF keeps the CSRF token in `g`.
    with app.app_context(), app.test_request_context():
        sign_in(user)
        csrf = generate_csrf()
        interface = app.session_interface
        cookie = interface.get_signing_serializer(app).dumps(dict(session))
        name = interface.get_cookie_name(app)
    return Credentials(user.id, issue_access(user), f"{name}={cookie}", csrf)


@dataclass(frozen=True)
class Credentials:
    user_id: int
    token: str
    cookie: str
    csrf: str

    def headers(self, auth: str) -> dict[str, str]:
        if auth == "bearer":
            return {"Authorization": f"Bearer {self.token}"}
        return {"Cookie": self.cookie, "X-CSRFToken": self.csrf}


def answer_for(question_index: int, question_id: int, rng: random.Random) -> Any:
    kind = question_index % 3
    if kind == 0:
        return rng.choice(LETTERS)
    if kind == 1:
        return sorted(rng.sample(LETTERS, rng.randint(1, 3)))
    return f"{rng.uniform(0, 20):.2f}"


# ---------------------------------------------------------------- the exam-day load


@dataclass
class Student:
    user_id: int
    headers: dict[str, str]
    answers: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
    acked: dict[str, Any] | None = None  # the answer set of the newest acknowledged save
    acked_seq: int = 0
    syncs_left: int = 0


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    waits: list[float] = field(default_factory=list)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int | None, latency: float, wait: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(latency)
            self.waits.append(wait)
            if status is None:
                self.errors[kind] = self.errors.get(kind, 0) + 1
            else:
                counts = self.statuses.setdefault(kind, {})
                counts[status] = counts.get(status, 0) + 1


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else 0.0


class ExamDay:
    """A scheduler thread hands due requests to a pool of client threads, each holding one
    keep-alive connection (gunicorn's sync workers close it after each response; the client
    reconnects, as browsers do)."""

    def __init__(self, base: str, exam_id: int, qids: list[int], students: list[Student], args):
        self.host, self.port = base.split("//")[1].split(":")
        self.exam_id, self.qids, self.students, self.args = exam_id, qids, students, args
        self.stats = Stats()
        self.heap: list[tuple[float, int, str, Student]] = []
        self.counter = 0
        self.heap_lock = threading.Lock()
        self.work: queue.Queue = queue.Queue()
        self.pending = 0
        self.done = threading.Event()
        self.rng = random.Random(7)

    def schedule(self, at: float, kind: str, student: Student) -> None:
        with self.heap_lock:
            self.counter += 1
            self.pending += 1
            heapq.heappush(self.heap, (at, self.counter, kind, student))

    def scheduler(self) -> None:
        while not self.done.is_set():
            with self.heap_lock:
                now = time.perf_counter()
                while self.heap and self.heap[0][0] <= now:
                    at, _, kind, student = heapq.heappop(self.heap)
                    self.work.put((at, kind, student))
                wait = self.heap[0][0] - now if self.heap else 0.05
            time.sleep(min(max(wait, 0.0005), 0.05))

    def request(self, conn, kind: str, student: Student) -> tuple[int, dict]:
        path = {
            "start": f"/start-exam/{self.exam_id}",
            "sync": f"/api/sync-exam-answers/{self.exam_id}",
            "submit": f"/submit-exam/{self.exam_id}",
        }[kind]
        body: dict[str, Any] = {}
        if kind == "sync":
            student.seq += 1
            body = {"answers": dict(student.answers), "markedForReview": [], "seq": student.seq}
        raw = json.dumps(body).encode() if kind == "sync" else None
        headers = {**student.headers, "Accept": "application/json"}
        if raw is not None:
            headers["Content-Type"] = "application/json"
        conn.request("POST", path, body=raw, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        payload = json.loads(data) if data else {}
        refreshed = resp.getheader("Set-Cookie")
        if refreshed and "Cookie" in student.headers:  # as a browser keeps the newest cookie
            student.headers["Cookie"] = refreshed.split(";", 1)[0]
        if kind == "sync" and resp.status == 200 and payload.get("saved"):
            student.acked, student.acked_seq = body["answers"], body["seq"]
        return resp.status, payload

    def client(self) -> None:
        conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
        while True:
            item = self.work.get()
            if item is None:
                break
            due, kind, student = item
            picked = time.perf_counter()
            status: int | None = None
            try:
                status, _ = self.request(conn, kind, student)
            except (OSError, http.client.HTTPException, ValueError):
                conn.close()
                conn = http.client.HTTPConnection(self.host, int(self.port), timeout=30)
            finished = time.perf_counter()
            self.stats.record(kind, status, finished - due, picked - due)
            self.after(kind, student, status, finished)
        conn.close()

    def after(self, kind: str, student: Student, status: int | None, now: float) -> None:
        if kind == "start" and status == 200:
            first = now + self.rng.uniform(0, self.args.interval)
            self.schedule(first, "sync", student)
        elif kind == "sync":
            if student.syncs_left > 0:
                student.syncs_left -= 1
                i = len(student.answers)
                if i < len(self.qids):
                    student.answers[str(self.qids[i])] = answer_for(i, self.qids[i], self.rng)
                else:  # every question answered: change one, as students do
                    j = self.rng.randrange(len(self.qids))
                    student.answers[str(self.qids[j])] = answer_for(j, self.qids[j], self.rng)
                self.schedule(now + self.args.interval, "sync", student)
            else:
                self.schedule(now + self.rng.uniform(0, self.args.ramp), "submit", student)
        with self.heap_lock:
            self.pending -= 1
            if self.pending == 0:
                self.done.set()

    def run(self) -> float:
        syncs = int(self.args.minutes * 60 / self.args.interval)
        t0 = time.perf_counter()
        for s in self.students:
            s.syncs_left = syncs
            self.schedule(t0 + self.rng.uniform(0, self.args.ramp), "start", s)
        threads = [threading.Thread(target=self.client) for _ in range(self.args.clients)]
        for t in threads:
            t.start()
        sched = threading.Thread(target=self.scheduler)
        sched.start()
        self.done.wait()
        sched.join()
        for _ in threads:
            self.work.put(None)
        for t in threads:
            t.join()
        return time.perf_counter() - t0


def verify(env: dict[str, str], exam_id: int, students: list[Student]) -> tuple[int, int, int]:
    """(students checked, attempts not submitted, answer sets that differ from the last
    acknowledged save)."""
    from sqlalchemy import select  # noqa: PLC0415

    from app import create_app  # noqa: PLC0415
    from app.extensions import db  # noqa: PLC0415
    from app.models import Attempt  # noqa: PLC0415

    app = create_app()
    with app.app_context():
        rows = {
            a.user_id: a
            for a in db.session.scalars(select(Attempt).where(Attempt.exam_id == exam_id))
        }
        open_, lost = 0, 0
        for s in students:
            attempt = rows.get(s.user_id)
            if attempt is None or attempt.status != "submitted":
                open_ += 1
                continue
            if s.acked is not None and attempt.answers != s.acked:
                lost += 1
        return len(students), open_, lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between saves")
    parser.add_argument("--minutes", type=float, default=1.0, help="minutes of saving")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to start (and submit)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    parser.add_argument("--clients", type=int, default=32, help="client threads (exam day)")
    parser.add_argument("--threads", type=int, default=8, help="client threads (closed loop)")
    parser.add_argument("--requests", type=int, default=4000, help="closed-loop requests per row")
    parser.add_argument(
        "--auth",
        choices=("cookie", "bearer"),
        default="cookie",
        help="exam-day credentials: the player's session cookie + CSRF token, or an API token",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="examhall-examday-"))
    env = {
        "EXAMHALL_INSTANCE": str(tmp),
        "SECRET_KEY": "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "EXAMHALL_DEMO": "0",
        "LOG_LEVEL": "WARNING",
    }
    full_env = os.environ | env
    if args.database_url.startswith("postgres"):
        reset_postgres(args.database_url)
    import subprocess  # noqa: PLC0415

    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "db", "upgrade"],
        check=True,
        env=full_env,
        cwd=ROOT,
        capture_output=True,
    )
    t = time.perf_counter()
    exam_id, qids, people = seed(env, args.students + args.threads)
    print(
        f"seeded {len(people)} students and a {QUESTIONS}-question exam in {time.perf_counter() - t:.1f} s"
    )
    closed_loop, people = people[: args.threads], people[args.threads :]

    app_port, bare_port = free_port(), free_port()
    procs = [
        gunicorn("wsgi:app", app_port, full_env, args.workers, ROOT),
        gunicorn("bare_app:app", bare_port, full_env, args.workers, ROOT / "bench"),
    ]
    try:
        wait_for(f"http://127.0.0.1:{app_port}/health")
        wait_for(f"http://127.0.0.1:{bare_port}/bare")
        base, bare = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
        print(
            f"gunicorn --workers {args.workers} (sync), PostgreSQL + Redis on loopback, "
            f"{os.cpu_count()} cores; load generator on the same cores"
        )

        # 1. closed loop: bare vs sync, with each kind of credentials
        for person in closed_loop:
            req = http.client.HTTPConnection("127.0.0.1", app_port, timeout=10)
            req.request(
                "POST",
                f"/start-exam/{exam_id}",
                headers={**person.headers("bearer"), "Accept": "application/json"},
            )
            assert req.getresponse().status == 200
            req.close()
        counter = itertools.count()
        seqs = itertools.count(1)  # one clock for all rows: every save is newer than the last
        local = threading.local()
        body = {"answers": {str(qids[0]): "B", str(qids[1]): ["A", "C"]}}

        def sync_request(auth: str):
            def make():
                if getattr(local, "auth", None) != auth:
                    person = closed_loop[next(counter) % len(closed_loop)]
                    local.auth, local.headers = auth, person.headers(auth)
                raw = json.dumps({**body, "seq": next(seqs)}).encode()
                headers = {**local.headers, "Content-Type": "application/json"}
                return ("POST", f"/api/sync-exam-answers/{exam_id}", raw, headers)

            return make

        n, th = args.requests, args.threads
        bare_r = run(
            "bare Flask endpoint (baseline)",
            bare,
            lambda: ("GET", "/bare", None, {}),
            threads=th,
            requests=n,
        )
        rows = [
            run(f"sync, {label}", base, sync_request(auth), threads=th, requests=n)
            for auth, label in (("bearer", "Bearer token"), ("cookie", "session cookie + CSRF"))
        ]
        print(f"\n1. closed loop, {th} client threads, {n} requests each")
        print(bare_r.line())
        for row in rows:
            print(row.line())
            print(f"   {row.rps / bare_r.rps:.2f} x the bare endpoint's throughput (target >= 0.5)")

        # 2. exam day
        students = [Student(p.user_id, p.headers(args.auth)) for p in people]
        day = ExamDay(base, exam_id, qids, students, args)
        print(
            f"\n2. exam day: {len(students)} students start within {args.ramp:.0f} s, save every "
            f"{args.interval:.0f} s for {args.minutes:g} min, submit within {args.ramp:.0f} s "
            f"({args.clients} client threads; {args.auth} credentials)"
        )
        elapsed = day.run()
        st = day.stats
        total = sum(len(v) for v in st.latencies.values())
        print(f"   {total} requests in {elapsed:.1f} s ({total / elapsed:.0f} req/s on average)")
        print(f"   {'':8} {'count':>7} {'p50':>9} {'p95':>9} {'p99':>9}  statuses / errors")
        for kind in ("start", "sync", "submit"):
            lat = st.latencies.get(kind, [])
            med = statistics.median(lat) * 1000 if lat else 0.0
            print(
                f"   {kind:8} {len(lat):>7} {med:>7.1f}ms {pct(lat, 95):>7.1f}ms {pct(lat, 99):>7.1f}ms"
                f"  {dict(sorted(st.statuses.get(kind, {}).items()))} / {st.errors.get(kind, 0)}"
            )
        print(
            f"   waiting for a client thread: p50 {statistics.median(st.waits) * 1000:.1f} ms, "
            f"p99 {pct(st.waits, 99):.1f} ms (included in the latencies above)"
        )
        fives = sum(c for s in st.statuses.values() for code, c in s.items() if code >= 500)
        errors = sum(st.errors.values())

        # 3. verification
        checked, still_open, lost = verify(env, exam_id, students)
        print(
            f"\n3. verified {checked} attempts: {still_open} not submitted, {lost} whose saved "
            f"answers differ from the last acknowledged save; {fives} responses 5xx, "
            f"{errors} connection errors"
        )
        ok = still_open == 0 and lost == 0 and fives == 0 and errors == 0
        print("OK: nothing lost" if ok else "FAILED")
        if not ok:
            sys.exit(1)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)


if __name__ == "__main__":
    main()

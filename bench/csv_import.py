"""What importing a 10,000-question CSV costs, against reading the same file with the csv module
alone, in the same run.

    .venv/bin/python bench/csv_import.py [--questions 10000] [--database-url postgresql://...]

Writes a CSV of mixed MCQ/MSQ/NUMERIC questions with LaTeX and Devanagari to a temp dir, then
measures, each with wall time and peak Python memory (tracemalloc):
  (a) csv.reader over the file, every cell touched: the floor;
  (b) Examhall's preview: decode, parse, validate every row (nothing written);
  (c) preview + insert + commit into a fresh SQLite database (and PostgreSQL with
      --database-url: the benchmark owns that database and empties its schema).
Each time is the best of --repeats runs (default 3); memory comes from one more, traced run.
Prints each and its ratio to (a).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.questions.importers.csv_format import COLUMNS  # noqa: E402

TOPICS = ["Kinematics", "गति", "Thermodynamics", "Optics", "बीजगणित", "Probability"]


def question(i: int, rng: random.Random) -> dict[str, str]:
    kind = ("MCQ", "MSQ", "NUMERIC")[i % 3]
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        {
            "question_text": (
                f"Q{i}: A particle of mass $m = {i % 50 + 1}\\,\\text{{kg}}$ moves with "
                f"$v(t) = \\frac{{{i % 7 + 1}t^2}}{{2}}$. निम्न में से कौन सा सही है? "
                f"(शुल्क ₹{i % 900 + 100})\n$$\\int_0^1 x^{{{i % 5}}}\\,dx$$"
            ),
            "question_type": kind,
            "explanation": f"Use $F = ma$ and $\\Delta K = W$; see step {i}.",
            "topic": TOPICS[i % len(TOPICS)],
            "subtopic": f"Part {i % 4}",
            "difficulty": str(i % 5 + 1),
            "source": "Bench",
            "tags": "bench; latex" if i % 2 else "",
            "positive_marks": "4" if i % 4 else "",
            "negative_marks": "1" if i % 4 else "",
            "set_number": str(i % 2 + 1),
        }
    )
    if kind == "NUMERIC":
        row["correct_answer"] = f"{rng.uniform(-100, 100):.3f}"
        row["tolerance"] = "0.01"
    else:
        count = 4 + i % 3
        for n in range(count):
            row[f"option_{'abcdefgh'[n]}"] = f"$\\sqrt{{{n + i % 9}}}$ मीटर"
        row["correct_answer"] = "B" if kind == "MCQ" else "A,C"
    return row


def write_csv(path: Path, count: int) -> None:
    rng = random.Random(1)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for i in range(count):
            writer.writerow(question(i, rng))


REPEATS = 3


def measure(label: str, make_run: Callable[[int], Callable[[], Any]]) -> tuple[float, Any]:
    """Best wall time of REPEATS untraced runs (a busy machine only ever adds time), then peak
    memory in one more, traced run: tracemalloc slows Python code several times over, so a
    traced run's time would mean little. `make_run(i)` gives run i (an insert needs a fresh
    target each time)."""
    times, result = [], None
    for i in range(REPEATS):
        run = make_run(i)
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    run = make_run(REPEATS)
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    best = min(times)
    print(f"  {label:<44} {best * 1000:7.0f} ms  peak {peak / 2**20:6.1f} MiB", flush=True)
    return best, result


def csv_only(path: Path) -> int:
    cells = 0
    with path.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            cells += sum(1 for c in row if c)
    return cells


def app_for(database_url: str, instance: Path):
    from flask_migrate import upgrade  # noqa: PLC0415 - after sys.path is set

    from app import create_app  # noqa: PLC0415
    from app.config import TestConfig  # noqa: PLC0415
    from app.extensions import db  # noqa: PLC0415
    from app.models import Exam  # noqa: PLC0415
    from app.users.services import create_user  # noqa: PLC0415

    app = create_app(TestConfig(instance, database_url=database_url))
    with app.app_context():
        upgrade()
        admin = create_user(
            username="bench", email="bench@example.com", password="x" * 12, roles={"admin"}
        )
        exams = [Exam(name=f"Bench {i}") for i in range(REPEATS + 1)]
        db.session.add_all(exams)
        db.session.commit()
        ids = admin.id, [e.id for e in exams]
    return app, ids


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def run_examhall(
    label: str, database_url: str, instance: Path, content: bytes, base: float
) -> None:
    from sqlalchemy import func, select  # noqa: PLC0415

    from app.extensions import db  # noqa: PLC0415
    from app.models import Question, User  # noqa: PLC0415
    from app.questions.importers import service  # noqa: PLC0415

    app, (admin_id, exam_ids) = app_for(database_url, instance)
    with app.app_context():
        actor = db.session.get(User, admin_id)

        def preview() -> Any:
            checked = service.check(actor, exam_ids[0], "csv", content)
            db.session.rollback()
            return checked

        def commit(i: int) -> Callable[[], Any]:
            def run() -> Any:
                outcome = service.import_now(actor, exam_ids[i], "csv", content)
                db.session.commit()
                return outcome

            return run

        t_preview, checked = measure(f"(b) preview: parse + validate [{label}]", lambda i: preview)
        assert not checked.errors, checked.errors[:3]
        t_commit, outcome = measure(f"(c) parse + validate + insert [{label}]", commit)
        stored = db.session.scalar(
            select(func.count()).select_from(Question).where(Question.exam_id == exam_ids[0])
        )
        assert outcome["inserted"] == stored, (outcome["inserted"], stored)
        print(
            f"      x csv alone: preview {t_preview / base:4.1f}, import {t_commit / base:4.1f}; "
            f"{stored / t_commit:,.0f} questions/s imported"
        )
        db.engine.dispose()


def main() -> None:
    global REPEATS  # noqa: PLW0603 - one setting for the whole run
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    REPEATS = args.repeats
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "questions.csv"
        write_csv(path, args.questions)
        content = path.read_bytes()
        print(f"{args.questions:,} questions, {len(content) / 2**20:.1f} MiB CSV")
        base, _ = measure("(a) csv.reader alone", lambda i: lambda: csv_only(path))
        run_examhall("SQLite", f"sqlite:///{folder / 'bench.db'}", folder / "sqlite", content, base)
        if args.database_url:
            reset_postgres(args.database_url)
            run_examhall("PostgreSQL", args.database_url, folder / "pg", content, base)


if __name__ == "__main__":
    main()

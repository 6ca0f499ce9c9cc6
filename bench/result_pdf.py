"""What a result sheet PDF costs, against fpdf2 alone with the same fonts and the same text, in
the same run.

    .venv/bin/python bench/result_pdf.py [--pdfs 30] [--questions 30]

Builds a fresh SQLite database with an exam of --questions questions (English with math
symbols, the rupee sign and Devanagari), a student who sat it through the real endpoints, and
an admin, then times --pdfs sheets each way:
  (a) fpdf2 alone, the plain way: the same three fonts, strings and layout, multi_cell for
      every paragraph (fpdf2's line breaker), shaping the strings whose script needs it; no
      database, no Flask. (a0) is the same shaping every
      string, fewer times: what the first version of the sheet did;
  (b) Examhall's renderer (app.analytics.pdf.render) on a report already loaded;
  (c) GET /admin/users-analytics/download-result/<id> through the Flask test client with a
      Bearer token: authentication, the database reads (result, report, rank), the PDF.
and two reference rows: (f) a one-word page with the three fonts (parsing the fonts and writing
the file: the floor of any sheet) and (a0) = (a) shaping every string. Times are CPU time of
this process (time.process_time), so other load on the machine does not inflate them. Prints
mean, p50 and p95 per PDF, PDF size, and each ratio to (a).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def question(i: int) -> dict:
    text = (
        f"Q{i}: शुल्क ₹{100 + i * 7} है; x ≤ {i} और y ≥ √{i + 2}. "
        f"π·r² = ? ∑ k = n(n+1)/2, ∫ x dx. निम्न में से कौन सा सही है?"
    )
    if i % 3 == 2:
        return {"question_type": "NUMERIC", "text": text, "correct_answer": str(i)}
    return {
        "question_type": "MCQ" if i % 3 == 0 else "MSQ",
        "text": text,
        "options": [f"₹{i}", f"√{i}", f"π{i}", f"{i} ≥ 0"],
        "correct_answer": "B" if i % 3 == 0 else "A,C",
    }


def build(instance: Path, questions: int):
    from flask_migrate import upgrade  # noqa: PLC0415 - after sys.path is set

    from app import create_app  # noqa: PLC0415
    from app.auth import tokens  # noqa: PLC0415
    from app.config import TestConfig  # noqa: PLC0415
    from app.extensions import db  # noqa: PLC0415
    from app.models import Exam, Question, User, utcnow  # noqa: PLC0415
    from app.users.services import create_user  # noqa: PLC0415

    app = create_app(TestConfig(instance, database_url=f"sqlite:///{instance / 'bench.db'}"))
    with app.app_context():
        upgrade()
        admin = create_user(
            username="bench", email="bench@example.com", password="x" * 12, roles={"admin"}
        )
        pupil = create_user(
            username="ananya",
            email="ananya@example.com",
            password="x" * 12,
            roles={"student"},
            full_name="अनन्या Sharma",
        )
        exam = Exam(
            name="गणित Scholarship ₹ Test",
            status="published",
            starts_at=utcnow().replace(year=2020),
            duration_minutes=60,
            positive_marks=Decimal(4),
            negative_marks=Decimal(1),
            owner_id=admin.id,
        )
        db.session.add(exam)
        db.session.flush()
        rows = [Question(exam_id=exam.id, position=i + 1, **question(i)) for i in range(questions)]
        db.session.add_all(rows)
        db.session.commit()
        ids = exam.id, [q.id for q in rows]
        headers = {
            "admin": {
                "Authorization": f"Bearer {tokens.issue_access(db.session.get(User, admin.id))}"
            },
            "pupil": {
                "Authorization": f"Bearer {tokens.issue_access(db.session.get(User, pupil.id))}"
            },
        }
    client = app.test_client()
    exam_id, qids = ids
    client.post(f"/start-exam/{exam_id}", headers=headers["pupil"])
    answers = {
        str(q): ("B" if i % 3 == 0 else ["A"] if i % 3 == 1 else str(i)) for i, q in enumerate(qids)
    }
    client.post(
        f"/api/sync-exam-answers/{exam_id}", json={"answers": answers}, headers=headers["pupil"]
    )
    result_id = client.post(f"/submit-exam/{exam_id}", headers=headers["pupil"]).get_json()[
        "result_id"
    ]
    return app, client, headers["admin"], result_id


DEVANAGARI_ETC = re.compile(r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\ufb1d-\ufdff\ufe70-\ufeff]")


def fonts_only() -> bytes:
    """An empty page with the three fonts: parsing the fonts and writing the PDF."""
    from fpdf import FPDF  # noqa: PLC0415

    font_dir = ROOT / "app" / "analytics" / "fonts"
    doc = FPDF(format="A4")
    doc.add_font("DejaVu", "", str(font_dir / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(font_dir / "DejaVuSans-Bold.ttf"))
    doc.add_font("NotoDevanagari", "", str(font_dir / "NotoSansDevanagari-Regular.ttf"))
    doc.add_page()
    doc.set_font("DejaVu", "", 10)
    doc.cell(0, 5, "x")
    return bytes(doc.output())


def fpdf_alone(questions: int, shape_everything: bool = False) -> bytes:
    """The same sheet built straight with fpdf2: the same fonts, strings and layout (a title,
    label/value lines, then per question a heading, its text and the answer line), shaping
    the strings whose script needs it (or every string, with shape_everything)."""
    from fpdf import FPDF  # noqa: PLC0415
    from fpdf.enums import XPos, YPos  # noqa: PLC0415

    font_dir = ROOT / "app" / "analytics" / "fonts"
    doc = FPDF(format="A4")
    doc.add_font("DejaVu", "", str(font_dir / "DejaVuSans.ttf"))
    doc.add_font("DejaVu", "B", str(font_dir / "DejaVuSans-Bold.ttf"))
    doc.add_font("NotoDevanagari", "", str(font_dir / "NotoSansDevanagari-Regular.ttf"))
    doc.set_fallback_fonts(["NotoDevanagari"], exact_match=False)
    doc.add_page()

    def shaping(text: str) -> None:
        doc.set_text_shaping(shape_everything or bool(DEVANAGARI_ETC.search(text)))

    def write(text: str, size: float = 10, style: str = "") -> None:
        shaping(text)
        doc.set_font("DejaVu", style, size)
        doc.multi_cell(0, size * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    write("Examhall", 15, "B")
    write("Result sheet: गणित Scholarship ₹ Test", 13, "B")
    details = [
        ("Student", "अनन्या Sharma"),
        ("Username", "ananya"),
        ("Exam", "गणित Scholarship ₹ Test"),
        ("Attempt", "1"),
        ("Submitted", "04 Dec 2026, 20:37 IST"),
        ("Time taken", "0 min 01 s"),
        ("Score", "40 / 120"),
        ("Percentage", "33.3%"),
        ("Rank", "1 of 1"),
        ("Questions", "10 correct, 20 wrong, 0 partly right, 0 not answered"),
    ]
    for label, value in details:
        shaping(label)
        doc.set_font("DejaVu", "B", 10)
        doc.cell(35, 5.5, label)
        shaping(value)
        doc.set_font("DejaVu", "", 10)
        doc.multi_cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    write("Questions", 12, "B")
    for i in range(questions):
        write(f"{i + 1}. MCQ · wrong · marks -1", style="B")
        write(question(i)["text"])
        write("Your answer: B    Key: A, C", 9)
    return bytes(doc.output())


def timed(label: str, n: int, make: Callable[[], bytes]) -> dict:
    make()  # warm: imports, first-use caches
    times, size = [], 0
    for _ in range(n):
        start = time.process_time()
        size = len(make())
        times.append(time.process_time() - start)
    times.sort()
    return {
        "label": label,
        "mean": statistics.fmean(times),
        "p50": times[len(times) // 2],
        "p95": times[min(len(times) - 1, int(len(times) * 0.95))],
        "size": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=30)
    parser.add_argument("--questions", type=int, default=30)
    args = parser.parse_args()

    from app.analytics import pdf  # noqa: PLC0415
    from app.extensions import db  # noqa: PLC0415
    from app.models import Result  # noqa: PLC0415
    from app.results.services import report  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        app, client, admin_headers, result_id = build(Path(tmp), args.questions)

        def through_http() -> bytes:
            res = client.get(
                f"/admin/users-analytics/download-result/{result_id}", headers=admin_headers
            )
            assert res.status_code == 200 and res.mimetype == "application/pdf", res.status
            return res.data

        with app.test_request_context():
            rep = report(db.session.get(Result, result_id))
            rows = [
                timed("(f) fpdf2, three fonts, one word", args.pdfs, fonts_only),
                timed(
                    "(a0) fpdf2 alone, shaping every string",
                    max(3, args.pdfs // 5),
                    lambda: fpdf_alone(args.questions, shape_everything=True),
                ),
                timed(
                    "(a) fpdf2 alone, multi_cell",
                    args.pdfs,
                    lambda: fpdf_alone(args.questions),
                ),
                timed(
                    "(b) Examhall renderer (report loaded)",
                    args.pdfs,
                    lambda: pdf.render(rep, "Examhall"),
                ),
            ]
        rows.append(timed("(c) GET download-result (auth, DB, PDF)", args.pdfs, through_http))

    base = rows[2]["mean"]
    print(f"{args.pdfs} PDFs each, {args.questions} questions a sheet")
    print(f"{'':44} {'mean':>9} {'p50':>9} {'p95':>9} {'size':>8} {'x (a)':>6}")
    for r in rows:
        print(
            f"{r['label']:44} {r['mean'] * 1000:7.1f}ms {r['p50'] * 1000:7.1f}ms "
            f"{r['p95'] * 1000:7.1f}ms {r['size'] / 1024:6.1f}KB {r['mean'] / base:6.2f}"
        )


if __name__ == "__main__":
    main()

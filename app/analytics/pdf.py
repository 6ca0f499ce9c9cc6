"""The result sheet as a PDF (fpdf2), with the fonts embedded, so a student's name in Devanagari,
a rupee amount or a math symbol prints the same on every machine.

DejaVu Sans covers Latin, the rupee sign and the math symbols; Noto Sans Devanagari is the
fallback for Indian scripts, shaped by HarfBuzz (uharfbuzz) so conjuncts and vowel signs join
as they should. Only the glyphs used are embedded (fpdf2 subsets), which keeps a sheet small.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from app.exams.schedule import to_local
from app.models import Result, User
from app.results.services import Report, report

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS = (
    ("DejaVu", "", "DejaVuSans.ttf"),
    ("DejaVu", "B", "DejaVuSans-Bold.ttf"),
    ("NotoDevanagari", "", "NotoSansDevanagari-Regular.ttf"),
)
FALLBACK = ["NotoDevanagari"]
QUESTION_CHARS = 400
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def new_document() -> FPDF:
    """An A4 document with the committed fonts registered, text shaping on."""
    doc = FPDF(format="A4")
    for family, style, name in FONTS:
        doc.add_font(family, style, str(FONT_DIR / name))
    doc.set_fallback_fonts(FALLBACK, exact_match=False)
    doc.set_text_shaping(True)
    doc.set_auto_page_break(True, margin=15)
    return doc


def clean(text: object, limit: int | None = None) -> str:
    """Text as it should print: normalised (NFC), no control characters, tabs as spaces."""
    value = unicodedata.normalize("NFC", str(text if text is not None else ""))
    value = _CONTROL.sub("", value.replace("\t", " ").replace("\r\n", "\n"))
    if limit and len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    return value


def _marks(value: object) -> str:
    text = f"{value:f}" if value is not None else ""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _duration(seconds: int) -> str:
    minutes, sec = divmod(max(0, seconds or 0), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min {sec:02d} s" if hours else f"{minutes} min {sec:02d} s"


def filename(result: Result) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{result.exam.name}-{result.user.username}").strip("-")
    return f"result-{result.id}-{slug[:60] or 'exam'}.pdf"


def _heading(doc: FPDF, text: str, size: int = 12) -> None:
    doc.set_font("DejaVu", "B", size)
    doc.multi_cell(0, size * 0.6, clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(1)
    doc.set_font("DejaVu", "", 10)


def render(rep: Report, institute: str) -> bytes:
    result, exam, student = rep.result, rep.exam, rep.student
    doc = new_document()
    doc.set_title(clean(f"Result: {exam.name} - {student.full_name or student.username}"))
    doc.set_author(clean(institute))
    doc.add_page()
    _heading(doc, institute, 15)
    _heading(doc, f"Result sheet: {exam.name}", 13)

    submitted = to_local(result.submitted_at)
    details = [
        ("Student", student.full_name or student.username),
        ("Username", student.username),
        ("Exam", exam.name),
        ("Attempt", str(rep.attempt.number)),
        ("Submitted", submitted.strftime("%d %b %Y, %H:%M %Z") if submitted else ""),
        ("Time taken", _duration(result.time_taken_seconds)),
        ("Score", f"{_marks(result.score)} / {_marks(result.max_score)}"),
        ("Percentage", f"{rep.percent}%"),
        ("Rank", f"{rep.rank} of {rep.participants}"),
        (
            "Questions",
            f"{result.correct} correct, {result.wrong} wrong, {result.partial} partly right, "
            f"{result.unanswered} not answered",
        ),
    ]
    with doc.table(col_widths=(35, 145), first_row_as_headings=False) as table:
        for label, value in details:
            row = table.row()
            row.cell(clean(label))
            row.cell(clean(value))
    doc.ln(4)

    if len(rep.sections) > 1 or (rep.sections and rep.sections[0].name):
        _heading(doc, "Sections")
        with doc.table(col_widths=(70, 30, 30, 30, 30), text_align="LEFT") as table:
            head = table.row()
            for label in ("Section", "Questions", "Answered", "Correct", "Score"):
                head.cell(label)
            for s in rep.sections:
                row = table.row()
                row.cell(clean(s.name or "(no section)"))
                row.cell(str(s.questions))
                row.cell(str(s.answered))
                row.cell(str(s.correct))
                row.cell(f"{_marks(s.score)} / {_marks(s.max_score)}")
        doc.ln(4)

    _heading(doc, "Questions")
    with doc.table(col_widths=(10, 95, 28, 28, 19), text_align="LEFT") as table:
        head = table.row()
        for label in ("#", "Question", "Your answer", "Key", "Marks"):
            head.cell(label)
        for q in rep.questions:
            row = table.row()
            row.cell(str(q.number))
            row.cell(clean(q.text, QUESTION_CHARS))
            row.cell(clean(q.answer_shown or "-"))
            row.cell(clean(q.key_shown))
            row.cell(_marks(q.marks_awarded))
    return bytes(doc.output())


def result_pdf(result: Result, viewer: User | None = None) -> bytes:
    return render(report(result, viewer=viewer), current_app.config["INSTITUTE_NAME"])

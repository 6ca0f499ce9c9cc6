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
JOINERS = "\u200c\u200d"  # zero-width non-joiner and joiner belong to the letter before them


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


# Scripts that cannot be drawn without shaping: Indic (Devanagari to Sinhala), Thai, Lao, Hebrew,
# Arabic. Latin, the rupee sign and math symbols need none and are drawn straight.
_NEEDS_SHAPING = re.compile(r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0eff\ufb1d-\ufdff\ufe70-\ufeff]")


def needs_shaping(text: str) -> bool:
    return bool(_NEEDS_SHAPING.search(text))


def wrap(doc: FPDF, text: str, width: float) -> list[str]:
    """Lines of at most `width`, broken at spaces, each word measured once.

    fpdf2's own line breaker (multi_cell) shapes the growing line again for every character it
    adds: a 30-question sheet with Devanagari took four CPU-seconds that way, in tables twice
    over (bench/README.md, "result_pdf.py"). A word wider than the line (a long URL) is cut
    into pieces that fit (`_pieces`)."""
    space = doc.get_string_width(" ")
    out: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0.0
        for raw in paragraph.split(" "):
            word, size = raw, doc.get_string_width(raw) if raw else 0.0
            if size > width:
                if line:
                    out.append(" ".join(line))
                *whole, word = _pieces(doc, raw, width)
                out.extend(whole)
                line, used, size = [], 0.0, doc.get_string_width(word)
            if line and used + space + size > width:
                out.append(" ".join(line))
                line, used = [], 0.0
            used = size if not line else used + space + size
            line.append(word)
        out.append(" ".join(line))
    return out


def _pieces(doc: FPDF, word: str, width: float) -> list[str]:
    """A word wider than the line, cut where the next letter would overflow, and never inside a
    letter with its marks (a Devanagari vowel sign stays with its consonant). Measured a letter
    at a time, which only such words pay for."""
    letters: list[str] = []
    for char in word:
        if letters and (unicodedata.category(char).startswith("M") or char in JOINERS):
            letters[-1] += char
        else:
            letters.append(char)
    pieces: list[str] = []
    current = ""
    for letter in letters:
        if current and doc.get_string_width(current + letter) > width:
            pieces.append(current)
            current = ""
        current += letter
    pieces.append(current)
    return pieces


def _lines(doc: FPDF, text: str, x: float, height: float) -> None:
    width = doc.w - doc.r_margin - x
    for line in wrap(doc, text, width):
        doc.set_x(x)
        doc.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def write(doc: FPDF, text: str, *, size: float = 10, style: str = "") -> None:
    """One paragraph, wrapped, at the left margin; shaped only when its script needs it."""
    doc.set_text_shaping(needs_shaping(text))
    doc.set_font("DejaVu", style, size)
    _lines(doc, text, doc.l_margin, size * 0.55)


def pair(doc: FPDF, label: str, value: str, label_width: float = 35) -> None:
    """A label in bold and its value, wrapped beside it."""
    doc.set_text_shaping(needs_shaping(label))
    doc.set_font("DejaVu", "B", 10)
    doc.cell(label_width, 5.5, label)
    doc.set_text_shaping(needs_shaping(value))
    doc.set_font("DejaVu", "", 10)
    _lines(doc, value, doc.l_margin + label_width, 5.5)


def close_fonts(doc: FPDF) -> None:
    """fpdf2 keeps each font file open until output() has embedded it; a sheet that fails
    half-way must not leak the handles."""
    for font in doc.fonts.values():
        close = getattr(font, "close", None)
        if close is not None:
            close()


def render(rep: Report, institute: str) -> bytes:
    doc = new_document()
    try:
        return _render(doc, rep, institute)
    finally:
        close_fonts(doc)


def _render(doc: FPDF, rep: Report, institute: str) -> bytes:
    result, exam, student = rep.result, rep.exam, rep.student
    doc.set_title(clean(f"Result: {exam.name} - {student.full_name or student.username}"))
    doc.set_author(clean(institute))
    doc.add_page()
    write(doc, clean(institute), size=15, style="B")
    write(doc, clean(f"Result sheet: {exam.name}"), size=13, style="B")
    doc.ln(2)

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
    for label, value in details:
        pair(doc, label, clean(value))
    doc.ln(3)

    if len(rep.sections) > 1 or (rep.sections and rep.sections[0].name):
        write(doc, "Sections", size=12, style="B")
        for s in rep.sections:
            pair(
                doc,
                clean(s.name or "(no section)", 40),
                f"{_marks(s.score)} / {_marks(s.max_score)} · {s.correct} of {s.questions} "
                f"correct, {s.answered} answered",
                label_width=60,
            )
        doc.ln(3)

    write(doc, "Questions", size=12, style="B")
    for q in rep.questions:
        outcome = {True: "right", False: "wrong", None: "not answered"}[q.is_correct]
        if q.is_correct is False and q.marks_awarded > 0:
            outcome = "partly right"
        write(
            doc,
            f"{q.number}. {q.question_type} · {outcome} · marks {_marks(q.marks_awarded)}",
            style="B",
        )
        write(doc, clean(q.text, QUESTION_CHARS))
        write(doc, clean(f"Your answer: {q.answer_shown or '-'}    Key: {q.key_shown}"), size=9)
        doc.ln(1.5)
    return bytes(doc.output())


def result_pdf(result: Result, viewer: User | None = None) -> bytes:
    return render(report(result, viewer=viewer), current_app.config["INSTITUTE_NAME"])

"""Examhall's question CSV: one question per row under a header naming the columns, the same
columns the export writes, so an exported file imports back to the same questions.

Columns (header names are case-insensitive; order is free; only `question_text` and
`correct_answer` are required, a missing column counts as blank): COLUMNS below. `tags` are
separated by semicolons; `section` is a section name of the target exam; blank marks mean the
exam's default. Unknown columns are reported back and ignored.

Spreadsheet formula injection: the export puts an apostrophe before a text cell that starts
with = + - @, a tab or a carriage return (OWASP's advice), and `unguard` takes exactly that
apostrophe off again on import, so `-1` as an option survives the round trip. Cells that hold
validated numbers (marks, tolerance, difficulty, set_number, a NUMERIC answer) are never
guarded: a number cannot be a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from app.core.errors import Invalid
from app.questions.importers.rows import ParsedRow, ParseResult, too_many
from app.questions.validation import OPTION_KEYS

COLUMNS = (
    "question_text",
    "question_type",
    *OPTION_KEYS,
    "correct_answer",
    "tolerance",
    "positive_marks",
    "negative_marks",
    "explanation",
    "topic",
    "subtopic",
    "difficulty",
    "source",
    "tags",
    "image_url",
    "section",
    "set_number",
)
REQUIRED = ("question_text", "correct_answer")
# Text cells: guarded on export, unguarded on import. The rest hold numbers or letters.
TEXT_COLUMNS = frozenset(
    {"question_text", *OPTION_KEYS, "explanation", "topic", "subtopic", "source", "tags"}
    | {"image_url", "section"}
)
ALIASES = {
    "question": "question_text",
    "text": "question_text",
    "type": "question_type",
    "answer": "correct_answer",
    "image_path": "image_url",
    "image": "image_url",
    "section_name": "section",
}
RISKY = ("=", "+", "-", "@", "\t", "\r")


def needs_guard(value: str) -> bool:
    """A cell a spreadsheet could run as a formula, or one that would look like a guarded
    cell after import (apostrophes then a risky character)."""
    return value.lstrip("'").startswith(RISKY)


def guard(value: str) -> str:
    return "'" + value if needs_guard(value) else value


def unguard(value: str) -> str:
    """The inverse of `guard`: exactly one apostrophe added by the export comes off."""
    if value.startswith("'") and needs_guard(value[1:]):
        return value[1:]
    return value


def _delimiter(text: str) -> str:
    """Comma, unless the header has none and uses the semicolon or tab that Excel writes in
    locales with a decimal comma."""
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    for candidate in (";", "\t"):
        if candidate in first:
            return candidate
    return ","


def _header(cells: list[str]) -> tuple[list[str | None], list[str]]:
    names: list[str | None] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for cell in cells:
        key = cell.strip().lower().replace(" ", "_")
        key = ALIASES.get(key, key)
        if key in COLUMNS and key not in seen:
            names.append(key)
            seen.add(key)
        else:
            names.append(None)
            if cell.strip():
                ignored.append(cell.strip())
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise Invalid(
            f"The CSV header (row 1) must name the columns; missing: {', '.join(missing)}. "
            f"Columns: {', '.join(COLUMNS)}"
        )
    return names, ignored


def parse(text: str) -> ParseResult:
    result = stream(text)
    result.rows = list(result.rows)
    return result


def stream(text: str) -> ParseResult:
    """The header is read at once (a bad one fails the whole file); rows are read as they are
    consumed, so a 10,000-row import never holds every raw row at the same time."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
    except StopIteration:
        header = []
    names, ignored = _header(header)
    return ParseResult(rows=_records(reader, names), ignored_columns=ignored)


def _records(reader: Any, names: list[str | None]) -> Iterator[ParsedRow]:
    count = 0
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue  # a blank row: nothing to import, nothing to report
            count += 1
            too_many(count)
            yield _row(number, names, cells)
    except csv.Error as exc:
        yield ParsedRow(row=reader.line_num, error=f"unreadable CSV: {exc}")


def _row(number: int, names: list[str | None], cells: list[str]) -> ParsedRow:
    extra = [c for c in cells[len(names) :] if c.strip()]
    if extra:
        return ParsedRow(
            row=number,
            error=f"has {len(cells)} cells but the header names {len(names)} columns",
        )
    data: dict[str, str] = {}
    for name, cell in zip(names, cells, strict=False):
        if name is None:
            continue
        if name not in TEXT_COLUMNS:
            data[name] = cell.strip()
        else:  # unguard only what starts with an apostrophe (the fast path for the rest)
            data[name] = unguard(cell) if cell[:1] == "'" else cell
    section = data.pop("section", "").strip()
    if "image_url" in data:
        data["image_path"] = data.pop("image_url")
    return ParsedRow(row=number, data=data, section=section)

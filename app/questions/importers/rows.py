"""The type every importer produces, and the dispatch by format name.

A parser never validates a question: it only reads the file's structure. Validation is
`app.questions.validation.clean`, the same for every format and for the JSON API, so a CSV row
and a GIFT question are refused with the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import Invalid


@dataclass
class ParsedRow:
    """One question read from a file.

    `row` locates it for the author: in a CSV the spreadsheet row (the header is row 1, a
    record with line breaks inside quotes is still one row); in GIFT and Aiken the line where
    the question starts. `data` is the question in SmartAIExam's field names; `error` the
    reason the parser could not read it (then `data` is None). `section` is a CSV section name,
    resolved against the exam's sections before validation.
    """

    row: int
    data: dict[str, Any] | None = None
    error: str | None = None
    section: str = ""


@dataclass
class ParseResult:
    """`rows` is a list from `parse`; from `stream` it may be an iterator read once."""

    rows: Any = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


MAX_ROWS = 20_000


def decode(content: bytes, kind: str) -> str:
    """UTF-8 text (with or without a BOM) with newlines as \\n; anything else is refused rather
    than guessed, because a wrong guess silently garbles ₹, Devanagari and LaTeX."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid(
            f"The file is not UTF-8 text (byte {exc.start + 1}): save it as UTF-8 "
            f"({'CSV UTF-8' if kind == 'csv' else 'UTF-8 text'}) and upload it again"
        ) from None
    if "\x00" in text:
        raise Invalid("The file is not a text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def too_many(count: int) -> None:
    if count > MAX_ROWS:
        raise Invalid(f"At most {MAX_ROWS} questions per import; split the file")


def _parsers() -> dict[str, Callable[[str], ParseResult]]:
    from app.questions.importers import aiken, csv_format, gift  # noqa: PLC0415 - they import us

    return {"csv": csv_format.stream, "gift": gift.parse, "aiken": aiken.parse}


FORMATS = ("csv", "gift", "aiken")
EXTENSIONS = {"csv": ".csv", "gift": ".gift", "aiken": ".txt"}


def stream(fmt: str, content: bytes) -> ParseResult:
    """Parse a file of `fmt` (csv | gift | aiken); `rows` may be an iterator (CSV), read once.
    Whole-file problems (not UTF-8, no header, too many rows) raise Invalid; a question that
    cannot be read becomes a ParsedRow with an error."""
    if fmt not in FORMATS:
        raise Invalid(
            f"format: must be one of {', '.join(FORMATS)}",
            fields=[{"loc": ["body", "format"], "msg": "unknown format", "type": "enum"}],
        )
    text = decode(content, fmt)
    if not text.strip():
        raise Invalid("The file is empty")
    result = _parsers()[fmt](text)
    if isinstance(result.rows, list):
        too_many(len(result.rows))
    return result


def parse(fmt: str, content: bytes) -> ParseResult:
    """`stream`, with every row read into a list."""
    result = stream(fmt, content)
    result.rows = list(result.rows)
    return result

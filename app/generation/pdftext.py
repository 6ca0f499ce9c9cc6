"""Text from an uploaded PDF, through pypdf, within limits: a file too big, too long, encrypted
or without a text layer (a scan) is refused with a 400 that says which, before any model call.
The text handed to the model is capped as well, so a long book cannot make one prompt huge."""

from __future__ import annotations

import io
import logging
import re

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from app.core.errors import Invalid

MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 50
MAX_TEXT_CHARS = 40_000  # what the prompt carries; the rest of a long PDF is left out
MIN_TEXT_CHARS = 20

FIELD = "pdf_file"
_SPACES = re.compile(r"[ \t\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# pypdf logs small defects it repairs as warnings; they are not the teacher's to act on.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def _bad(message: str) -> Invalid:
    return Invalid(
        message, fields=[{"loc": ["body", FIELD], "msg": message, "type": "value_error"}]
    )


def pdf_text(content: bytes) -> tuple[str, int]:
    """(text, page count) of a PDF, or `Invalid` with a message a teacher can act on."""
    if not content:
        raise _bad("pdf_file is empty")
    if len(content) > MAX_PDF_BYTES:
        raise _bad(f"pdf_file is too large (at most {MAX_PDF_BYTES // (1024 * 1024)} MB)")
    if not content.lstrip()[:5].startswith(b"%PDF-"):
        raise _bad("pdf_file is not a PDF")
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise _bad("pdf_file is encrypted; upload a copy without a password")
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise _bad(f"pdf_file has {count} pages (at most {MAX_PDF_PAGES})")
        parts: list[str] = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= MAX_TEXT_CHARS:
                break
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise _bad("pdf_file could not be read as a PDF") from exc
    text = _tidy("\n\n".join(parts))[:MAX_TEXT_CHARS]
    if len(text) < MIN_TEXT_CHARS:
        raise _bad("No text could be read from pdf_file (a scanned PDF has none)")
    return text, count


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()

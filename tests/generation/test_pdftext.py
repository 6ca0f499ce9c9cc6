"""PDF text through pypdf, with its limits: each refusal is a 400 that says what to fix."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter

from app.core.errors import Invalid
from app.generation import pdftext
from tests.generation.conftest import make_pdf


def test_reads_the_text_of_every_page():
    text, pages = pdftext.pdf_text(make_pdf("Newton's first law: inertia.", "Second law: F = ma."))
    assert pages == 2
    assert "Newton's first law: inertia." in text
    assert "Second law: F = ma." in text


def test_too_large_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(pdftext, "MAX_PDF_BYTES", 1000)
    with pytest.raises(Invalid, match=r"pdf_file is too large"):
        pdftext.pdf_text(make_pdf("x " * 2000) + b" " * 1000)


def test_too_many_pages(monkeypatch):
    monkeypatch.setattr(pdftext, "MAX_PDF_PAGES", 2)
    with pytest.raises(Invalid, match=r"pdf_file has 3 pages \(at most 2\)"):
        pdftext.pdf_text(make_pdf("one page here", "two pages here", "three pages here"))


def test_text_is_capped(monkeypatch):
    monkeypatch.setattr(pdftext, "MAX_TEXT_CHARS", 100)
    text, _ = pdftext.pdf_text(make_pdf("word " * 200, "second page text"))
    assert len(text) == 100


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "pdf_file is empty"),
        (b"hello, this is plain text", "pdf_file is not a PDF"),
        (b"%PDF-1.7\n garbage that is no pdf at all", "pdf_file could not be read as a PDF"),
    ],
)
def test_not_a_pdf(content, message):
    with pytest.raises(Invalid) as caught:
        pdftext.pdf_text(content)
    assert caught.value.message == message
    assert caught.value.fields[0]["loc"] == ["body", "pdf_file"]


def test_a_pdf_without_text_says_so():
    with pytest.raises(Invalid, match=r"No text could be read from pdf_file"):
        pdftext.pdf_text(make_pdf(""))


def test_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(Invalid, match=r"pdf_file is encrypted"):
        pdftext.pdf_text(buffer.getvalue())

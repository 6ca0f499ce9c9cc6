"""The result sheet PDF (`/admin/users-analytics/download-result/<result_id>`): what a teacher
downloads is a real PDF whose text says the right things, in scripts and symbols the built-in
PDF fonts cannot show, with the fonts embedded so it prints the same everywhere."""

from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal

import pytest
from pypdf import PdfReader

UNICODE_QUESTIONS = [
    {
        "question_type": "MCQ",
        "text": "A fee of ₹1,250 rises by 8%. Which is right: x ≤ 1350 or x ≥ 1350?",
        "options": ["x ≤ 1350", "x ≥ 1350"],
        "correct_answer": "B",
    },
    {
        "question_type": "MCQ",
        "text": "√2 · π ≈ ? and ∑ 1/n² = π²/6; ∫ x dx",
        "options": ["4.44", "3.14"],
        "correct_answer": "A",
    },
    {
        "question_type": "NUMERIC",
        "text": "प्रश्न: दो और तीन का योग क्या है?",
        "correct_answer": "5",
        "tolerance": Decimal("0"),
    },
]


def pdf_text(content: bytes) -> tuple[str, set[str], list[bool]]:
    """The text pypdf extracts, the embedded fonts' names, and whether each is embedded.

    A pre-base vowel sign (the i-matra in गणित) is drawn before its consonant; fpdf2's
    ToUnicode map gives the reordered glyph a stray control character, which pypdf returns
    ("गणि\\x03त"). The page shows the word right; the control characters are dropped here."""
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"[\x00-\x08\x0b-\x1f]", "", text)
    names, embedded = set(), []
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            embedded.append("/FontFile2" in descriptor)
    return text, names, embedded


@pytest.fixture
def unicode_result(make_exam, make_user, sit):
    exam = make_exam(UNICODE_QUESTIONS, name="गणित Scholarship ₹ Test")
    ananya = make_user("ananya", full_name="अनन्या Sharma")
    q1, q2, q3 = exam.question_ids
    return exam, sit(ananya, exam, {q1: "B", q2: "B", q3: "5"}), ananya


def test_download_is_a_pdf_with_the_result(api, teacher, unicode_result):
    _, result_id, _ = unicode_result
    res = api(teacher, "GET", f"/admin/users-analytics/download-result/{result_id}")
    assert res.status_code == 200
    assert res.mimetype == "application/pdf"
    disposition = res.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"result-{result_id}-" in disposition
    assert res.data.startswith(b"%PDF-")
    text, _, _ = pdf_text(res.data)
    assert "Result sheet" in text
    assert "ananya" in text
    assert "Score 7 / 12" in text  # MCQ right +4, MCQ wrong -1, NUMERIC right +4
    assert "Rank 1 of 1" in text


def test_rupee_math_and_devanagari_survive_with_embedded_fonts(api, teacher, unicode_result):
    _, result_id, _ = unicode_result
    content = api(teacher, "GET", f"/admin/users-analytics/download-result/{result_id}").data
    text, fonts, embedded = pdf_text(content)
    for expected in ("₹1,250", "≤", "≥", "√2", "π", "∑", "∫", "अनन्या", "गणित", "प्रश्न"):
        assert expected in text, (expected, text)
    assert fonts == {"DejaVuSansBook", "DejaVuSansBold", "NotoSansDevanagari"}
    assert embedded and all(embedded)


def test_download_is_for_the_exams_staff_only(api, teacher, other_teacher, admin, unicode_result):
    _, result_id, _ = unicode_result
    path = f"/admin/users-analytics/download-result/{result_id}"
    assert api(admin, "GET", path).status_code == 200
    res = api(other_teacher, "GET", path)  # ids reveal nothing, as on /admin/results/<id>
    assert res.get_json() == {"success": False, "message": "Result not found"}
    assert res.status_code == 404
    missing = api(teacher, "GET", "/admin/users-analytics/download-result/999999")
    assert missing.status_code == 404
    assert missing.get_json() == {"success": False, "message": "Result not found"}


def test_the_student_cannot_download_even_their_own(api, unicode_result):
    _, result_id, ananya = unicode_result
    res = api(ananya, "GET", f"/admin/users-analytics/download-result/{result_id}")
    assert res.status_code == 403
    assert res.get_json()["success"] is False


def test_wrap_keeps_every_word_and_each_line_fits(app):
    from app.analytics import pdf

    doc = pdf.new_document()
    doc.add_page()
    doc.set_font("DejaVu", "", 10)
    doc.set_text_shaping(True)
    text = " ".join(f"शब्द{i} ₹{i} x≤{i}" for i in range(60)) + "\nsecond paragraph"
    width = 80
    lines = pdf.wrap(doc, text, width)
    assert len(lines) > 5
    assert " ".join(lines).split() == text.split()
    assert lines[-1] == "second paragraph"
    assert all(doc.get_string_width(line) <= width + 0.01 for line in lines)
    pdf.close_fonts(doc)


def test_a_word_wider_than_the_line_is_cut_to_fit(app):
    from app.analytics import pdf

    doc = pdf.new_document()
    doc.add_page()
    doc.set_font("DejaVu", "", 10)
    url = "https://example.org/" + "a-very-long-path-segment/" * 12
    devanagari = "अन्तर्राष्ट्रीयकरणविशेषज्ञताप्रमाणपत्र" * 3  # one long word, vowel signs inside
    width = 60
    for word in (url, devanagari):
        doc.set_text_shaping(pdf.needs_shaping(word))
        lines = pdf.wrap(doc, f"see {word} here", width)
        assert len(lines) > 2
        assert "".join(lines).replace(" ", "") == f"see{word}here"  # nothing lost or repeated
        assert all(doc.get_string_width(line) <= width + 0.01 for line in lines)
        for line in lines[1:]:  # no line starts with a combining mark cut from its letter
            assert not unicodedata.category(line[0]).startswith("M")
    pdf.close_fonts(doc)


def test_long_questions_wrap_onto_more_lines_in_the_pdf(api, make_exam, make_user, sit, teacher):
    words = [f"word{i}" for i in range(50)]
    exam = make_exam([{"question_type": "NUMERIC", "text": " ".join(words), "correct_answer": "1"}])
    result_id = sit(make_user("kiran"), exam, {exam.question_ids[0]: "1"})
    content = api(teacher, "GET", f"/admin/users-analytics/download-result/{result_id}").data
    text, _, _ = pdf_text(content)
    assert text.split().count("word49") == 1
    question_lines = [line for line in text.splitlines() if line.startswith("word")]
    assert len(question_lines) >= 3  # wrapped, not one clipped line
    assert [w for line in question_lines for w in line.split()] == words

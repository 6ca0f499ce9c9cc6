"""The question editor: type-specific answer inputs, validation errors next to their fields
(400, nothing written), and saving back to the list (HX-Redirect for htmx, 303 without)."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.questions_pages.conftest import BROWSER, hx


def mcq_form(token: str, **overrides) -> dict:
    form = {
        "csrf_token": token,
        "question_type": "MCQ",
        "question_text": r"A ball of mass $m$ moves at $v$. Its energy is $\frac{1}{2}mv^2$. True?",
        "option_a": "Yes",
        "option_b": "No",
        "option_c": "",
        "option_d": "",
        "correct": "A",
        "explanation": "Kinetic energy.",
        "positive_marks": "",
        "negative_marks": "",
        "section_id": "",
        "set_number": "1",
        "topic": "Mechanics",
        "subtopic": "Energy",
        "difficulty": "2",
        "source": "NCERT",
        "tags": "energy, kinematics",
        "image_url": "",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def test_new_question_page(client, signed_in, teacher, make_exam):
    exam = make_exam(teacher, sections=("Part A", "Part B"))
    res = client.get(f"/admin/exams/{exam}/questions/new?type=MSQ", headers=BROWSER)
    assert res.status_code == 200 and "HX-Request" in res.headers.get("Vary", "")
    html = res.get_data(as_text=True)
    assert "<h1>New question" in html
    assert 'value="MSQ" data-question-type data-testid="type-msq" checked' in html
    # Four option rows to start with, ticked with checkboxes for MSQ; every input labelled.
    assert html.count('data-testid="option-row"') == 4
    assert html.count('type="checkbox" name="correct"') == 4
    for letter in "abcd":
        assert (
            f'<label for="f-option_{letter}" data-option-label>Option {letter.upper()}</label>'
            in html
        )
    # NUMERIC inputs are there for the type switch, hidden and disabled.
    assert re.search(r"data-numeric-section hidden disabled", html)
    # Blank marks mean the exam's; the placeholder says what that is.
    assert 'placeholder="4 (exam default)"' in html and 'placeholder="1 (exam default)"' in html
    assert ">Part A</option>" in html and ">Part B</option>" in html
    assert "Google Drive share link" in html
    assert "js/question-editor.js" in html
    assert "data-preview" in html


def test_add_mcq_then_back_to_the_list(client, signed_in, teacher, make_exam, questions_of):
    exam = make_exam(teacher)
    res = client.post(f"/admin/exams/{exam}/questions/new", data=mcq_form(signed_in), headers=hx())
    assert res.status_code == 204
    assert (
        res.headers["HX-Redirect"]
        == f"/admin/exams/{exam}/questions#q-{questions_of(exam)[0]['id']}"
    )
    (q,) = questions_of(exam)
    assert q["type"] == "MCQ" and q["options"] == ["Yes", "No"] and q["answer"] == "A"
    assert q["positive_marks"] is None and q["negative_marks"] is None  # the exam's defaults
    assert q["tags"] == ["energy", "kinematics"] and q["topic"] == "Mechanics"
    page = client.get(f"/admin/exams/{exam}/questions", headers=BROWSER).get_data(as_text=True)
    assert "Question 1 added." in page


def test_add_msq_and_numeric(client, signed_in, teacher, make_exam, questions_of):
    exam = make_exam(teacher)
    form = mcq_form(signed_in, question_type="MSQ", option_c="Maybe", correct=None)
    res = client.post(
        f"/admin/exams/{exam}/questions/new",
        data={**form, "correct": ["A", "C"]},
        headers=hx(),
    )
    assert res.status_code == 204
    numeric = {
        "csrf_token": signed_in,
        "question_type": "NUMERIC",
        "question_text": "g in m/s²?",
        "numeric_answer": "9.81",
        "tolerance": "0.05",
        "positive_marks": "2",
        "negative_marks": "0",
        "difficulty": "3",
        "set_number": "1",
    }
    res = client.post(f"/admin/exams/{exam}/questions/new", data=numeric, headers=hx())
    assert res.status_code == 204, res.get_data(as_text=True)
    msq, num = questions_of(exam)
    assert (
        msq["type"] == "MSQ" and msq["answer"] == "A,C" and msq["options"] == ["Yes", "No", "Maybe"]
    )
    assert num["type"] == "NUMERIC" and num["options"] == [] and num["answer"] == "9.81"
    assert num["tolerance"] == Decimal("0.05") and num["positive_marks"] == Decimal(2)
    assert num["negative_marks"] == Decimal(0)


def test_validation_errors_are_shown_next_to_fields_and_nothing_is_written(
    client, signed_in, teacher, make_exam, question_count
):
    exam = make_exam(teacher)
    bad = mcq_form(
        signed_in,
        question_text="   ",
        option_b="",
        option_c="Third",
        correct=None,
        positive_marks="-3",
        difficulty="9",
    )
    res = client.post(f"/admin/exams/{exam}/questions/new", data=bad, headers=hx())
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert "<html" not in html and 'id="question-form"' in html  # the form block, for htmx
    assert "The question was not saved." in html

    def error_of(field: str) -> str:
        match = re.search(rf'<small id="e-{field}" class="field-error"[^>]*>([^<]*)</small>', html)
        assert match, f"no error shown for {field}"
        tied = re.search(rf'id="f-{field}"[^>]*aria-describedby="[^"]*e-{field}', html)
        assert tied, f"the error of {field} is not tied to its input"
        return match.group(1)

    assert error_of("question_text") == "Write the question."
    assert error_of("option_b") == "Fill in this option, or remove it."
    assert error_of("positive_marks").startswith("The marks ")
    assert "5" in error_of("difficulty")
    assert 'aria-invalid="true"' in html
    # What the author typed comes back.
    assert ">Third</textarea>" in html and 'value="-3"' in html
    assert question_count() == 0


def test_image_address_error(client, signed_in, teacher, make_exam, question_count):
    exam = make_exam(teacher)
    form = mcq_form(signed_in, image_url="http://example.com/a.png")
    res = client.post(f"/admin/exams/{exam}/questions/new", data=form, headers=hx())
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert re.search(r'<small id="e-image_url" class="field-error">[^<]*https://', html)
    assert 'value="http://example.com/a.png"' in html
    # The extra fields open, so the error is not folded away.
    assert '<details class="more-fields" open>' in html
    assert question_count() == 0


def test_missing_correct_answer(client, signed_in, teacher, make_exam, question_count):
    exam = make_exam(teacher)
    res = client.post(
        f"/admin/exams/{exam}/questions/new", data=mcq_form(signed_in, correct=None), headers=hx()
    )
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert (
        'id="e-options" class="field-error" data-testid="correct-error">Tick the correct option.'
        in html
    )
    assert 'aria-describedby="h-options e-options"' in html
    numeric = {
        "csrf_token": signed_in,
        "question_type": "NUMERIC",
        "question_text": "x?",
        "numeric_answer": "ten",
    }
    res = client.post(f"/admin/exams/{exam}/questions/new", data=numeric, headers=hx())
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert re.search(r'id="e-numeric_answer" class="field-error">[^<]*number', html)
    assert question_count() == 0


def test_plain_post_redirects_or_shows_the_page(
    client, signed_in, teacher, make_exam, question_count
):
    exam = make_exam(teacher)
    res = client.post(
        f"/admin/exams/{exam}/questions/new", data=mcq_form(signed_in), headers=BROWSER
    )
    assert res.status_code == 303
    assert f"/admin/exams/{exam}/questions#q-" in res.headers["Location"]
    bad = client.post(
        f"/admin/exams/{exam}/questions/new",
        data=mcq_form(signed_in, question_text=""),
        headers=BROWSER,
    )
    assert bad.status_code == 400 and "<html" in bad.get_data(as_text=True)
    assert question_count() == 1


def test_edit_shows_the_saved_question_and_saves_changes(
    client, signed_in, teacher, make_exam, add_question, questions_of
):
    exam = make_exam(teacher, sections=("Part A",))
    add_question(teacher, exam, question_text="Before")
    qid = add_question(
        teacher, exam, option_e="Fifth", correct_answer="E", positive_marks=3, tags=["x", "y"]
    )
    res = client.get(f"/admin/questions/{qid}/edit", headers=BROWSER)
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<h1>Edit question 2" in html
    assert html.count('data-testid="option-row"') == 5
    assert re.search(r'value="E" data-correct checked', html)
    assert 'value="3"' in html and 'value="x, y"' in html
    # Remove options D and E (the form no longer sends them), tick B.
    form = mcq_form(signed_in, question_text="After", option_c="Watt", correct="B", tags="")
    form.pop("option_d")
    res = client.post(f"/admin/questions/{qid}/edit", data=form, headers=hx())
    assert res.status_code == 204
    assert res.headers["HX-Redirect"] == f"/admin/exams/{exam}/questions#q-{qid}"
    q = questions_of(exam)[1]
    assert q["text"] == "After" and q["options"] == ["Yes", "No", "Watt"] and q["answer"] == "B"
    assert q["tags"] == [] and q["positive_marks"] is None


def test_edit_to_numeric_drops_the_options(
    client, signed_in, teacher, make_exam, add_question, questions_of
):
    exam = make_exam(teacher)
    qid = add_question(teacher, exam)
    form = {
        "csrf_token": signed_in,
        "question_type": "NUMERIC",
        "question_text": "Now a number",
        "numeric_answer": "42",
        "tolerance": "",
        "difficulty": "3",
        "set_number": "1",
    }
    res = client.post(f"/admin/questions/{qid}/edit", data=form, headers=hx())
    assert res.status_code == 204, res.get_data(as_text=True)
    (q,) = questions_of(exam)
    assert q["type"] == "NUMERIC" and q["options"] == [] and q["answer"] == "42"


def test_edit_with_errors_writes_nothing(
    client, signed_in, teacher, make_exam, add_question, questions_of
):
    exam = make_exam(teacher)
    qid = add_question(teacher, exam, question_text="Keep me")
    res = client.post(
        f"/admin/questions/{qid}/edit",
        data=mcq_form(signed_in, question_text="Changed", correct="Z"),
        headers=hx(),
    )
    assert res.status_code == 400
    assert "Z is not an option letter" in res.get_data(as_text=True)
    assert questions_of(exam)[0]["text"] == "Keep me"


def test_drive_share_link_is_converted(client, signed_in, teacher, make_exam, questions_of):
    exam = make_exam(teacher)
    link = "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing"
    res = client.post(
        f"/admin/exams/{exam}/questions/new", data=mcq_form(signed_in, image_url=link), headers=hx()
    )
    assert res.status_code == 204
    assert (
        questions_of(exam)[0]["image_url"]
        == "https://drive.google.com/uc?export=view&id=1AbCdEfGhIjKlMnOp"
    )


def test_section_is_saved(client, signed_in, teacher, make_exam, questions_of, app):
    from app.extensions import db
    from app.models import Section

    exam = make_exam(teacher, sections=("Part A",))
    with app.app_context():
        section = db.session.query(Section).filter_by(exam_id=exam).one().id
    res = client.post(
        f"/admin/exams/{exam}/questions/new",
        data=mcq_form(signed_in, section_id=str(section)),
        headers=hx(),
    )
    assert res.status_code == 204
    assert questions_of(exam)[0]["section_id"] == section
    html = client.get(f"/admin/exams/{exam}/questions", headers=BROWSER).get_data(as_text=True)
    assert "Section: Part A" in html

"""Authoring an exam in a real browser: a teacher creates an exam on the exam pages, adds an MCQ
whose text has LaTeX (KaTeX renders it in the live preview as they type) and a NUMERIC
question, sees both rendered in the list, and publishes the exam from the editor's publish
panel. Screenshots of the editor and the list, on a desktop and on a phone, land in
test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

MCQ_TEXT = r"A body of mass $m$ moves at speed $v$. Its kinetic energy is $\frac{1}{2}mv^2$. In which unit is it measured?"
NUMERIC_TEXT = r"Take $g = 9.8\,\text{m/s}^2$. How far, in metres, does a stone fall from rest in $2\,\text{s}$?"


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_teacher_creates_an_exam_adds_questions_and_publishes(open_page, make_user) -> None:
    make_user("tess", roles=("teacher",), full_name="Tess Teacher")
    bp = open_page(DESKTOP)
    page = bp.page
    sign_in(bp, "tess")
    page.wait_for_url(re.compile(r"/dashboard$"))

    # A new exam through the exam pages (the defaults schedule it tomorrow at ten).
    bp.goto("/admin/exams/new")
    page.get_by_label("Name").fill("Mechanics mock test")
    page.get_by_test_id("save-settings").click()
    page.wait_for_url(re.compile(r"/admin/exams/\d+$"))
    exam_url = page.url
    exam_id = int(exam_url.rsplit("/", 1)[1])
    page.get_by_test_id("questions-link").click()
    page.wait_for_url(re.compile(rf"/admin/exams/{exam_id}/questions$"))
    assert page.get_by_test_id("questions-empty").is_visible()

    # An MCQ with LaTeX: the live preview renders it with KaTeX as it is typed.
    page.get_by_test_id("add-mcq").click()
    page.wait_for_url(re.compile(r"/questions/new\?type=MCQ$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("New question")
    page.get_by_label("Question", exact=True).fill(MCQ_TEXT)
    preview = page.get_by_test_id("preview")
    preview.locator(".preview-text .katex").first.wait_for()
    expect(preview.locator(".preview-text .katex")).to_have_count(3)
    assert "<script" not in preview.inner_html()
    for letter, text in zip(
        "ABCD", ("Newton", "Joule", "Watt", "$\\text{kg}\\,\\text{m/s}$"), strict=True
    ):
        page.get_by_label(f"Option {letter}", exact=True).fill(text)
    page.locator("#f-correct_b").check()
    preview.locator("li.correct").wait_for()
    expect(preview.locator("li.correct")).to_contain_text("Joule")
    preview.locator(".q-options .katex").first.wait_for()  # option D's maths too
    topic = page.get_by_label("Topic (optional)", exact=True)
    assert topic.is_hidden()  # folded away until asked for
    page.get_by_text("Section, topic, difficulty, tags and image").click()
    topic.fill("Energy")
    page.get_by_label("Difficulty").select_option("2")
    page.evaluate("window.scrollTo(0, 0)")
    bp.screenshot("question-editor-mcq-desktop")
    page.get_by_test_id("save-question").click()
    page.wait_for_url(re.compile(rf"/admin/exams/{exam_id}/questions#q-\d+$"))
    assert page.get_by_text("Question 1 added.").is_visible()

    # A NUMERIC question: no options, a value and a tolerance.
    page.get_by_test_id("add-numeric").click()
    page.wait_for_url(re.compile(r"/questions/new\?type=NUMERIC$"))
    assert page.locator("[data-options-section]").is_hidden()
    page.get_by_label("Question", exact=True).fill(NUMERIC_TEXT)
    page.get_by_label("Correct value").fill("19.6")
    page.get_by_label("Tolerance (±)").fill("0.1")
    preview.locator(".preview-text .katex").first.wait_for()
    expect(preview.locator("[data-preview-answer]")).to_contain_text("19.6 ± 0.1")
    page.get_by_test_id("save-question").click()
    page.wait_for_url(re.compile(rf"/admin/exams/{exam_id}/questions#q-\d+$"))
    assert page.get_by_text("Question 2 added.").is_visible()

    # Both in the list, their maths rendered by KaTeX.
    rows = page.get_by_test_id("question-row")
    assert rows.count() == 2
    assert page.get_by_test_id("question-count").inner_text().startswith("2 questions")
    rows.nth(0).locator(".q-text .katex").first.wait_for()
    assert rows.nth(0).locator(".q-text .katex").count() == 3
    assert rows.nth(0).locator(".q-options li.correct").inner_text().startswith("B")
    assert rows.nth(1).locator(".q-text .katex").count() == 2
    assert "19.6" in rows.nth(1).get_by_test_id("q-answer").inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    bp.screenshot("question-list-desktop")
    bp.assert_clean()

    # The same pages on a phone.
    phone = open_page(PHONE)
    sign_in(phone, "tess")
    phone.page.wait_for_url(re.compile(r"/dashboard$"))
    phone.goto(f"/admin/exams/{exam_id}/questions")
    phone.page.locator(".q-text .katex").first.wait_for()
    no_sideways_scroll(phone.page, PHONE["width"])
    phone.screenshot("question-list-phone")
    phone.page.get_by_test_id("edit").first.click()
    phone.page.wait_for_url(re.compile(r"/admin/questions/\d+/edit$"))
    phone.page.locator("[data-preview] .katex").first.wait_for()
    no_sideways_scroll(phone.page, PHONE["width"])
    phone.screenshot("question-editor-mcq-phone")
    phone.assert_clean()

    # Publish from the exam editor's publish panel: the checklist is met.
    page.goto(exam_url)
    panel = page.get_by_test_id("publish-panel")
    for key in ("has_questions", "answers_valid", "schedule_valid"):
        assert panel.get_by_test_id(f"check-{key}").get_attribute("data-met") == "true"
    panel.get_by_test_id("publish-button").click()
    page.get_by_test_id("exam-status").filter(has_text="published").wait_for()
    bp.assert_clean()


def test_editor_switches_types_and_option_rows_by_keyboard(app, open_page, make_user) -> None:
    from app.extensions import db
    from app.models import Exam, Question

    teacher = make_user("kit", roles=("teacher",))
    with app.app_context():
        exam = Exam(name="Keyboard exam", owner_id=teacher.id)
        db.session.add(exam)
        db.session.commit()
        exam_id = exam.id
    bp = open_page(DESKTOP)
    page = bp.page
    sign_in(bp, "kit")
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto(f"/admin/exams/{exam_id}/questions/new?type=MCQ")
    rows = page.get_by_test_id("option-row")
    assert rows.count() == 4

    # MSQ: every marker becomes a checkbox; two ticks stay ticked.
    page.get_by_test_id("type-msq").check()
    assert page.locator("[data-correct]").first.get_attribute("type") == "checkbox"
    page.locator("#f-correct_a").check()
    page.locator("#f-correct_c").check()
    # Back to MCQ: radios, only the first tick kept.
    page.get_by_test_id("type-mcq").check()
    assert page.locator("[data-correct]:checked").count() == 1
    assert page.locator("#f-correct_a").is_checked()

    # Add a row with the keyboard: it is option E and gets the focus.
    page.get_by_role("button", name="Add option").focus()
    page.keyboard.press("Enter")
    assert rows.count() == 5
    assert page.evaluate("document.activeElement.id") == "f-option_e"
    page.keyboard.type("Fifth")
    # Remove option B: the rows after it move up a letter, and keep their text.
    page.get_by_label("Option C", exact=True).fill("Third")
    page.get_by_role("button", name="Remove option B").click()
    assert rows.count() == 4
    assert page.get_by_label("Option B", exact=True).input_value() == "Third"
    assert page.get_by_label("Option D", exact=True).input_value() == "Fifth"
    assert page.get_by_role("button", name="Remove option E").count() == 0

    # NUMERIC hides (and disables) the options; switching back keeps what was typed.
    page.get_by_test_id("type-numeric").check()
    assert page.locator("[data-options-section]").is_hidden()
    assert page.get_by_label("Correct value").is_visible()
    page.get_by_test_id("type-mcq").check()
    assert page.get_by_label("Option B", exact=True).input_value() == "Third"

    # A refused save: 400, errors beside the fields, the first invalid field focused.
    page.get_by_label("Option A", exact=True).fill("First")
    page.get_by_label("Option C", exact=True).fill("")
    page.get_by_test_id("save-question").click()
    page.get_by_test_id("form-errors").wait_for()
    assert page.evaluate("document.activeElement.id") == "f-question_text"
    assert page.locator("#e-question_text").is_visible()
    assert page.locator("#e-option_c").inner_text() == "Fill in this option, or remove it."
    with app.app_context():
        assert db.session.query(Question).count() == 0
    new_path = f"/admin/exams/{exam_id}/questions/new"
    bp.assert_clean(expected=((400, new_path),))

    # Script in the text is shown as text in the preview, never run.
    page.get_by_label("Question", exact=True).fill('<img src=x onerror="window.__pwned=1"> $x$')
    page.locator("[data-preview] .preview-text .katex").wait_for()
    assert "<img src=x" in page.locator("[data-preview] .preview-text").inner_text()
    assert page.locator("[data-preview] img").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_list_reorders_duplicates_and_bulk_deletes(app, open_page, make_user) -> None:
    from app.extensions import db
    from app.models import Exam
    from app.questions import services

    teacher = make_user("lee", roles=("teacher",))
    with app.app_context():
        exam = Exam(name="List exam", owner_id=teacher.id)
        db.session.add(exam)
        db.session.commit()
        actor = db.session.get(type(teacher), teacher.id)
        for text in ("Alpha", "Beta", "Gamma"):
            services.add_question(actor, exam.id, {
                "question_text": text, "option_a": "x", "option_b": "y", "correct_answer": "A",
            })  # fmt: skip
        db.session.commit()
        exam_id = exam.id
    bp = open_page(PHONE)
    page = bp.page
    sign_in(bp, "lee")
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto(f"/admin/exams/{exam_id}/questions")

    def texts() -> list[str]:
        return page.get_by_test_id("q-text").all_inner_texts()

    page.get_by_role("button", name="Move question 3 up").click()
    page.get_by_text("Question 3 moved up").wait_for()
    assert texts() == ["Alpha", "Gamma", "Beta"]
    # The focus stays with the moved question, so pressing again moves it further.
    assert (
        page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move question 2 up"
    )
    page.keyboard.press("Enter")
    page.get_by_text("Question 2 moved up").wait_for()
    assert texts() == ["Gamma", "Alpha", "Beta"]

    page.get_by_role("button", name="Duplicate question 1").click()
    page.get_by_text("Question 1 duplicated").wait_for()
    assert texts() == ["Gamma", "Gamma", "Alpha", "Beta"]

    # Bulk delete: the confirmation names how many; dismissing it deletes nothing.
    page.get_by_label("Select question Q1").check()
    page.get_by_label("Select question Q4").check()
    assert page.locator("[data-bulk-count]").inner_text() == "2 selected"
    questions = []
    page.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))
    page.get_by_test_id("bulk-delete").click()
    assert questions == ["Delete 2 selected questions? This cannot be undone."]
    assert len(texts()) == 4
    page.once("dialog", lambda d: d.accept())
    page.get_by_test_id("bulk-delete").click()
    page.get_by_text("Deleted 2 questions.").wait_for()
    assert texts() == ["Gamma", "Alpha"]

    # Deleting one asks first too.
    page.once("dialog", lambda d: (questions.append(d.message), d.accept()))
    page.get_by_role("button", name="Delete question 2").click()
    page.get_by_text("Question 2 deleted.").wait_for()
    assert questions[-1] == "Delete question 2? This cannot be undone."
    assert texts() == ["Gamma"]
    no_sideways_scroll(page, PHONE["width"])
    bp.assert_clean()


GIFT = """// From Moodle's GIFT documentation
::Energy::The SI unit of energy is {=the joule ~the newton ~the watt}

What is $\\sqrt\\{2\\}$ to two decimals? {#1.41:0.005}

Match the pairs {=cat -> meow =dog -> woof}
"""


def test_import_preview_then_commit_and_the_bank(app, open_page, make_user) -> None:
    from app.extensions import db
    from app.models import Exam, Question

    teacher = make_user("ivy", roles=("teacher",))
    with app.app_context():
        exam = Exam(name="Imported exam", owner_id=teacher.id)
        db.session.add(exam)
        db.session.commit()
        exam_id = exam.id
    bp = open_page(PHONE)
    page = bp.page
    sign_in(bp, "ivy")
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto(f"/admin/exams/{exam_id}/questions")
    page.get_by_test_id("import-link").click()
    page.get_by_label("Moodle GIFT").check()
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "physics.gift", "mimeType": "text/plain", "buffer": GIFT.encode()}]
    )
    page.get_by_test_id("preview-import").click()
    page.get_by_test_id("import-preview").wait_for()
    assert page.get_by_test_id("valid-row").count() == 2
    assert page.get_by_test_id("rejected-row").count() == 1
    assert page.get_by_test_id("rejected-row").locator("th").inner_text() == "6"
    page.get_by_test_id("valid-row").nth(1).locator(".katex").first.wait_for()
    with app.app_context():
        assert db.session.query(Question).count() == 0  # nothing written by the preview
    no_sideways_scroll(page, PHONE["width"])
    bp.screenshot("question-import-preview-phone")
    page.get_by_test_id("commit-import").click()
    page.wait_for_url(re.compile(rf"/admin/exams/{exam_id}/questions$"))
    assert page.get_by_text("Imported 2 questions. 1 rejected was left out.").is_visible()
    assert page.get_by_test_id("question-row").count() == 2

    bp.goto("/admin/questions/bank")
    page.get_by_label("Type").select_option("NUMERIC")
    page.wait_for_url(re.compile(r"type=NUMERIC"))
    page.get_by_test_id("bank-count").filter(has_text="1 question matches").wait_for()
    page.get_by_test_id("bank-row").locator(".katex").first.wait_for()  # rendered after the swap
    assert page.get_by_test_id("bank-row").locator(".katex").count() == 1
    page.get_by_label("Text contains").fill("unit of energy")
    page.get_by_test_id("bank-empty").wait_for()  # a NUMERIC question about energy: none
    page.get_by_label("Type").select_option("")
    page.get_by_test_id("bank-count").filter(has_text="1 question matches").wait_for()
    assert "joule" in page.get_by_test_id("bank-row").inner_text()
    no_sideways_scroll(page, PHONE["width"])
    bp.screenshot("question-bank-phone")
    bp.assert_clean()

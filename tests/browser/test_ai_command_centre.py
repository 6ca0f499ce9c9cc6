"""The AI command centre in a real browser, against the fake Groq server: a teacher generates
questions from a topic, watches the run's progress, edits one question, and saves the chosen
ones to an exam, which then holds them. A question whose text carries markup is shown as text.
Screenshots land in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Exam, Question
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_sign_in import sign_in
from tests.generation.conftest import mcq, msq, numeric, reply

pytestmark = pytest.mark.browser

HOSTILE = "<img src=x onerror=alert(1)><script>alert('pwned')</script> Which law is inertia?"


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_generate_from_a_topic_edit_and_save_to_an_exam(
    open_page, make_user, fake_groq, app: Flask, monkeypatch, viewport, label
) -> None:
    teacher = make_user("tess", roles=("teacher",))
    with app.app_context():
        exam = Exam(name="Mechanics mock", owner_id=teacher.id)
        db.session.add(exam)
        db.session.commit()
        exam_id = exam.id
    # The job runs on the worker thread, as in the embedded default, and the model's answer
    # arrives in chunks, so the page has a run in progress to show.
    monkeypatch.setitem(app.config, "JOBS_SYNC", False)
    fake_groq.reply(reply(mcq(HOSTILE), msq(), numeric()), chunk_delay=0.4)

    bp = open_page(viewport)
    page = bp.page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(bp, "tess")
    page.wait_for_url(re.compile(r"/dashboard$"))
    if viewport is DESKTOP:
        page.get_by_test_id("nav-ai-command-centre").click()
    else:
        bp.goto("/admin/ai-command-centre")
    page.wait_for_url(re.compile(r"/admin/ai-command-centre$"))
    assert page.get_by_test_id("empty-state").is_visible()

    page.get_by_test_id("mode-pure").check()
    page.get_by_role("textbox", name=re.compile(r"^Topic")).fill("Newton's laws of motion")
    page.get_by_label("Difficulty", exact=True).select_option("Medium")
    page.get_by_label("Single answer (MCQ)", exact=True).fill("1")
    page.get_by_label("Multiple answers (MSQ)", exact=True).fill("1")
    page.get_by_label("Numeric", exact=True).fill("1")
    page.get_by_test_id("generate").click()

    progress = page.get_by_test_id("generation-progress")
    progress.wait_for()
    assert progress.locator("progress").count() == 1
    page.get_by_test_id("review-heading").wait_for(timeout=20_000)
    assert page.get_by_test_id("review-heading").inner_text() == "3 questions to review"
    assert page.get_by_test_id("generated-question").count() == 3

    # The hostile question is shown as its text, nothing in it ran.
    first = page.get_by_test_id("question-text-0")
    assert first.input_value() == HOSTILE
    assert "<script>alert('pwned')</script>" in page.get_by_test_id("preview-0").inner_text()
    page.get_by_test_id("preview-2").locator(".katex").first.wait_for()  # the maths, rendered
    assert page.locator("#generation-panel img").count() == 0
    assert page.locator("#generation-panel script").count() == 0
    bp.screenshot(f"ai-command-centre-review-{label}")

    first.fill("Which of Newton's laws is the law of inertia?")
    page.get_by_label("Correct letter").first.fill("A")
    page.get_by_test_id("choose-1").uncheck()  # leave the MSQ out
    page.get_by_test_id("save-exam").select_option(str(exam_id))
    page.get_by_test_id("save-questions").click()
    saved = page.get_by_test_id("saved-message")
    saved.wait_for()
    assert "Saved 2 questions to Mechanics mock." in saved.inner_text()

    with app.app_context():
        stored = list(
            db.session.scalars(
                select(Question).where(Question.exam_id == exam_id).order_by(Question.position)
            )
        )
        assert [(q.question_type, q.text, q.correct_answer) for q in stored] == [
            ("MCQ", "Which of Newton's laws is the law of inertia?", "A"),
            ("NUMERIC", numeric()["question_text"], "6"),
        ]

    # The exam's question list shows them.
    page.get_by_role("link", name="See the exam's questions").click()
    page.wait_for_url(re.compile(rf"/admin/exams/{exam_id}/questions"))
    assert page.get_by_text("Which of Newton's laws is the law of inertia?").is_visible()
    assert dialogs == []
    if viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    bp.assert_clean()

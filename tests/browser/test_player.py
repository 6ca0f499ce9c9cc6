"""A student sits an exam in a real browser (Debian's Chromium): starts it, answers (KaTeX on
screen), reloads mid-exam and finds answers and timer intact, goes offline and keeps answering
(the answers wait on the device and are replayed when the connection returns), submits after a
confirmation that lists what is unanswered and marked, and reads the result. Another student
lets the clock run out: warned, then submitted automatically. On a desktop and on a phone, with
the keyboard, under the strict CSP with no console error."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from flask import Flask

from app.extensions import db
from app.models import Attempt, Exam, Question, Result, utcnow
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def make_exam(app: Flask, owner_id: int, **fields) -> tuple[int, list[int]]:
    with app.app_context():
        exam = Exam(
            name=fields.pop("name", "Mechanics mock"),
            owner_id=owner_id,
            status="published",
            starts_at=utcnow() - timedelta(hours=1),
            duration_minutes=fields.pop("duration_minutes", 30),
            max_attempts=1,
            positive_marks=Decimal("4"),
            negative_marks=Decimal("1"),
            proctoring={},
            **fields,
        )
        exam.questions = [
            Question(
                position=1,
                question_type="MCQ",
                text=r"Speed after $t = 5$ s at $a = 2\,\mathrm{m/s^2}$?",
                options=["5 m/s", "10 m/s", "20 m/s"],
                correct_answer="B",
                explanation="v = at",
            ),
            Question(
                position=2,
                question_type="MSQ",
                text="Which are vectors?",
                options=["Velocity", "Speed", "Force"],
                correct_answer="A,C",
            ),
            Question(
                position=3,
                question_type="NUMERIC",
                text=r"$\sqrt{16}$ = ?",
                correct_answer="4",
                tolerance=Decimal("0"),
            ),
        ]
        db.session.add(exam)
        db.session.commit()
        return exam.id, [q.id for q in exam.questions]


def saved_answers(app: Flask, exam_id: int) -> dict:
    with app.app_context():
        attempt = db.session.query(Attempt).filter_by(exam_id=exam_id).one()
        return dict(attempt.answers)


def timer_seconds(page) -> int:
    text = page.get_by_test_id("timer").inner_text()
    parts = [int(p) for p in text.split(":")]
    return parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)


def wait_saved(page) -> None:
    page.locator('#save-status[data-state="saved"]').wait_for(timeout=10_000)


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_sit_an_exam_reload_go_offline_submit_and_see_the_result(
    app, open_page, make_user, viewport, label
):
    teacher = make_user(f"t-{label}", roles=("teacher",))
    student = make_user(f"s-{label}", roles=("student",))
    exam_id, (mcq, msq, numeric) = make_exam(app, teacher.id, name=f"Mechanics mock {label}")
    bp = open_page(viewport)
    page = bp.page
    sign_in(bp, student.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.get_by_role("link", name=f"Mechanics mock {label}").first.click()
    page.get_by_test_id("start-exam").click()
    page.wait_for_url(re.compile(rf"/exam/{exam_id}$"))

    # Question 1, with its maths typeset
    first = page.locator("#q-1")
    first.locator(".katex").first.wait_for()
    first.get_by_text("10 m/s").click()
    wait_saved(page)
    assert saved_answers(app, exam_id) == {str(mcq): "B"}
    bp.screenshot(f"player-q1-{label}")

    # Keyboard: N moves on; mark question 2 for review and answer part of it
    page.locator("#qh-1").focus()
    page.keyboard.press("n")
    second = page.locator("#q-2")
    assert second.is_visible() and first.is_hidden()
    second.get_by_test_id("mark-review").click()
    second.get_by_text("Velocity").click()
    wait_saved(page)
    before = timer_seconds(page)

    # Reload: answers, marks and the clock survive
    page.reload()
    page.locator("#q-1 .katex").first.wait_for()
    assert page.locator(f'input[name="q-{mcq}"][value="B"]').is_checked()
    assert page.locator(f'input[name="q-{msq}"][value="A"]').is_checked()
    after = timer_seconds(page)
    assert before - 15 <= after <= before
    palette = page.get_by_test_id("palette")
    assert "marked for review" in palette.locator("[data-goto='2']").get_attribute("aria-label")

    # Offline: keep answering; the page says where the answers are
    page.context.set_offline(True)
    page.locator("[data-goto='3']").click()
    page.get_by_label("Your answer").fill("4")
    page.locator('#save-status[data-state="offline"]').wait_for(timeout=10_000)
    assert "kept on this device" in page.get_by_test_id("save-status").inner_text()
    page.locator("[data-goto='2']").click()
    page.locator("#q-2").get_by_text("Force").click()
    assert str(numeric) not in saved_answers(app, exam_id)
    bp.screenshot(f"player-offline-{label}")
    page.context.set_offline(False)
    wait_saved(page)
    assert saved_answers(app, exam_id) == {str(mcq): "B", str(msq): ["A", "C"], str(numeric): "4"}

    # Submit: the dialog lists what is marked; nothing is unanswered
    page.get_by_test_id("open-submit").click()
    dialog = page.get_by_test_id("submit-dialog")
    dialog.wait_for()
    assert "answered 3 of 3" in dialog.inner_text()
    assert "Marked for review (1)" in dialog.inner_text()
    bp.screenshot(f"player-submit-dialog-{label}")
    page.get_by_test_id("confirm-submit").click()
    page.wait_for_url(re.compile(rf"/result/{exam_id}$"))
    assert page.get_by_test_id("score").inner_text().startswith("12")
    assert "v = at" in page.get_by_test_id("review").inner_text()
    bp.screenshot(f"result-{label}")
    bp.assert_clean()


def test_the_clock_runs_out_warns_and_submits(app, open_page, make_user):
    teacher = make_user("t-clock", roles=("teacher",))
    student = make_user("s-clock", roles=("student",))
    exam_id, (_mcq, _msq, _numeric) = make_exam(
        app, teacher.id, ends_at=utcnow() + timedelta(minutes=10)
    )
    bp = open_page(DESKTOP)
    page = bp.page
    sign_in(bp, student.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto(f"/exams/{exam_id}")
    with app.app_context():  # the exam closes soon after the start, however slow sign-in was
        db.session.get(Exam, exam_id).ends_at = utcnow() + timedelta(seconds=15)
        db.session.commit()
    page.get_by_test_id("start-exam").click()
    page.wait_for_url(re.compile(rf"/exam/{exam_id}$"))
    warning = page.get_by_test_id("time-warning")
    assert "1 minute left" in warning.inner_text()
    page.locator("#q-1").get_by_text("10 m/s").click()
    wait_saved(page)
    page.wait_for_url(re.compile(rf"/result/{exam_id}$"), timeout=30_000)
    with app.app_context():
        result = db.session.query(Result).filter_by(exam_id=exam_id).one()
        assert result.score == 4
    bp.assert_clean()


def test_two_tabs_never_lose_the_newer_answers(app, open_page, make_user):
    """The same student in two tabs: whichever saved last is what the server keeps, and the
    older tab's late sync is ignored rather than overwriting it."""
    teacher = make_user("t-tabs", roles=("teacher",))
    student = make_user("s-tabs", roles=("student",))
    exam_id, (mcq, _msq, _numeric) = make_exam(app, teacher.id)
    bp = open_page(DESKTOP)
    page = bp.page
    sign_in(bp, student.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto(f"/exams/{exam_id}")
    page.get_by_test_id("start-exam").click()
    page.wait_for_url(re.compile(rf"/exam/{exam_id}$"))
    other = page.context.new_page()
    other.goto(bp.base_url + f"/exam/{exam_id}")
    page.locator("#q-1").get_by_text("5 m/s").click()
    wait_saved(page)
    time.sleep(0.2)
    other.locator("#q-1").get_by_text("20 m/s").click()
    other.locator('#save-status[data-state="saved"]').wait_for(timeout=10_000)
    assert saved_answers(app, exam_id) == {str(mcq): "C"}
    bp.assert_clean()

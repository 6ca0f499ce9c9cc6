"""A student enrols in a subject and asks its tutor in a real browser (the model is the fake
Groq server); the answer appears in place, rendered, under the strict CSP."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_sign_in import sign_in
from tests.subjects.conftest import create_subject

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_student_enrols_and_chats_with_the_tutor(
    open_page,
    make_user,
    app,
    fake_groq,
    viewport: dict[str, int],
    label: str,
) -> None:
    ana = make_user(f"ana-{label}", roles=("teacher",), full_name="Ana García")
    student = make_user(f"gabriel-{label}")
    code = f"INF-{label}"
    create_subject(app, code, "Algorithms", ana, guide="Explain with small arrays.", bank=True)
    bp = open_page(viewport)
    page = bp.page
    sign_in(bp, student.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My subjects").click()
    page.wait_for_url(re.compile(r"/learn/subjects$"))
    page.get_by_test_id(f"enroll-{code}").click()
    page.get_by_text(f"Successfully enrolled in {code}").wait_for()
    bp.screenshot(f"subjects-{label}")
    page.get_by_test_id(f"open-tutor-{code}").click()
    page.wait_for_url(re.compile(rf"/learn/subjects/{code}/tutor$"))

    fake_groq.reply("Quicksort picks a **pivot** and sorts each side: $O(n \\log n)$ on average.")
    page.get_by_label("Your question").fill("How does quicksort work?")
    page.get_by_role("button", name="Send").click()
    answer = page.get_by_test_id("message-assistant").first
    answer.wait_for()
    assert "picks a pivot and sorts each side" in answer.inner_text()
    assert answer.locator("strong").inner_text() == "pivot"
    answer.locator(".katex").first.wait_for()  # the maths was typeset
    assert (
        page.get_by_test_id("message-user").first.inner_text().endswith("How does quicksort work?")
    )
    page.wait_for_url(re.compile(r"\?session=\w+$"))
    assert "Explain with small arrays." in fake_groq.requests[-1]["messages"][0]["content"]
    assert (
        page.get_by_test_id("sessions")
        .get_by_role("link", name="How does quicksort work?")
        .is_visible()
    )

    page.get_by_test_id("practice-start").click()
    page.get_by_text("Question 1 of 3").first.wait_for()
    bp.screenshot(f"tutor-{label}")
    bp.assert_clean()

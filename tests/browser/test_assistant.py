"""The study assistant in a real browser against the fake Groq server: the answer streams in as
text, then becomes typeset Markdown; the count goes down; hostile output never runs."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_sign_in import sign_in
from tests.fakes.groq_server import FakeGroq

pytestmark = pytest.mark.browser

ANSWER = (
    "[FINAL ANSWER]\nMomentum is conserved: $m_1 u_1 + m_2 u_2 = m_1 v_1 + m_2 v_2$.\n\n"
    "**Example:** a 2 kg ball at 3 m/s hits a resting 1 kg ball.\n\n"
    '<script>window.pwned = true</script><img src=x onerror="window.pwned = true">'
)

# Every text the answer showed while it was still streaming, recorded by the page itself.
WATCH = """
window.__partials = [];
new MutationObserver(() => {
  document.querySelectorAll(".answer.streaming").forEach((el) => {
    window.__partials.push(el.textContent);
  });
}).observe(document.body, { subtree: true, childList: true, characterData: true });
"""


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_ask_and_watch_the_answer_stream(
    open_page, make_user, fake_groq: FakeGroq, viewport, label: str
) -> None:
    make_user(f"asha-{label}", roles=("student",))
    fake_groq.reply(ANSWER, chunk_delay=0.15)
    bp = open_page(viewport)
    page = bp.page
    sign_in(bp, f"asha-{label}")
    page.wait_for_url(re.compile(r"/dashboard$"))

    if label == "desktop":
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Study assistant"
        ).click()
    else:
        bp.goto("/assistant")
    page.wait_for_url(re.compile(r"/assistant$"))
    assert page.get_by_test_id("assistant-empty").is_visible()
    assert page.locator("#assistant-remaining").inner_text() == "50"
    page.evaluate(WATCH)

    page.get_by_label("Your question").fill("Explain conservation of momentum with an example")
    page.get_by_role("button", name="Ask").click()

    answer = page.get_by_test_id("assistant-answer").last
    answer.locator(".katex").first.wait_for()  # done: server HTML in place, maths typeset
    assert page.locator("#assistant-remaining").inner_text() == "49"
    assert answer.locator(".final-answer-label").inner_text().lower() == "final answer"
    assert answer.locator("strong", has_text="Example:").is_visible()
    assert (
        page.get_by_test_id("assistant-question")
        .last.inner_text()
        .endswith("Explain conservation of momentum with an example")
    )
    partials = [p for p in page.evaluate("window.__partials") if p and p != "Thinking…"]
    assert partials, "the answer never showed while streaming"
    assert any(0 < len(p) < len(ANSWER) and ANSWER.startswith(p) for p in partials)
    assert page.evaluate("window.pwned === undefined")
    assert "<script>" in answer.inner_text()  # shown as text
    assert page.get_by_label("Your question").input_value() == ""
    bp.screenshot(f"assistant-{label}")

    page.reload()  # the exchange is stored, rendered the same way by the server
    assert page.get_by_test_id("assistant-answer").last.locator(".katex").first.is_visible()
    assert page.locator("#assistant-remaining").inner_text() == "49"
    assert page.evaluate("window.pwned === undefined")
    bp.assert_clean()


def test_limit_and_clear_history(app, open_page, make_user, fake_groq: FakeGroq) -> None:
    from app.assistant import services
    from app.extensions import db
    from app.models import AssistantUsage

    user = make_user("ravi", roles=("student",))
    with app.app_context():
        db.session.add(AssistantUsage(user_id=user.id, day=services.institute_day(), used=49))
        db.session.commit()
    fake_groq.reply("Last one for today.")
    bp = open_page(DESKTOP)
    page = bp.page
    sign_in(bp, "ravi")
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto("/assistant")
    assert page.locator("#assistant-remaining").inner_text() == "1"

    page.get_by_label("Your question").fill("One more question")
    page.get_by_label("Your question").press("Control+Enter")
    page.get_by_test_id("assistant-answer").last.get_by_text("Last one for today.").wait_for()
    assert page.locator("#assistant-remaining").inner_text() == "0"
    assert page.get_by_label("Your question").is_disabled()
    assert page.get_by_role("button", name="Ask").is_disabled()

    page.reload()
    assert page.get_by_test_id("assistant-limit").is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear history").click()
    page.get_by_text("Chat history cleared.").wait_for()
    assert page.get_by_test_id("assistant-answer").count() == 0
    assert page.locator("#assistant-remaining").inner_text() == "0"  # the count stays
    bp.assert_clean()

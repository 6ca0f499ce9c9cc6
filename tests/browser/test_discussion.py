"""The discussion under each question of the result review, in Debian's Chromium: a student who
submitted opens a question's discussion with the keyboard, posts a comment with markup in it (shown
as text, never run), is told to wait when posting again at once, replies, sees the count in the
palette change, edits and deletes after a confirmation; a teacher pins and marks the best answer
and opens the exam's discussion. On a desktop and a phone, under the strict CSP, no console
error. Screenshots land in test-artifacts/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask

from app.extensions import db
from app.models import DiscussionComment, Result
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_player import make_exam
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

MARKUP = '<b>bold</b> <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>'


def submit_by_api(app: Flask, bearer, user, exam_id: int, answers: dict) -> None:
    client = app.test_client()
    headers = bearer(user)
    assert client.post(f"/start-exam/{exam_id}", headers=headers).status_code == 200
    client.post(f"/api/sync-exam-answers/{exam_id}", headers=headers, json={"answers": answers})
    assert client.post(f"/submit-exam/{exam_id}", headers=headers).status_code == 200


def rewind(app: Flask) -> None:
    """Earlier comments become 11 s older: the next post is outside the 10-second window."""
    with app.app_context():
        for comment in db.session.scalars(db.select(DiscussionComment)):
            comment.created_at -= timedelta(seconds=11)
        db.session.commit()


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_student_posts_a_comment_and_a_reply_on_the_result_page(
    app, open_page, make_user, bearer, viewport, label
):
    teacher = make_user(f"tina-{label}", roles=("teacher",))
    student = make_user(f"ravi-{label}", roles=("student",))
    exam_id, qids = make_exam(app, teacher.id, name=f"Discussion mock {label}")
    submit_by_api(app, bearer, student, exam_id, {str(qids[0]): "B"})

    bp = open_page(viewport)
    page = bp.page
    sign_in(bp, student.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto(f"/result/{exam_id}")
    count = page.locator(f"#disc-count-{qids[0]}")
    assert count.locator(".disc-count-n").inner_text() == "0"

    # Open the first question's discussion with the keyboard.
    first = page.get_by_test_id("review-item").nth(0)
    summary = first.locator("details.discussion > summary")
    summary.focus()
    page.keyboard.press("Enter")
    first.get_by_test_id("discussion-empty").wait_for()

    box = first.get_by_label("Your comment")
    box.fill(MARKUP)
    first.get_by_role("button", name="Post comment").click()
    first.get_by_test_id("discussion-message").wait_for()
    body = first.get_by_test_id("comment-body").first
    assert body.inner_text() == MARKUP  # the markup is text
    assert first.locator(".comment-body b, .comment-body img, .comment-body script").count() == 0
    assert page.evaluate("window.__xss === undefined")
    assert count.locator(".disc-count-n").inner_text() == "1"
    # what a screen reader hears on the palette
    assert page.get_by_role("link", name=re.compile(r"^Question 1\s*, 1 comment$")).count() == 1
    assert first.locator(f"#disc-summary-{qids[0]} .disc-count-n").inner_text() == "1"

    # Posting again at once: told to wait, nothing lost from the page.
    first.get_by_role("button", name=re.compile("^Reply")).first.click()
    first.get_by_label(re.compile("^Your reply to")).fill("Replying too fast")
    first.get_by_role("button", name="Post reply").click()
    error = first.get_by_test_id("discussion-error")
    error.wait_for()
    assert "one comment every 10 seconds" in error.inner_text()
    assert count.locator(".disc-count-n").inner_text() == "1"

    rewind(app)
    first.get_by_role("button", name=re.compile("^Reply")).first.click()
    first.get_by_label(re.compile("^Your reply to")).fill("Reply: B because v = at")
    first.get_by_role("button", name="Post reply").click()
    first.locator(".replies [data-testid=comment-body]").filter(
        has_text="Reply: B because v = at"
    ).wait_for()
    assert count.locator(".disc-count-n").inner_text() == "2"
    bp.screenshot(f"discussion-{label}")

    # Edit the reply, then delete it after confirming.
    reply = first.locator(".replies [data-testid=comment]").first
    reply.get_by_role("button", name=re.compile("^Edit")).click()
    reply.get_by_label("Edit the comment").fill("Reply: B, since v = a·t")
    reply.get_by_role("button", name="Save").click()
    first.get_by_test_id("comment-body").filter(has_text="Reply: B, since v = a·t").wait_for()
    assert "(edited)" in first.locator(".replies").inner_text()

    page.once("dialog", lambda dialog: dialog.accept())
    first.locator(".replies [data-testid=comment]").first.get_by_role(
        "button", name=re.compile("^Delete")
    ).click()
    first.get_by_text("Comment deleted.").wait_for()
    assert first.locator(".replies").count() == 0
    assert count.locator(".disc-count-n").inner_text() == "1"
    bp.assert_clean(expected=((429, f"/discussion/{qids[0]}"),))


def test_teacher_pins_marks_best_and_opens_the_discussion(app, open_page, make_user, bearer):
    teacher = make_user("tara-disc", roles=("teacher",))
    student = make_user("sam-disc", roles=("student",))
    late = make_user("lata-disc", roles=("student",))
    exam_id, qids = make_exam(app, teacher.id, name="Moderated mock")
    submit_by_api(app, bearer, student, exam_id, {str(qids[0]): "A"})
    client = app.test_client()
    res = client.post(
        f"/api/discussion/{qids[0]}", headers=bearer(student), json={"message": "Is it A?"}
    )
    assert res.status_code == 200
    with app.app_context():
        result_id = db.session.scalar(db.select(Result.id).where(Result.exam_id == exam_id))

    bp = open_page(DESKTOP)
    page = bp.page
    sign_in(bp, teacher.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto(f"/admin/results/{result_id}")
    first = page.get_by_test_id("review-item").nth(0)
    first.locator("details.discussion > summary").click()
    comment = first.get_by_test_id("comment").first
    comment.wait_for()
    comment.get_by_role("button", name="Pin").click()
    first.get_by_test_id("pinned").wait_for()
    first.get_by_test_id("comment").first.get_by_role("button", name="Best answer").click()
    first.get_by_test_id("best-answer").wait_for()

    control = page.get_by_test_id("discussion-open")
    assert "once they have submitted" in control.inner_text()
    page.get_by_test_id("discussion-open-button").click()
    page.get_by_test_id("discussion-open").filter(has_text="open to every student").wait_for()
    bp.screenshot("discussion-teacher")
    bp.assert_clean()

    # A student who has not sat the exam now reads it on the question's own page.
    other = open_page(PHONE)
    sign_in(other, late.username)
    other.page.wait_for_url(re.compile(r"/dashboard$"))
    other.goto(f"/discussion/{qids[0]}")
    assert other.page.get_by_test_id("comment-body").first.inner_text() == "Is it A?"
    other.assert_clean()


def test_discussion_not_open_yet_says_so(app, open_page, make_user):
    teacher = make_user("tomas-disc", roles=("teacher",))
    student = make_user("neel-disc", roles=("student",))
    _, qids = make_exam(app, teacher.id, name="Not yet")
    bp = open_page(PHONE)
    sign_in(bp, student.username)
    bp.page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto(f"/discussion/{qids[0]}")
    closed = bp.page.get_by_test_id("discussion-closed")
    assert closed.inner_text().startswith("Discussion opens once you have submitted")
    assert bp.page.get_by_label("Your comment").count() == 0
    bp.assert_clean()

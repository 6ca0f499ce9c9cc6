"""The discussion panel as pages serve it: the result review's palette counts and panels, the
panel's forms for htmx and for browsers without JavaScript, escaping, the message while the
discussion is not open, the rate limit in the panel, and the teacher's open switch."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from app.extensions import db
from app.models import Result
from tests.discussion.conftest import sit

BROWSER = {"Accept": "text/html,application/xhtml+xml"}
NOT_YET = "Discussion opens once you have submitted an attempt that contains this question."


def htmx(token: str) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRFToken": token}


def count_in(html: str, prefix: str, qid: int) -> int:
    match = re.search(
        rf'id="{prefix}-{qid}"[^>]*>.*?<span class="disc-count-n">(\d+)</span>', html, re.S
    )
    assert match, f"no {prefix} for question {qid}"
    return int(match.group(1))


def test_result_page_has_palette_counts_and_a_panel_per_question(
    client: FlaskClient, web_login, api, exam, student, student_b, post
):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    post(student_b, exam.mcq, "a")
    post(student_b, exam.mcq, "b")
    web_login(client, student)
    html = client.get(f"/result/{exam.id}", headers=BROWSER).get_data(as_text=True)
    assert count_in(html, "disc-count", exam.mcq) == 2
    assert count_in(html, "disc-count", exam.msq) == 0
    assert count_in(html, "disc-summary", exam.mcq) == 2
    assert f'hx-get="/discussion/{exam.mcq}?next=' in html
    assert html.count('data-testid="discussion"') == 3
    assert 'data-testid="discussion-open"' not in html  # the teacher's switch


def test_panel_shows_text_escaped(client, web_login, api, exam, student, post):
    sit(api, student, exam.id)
    post(student, exam.mcq, '<script>alert("x")</script><b>hi</b>')
    token = web_login(client, student)
    res = client.get(f"/discussion/{exam.mcq}", headers=htmx(token))
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;hi&lt;/b&gt;" in html
    assert "<script>alert" not in html and "<b>hi</b>" not in html
    assert not html.lstrip().lower().startswith("<!doctype")  # the panel alone
    assert 'hx-swap-oob="true"' in html  # the counts travel with it


def test_panel_says_when_the_discussion_is_not_open_yet(client, web_login, exam, student):
    token = web_login(client, student)
    res = client.get(f"/discussion/{exam.mcq}", headers=htmx(token))
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert NOT_YET in html
    assert 'name="message"' not in html
    # on its own page too (no JavaScript)
    page = client.get(f"/discussion/{exam.mcq}", headers=BROWSER).get_data(as_text=True)
    assert NOT_YET in page and "<!doctype html>" in page.lower()


def test_post_and_reply_through_the_panel(client, web_login, api, exam, student, rewind):
    sit(api, student, exam.id)
    token = web_login(client, student)
    res = client.post(f"/discussion/{exam.mcq}", data={"message": "Why B?"}, headers=htmx(token))
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "Comment posted." in html and "Why B?" in html
    assert count_in(html, "disc-count", exam.mcq) == 1
    parent = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"][0]["id"]
    # at once again: the panel comes back with the wait message and 429
    res = client.post(
        f"/discussion/{exam.mcq}",
        data={"message": "Because v = at", "parent_id": str(parent)},
        headers=htmx(token),
    )
    assert res.status_code == 429
    html = res.get_data(as_text=True)
    assert "one comment every 10 seconds" in html and "data-error-message" in html
    rewind()
    res = client.post(
        f"/discussion/{exam.mcq}",
        data={"message": "Because v = at", "parent_id": str(parent)},
        headers=htmx(token),
    )
    assert res.status_code == 200 and "Reply posted." in res.get_data(as_text=True)
    (top,) = api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["comments"]
    assert [r["message"] for r in top["replies"]] == ["Because v = at"]


def test_a_form_without_javascript_goes_back_with_a_message(client, web_login, api, exam, student):
    sit(api, student, exam.id)
    token = web_login(client, student)
    back = f"/result/{exam.id}#review-1"
    res = client.post(
        f"/discussion/{exam.mcq}",
        data={"message": "plain form", "next": back, "csrf_token": token},
        headers=BROWSER,
    )
    assert (res.status_code, res.headers["Location"]) == (303, back)
    # an address elsewhere is not followed
    for elsewhere in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        res = client.post(
            f"/discussion/{exam.mcq}",
            data={"message": "x", "next": elsewhere, "csrf_token": token},
            headers=BROWSER,
        )
        assert res.headers["Location"] == f"/discussion/{exam.mcq}", elsewhere
    page = client.get(res.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert "You can post one comment every 10 seconds" in page  # the flash


def test_panel_forms_need_the_csrf_token(client, web_login, api, exam, student):
    sit(api, student, exam.id)
    web_login(client, student)
    res = client.post(f"/discussion/{exam.mcq}", data={"message": "x"}, headers=BROWSER)
    assert res.status_code == 400
    assert api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["count"] == 0


def test_only_own_comments_offer_edit_and_delete(
    client, web_login, api, exam, student, student_b, post
):
    sit(api, student, exam.id)
    sit(api, student_b, exam.id)
    theirs = post(student_b, exam.mcq, "theirs")
    mine = post(student, exam.mcq, "mine")
    token = web_login(client, student)
    html = client.get(f"/discussion/{exam.mcq}", headers=htmx(token)).get_data(as_text=True)
    assert f"/discussion/comment/{mine['id']}/edit" in html
    assert f"/discussion/comment/{mine['id']}/delete" in html
    assert f"/discussion/comment/{theirs['id']}/edit" not in html
    assert f"/discussion/comment/{theirs['id']}/delete" not in html
    assert "/pin" not in html and "/best-answer" not in html
    res = client.post(f"/discussion/comment/{theirs['id']}/delete", headers=htmx(token))
    assert res.status_code == 403
    assert "You can only delete your own comments." in res.get_data(as_text=True)
    assert api(student, "GET", f"/api/discussion/{exam.mcq}").get_json()["count"] == 2


def test_teacher_moderates_and_opens_from_the_pages(
    app, client, web_login, api, exam, teacher, student, student_b, post
):
    sit(api, student, exam.id)
    comment = post(student, exam.mcq, "pin me")
    token = web_login(client, teacher)
    html = client.get(f"/discussion/{exam.mcq}", headers=htmx(token)).get_data(as_text=True)
    assert f"/discussion/comment/{comment['id']}/pin" in html
    res = client.post(
        f"/discussion/comment/{comment['id']}/pin", data={"pinned": "1"}, headers=htmx(token)
    )
    assert res.status_code == 200 and 'data-testid="pinned"' in res.get_data(as_text=True)
    res = client.post(
        f"/discussion/comment/{comment['id']}/best-answer",
        data={"best_answer": "1"},
        headers=htmx(token),
    )
    assert 'data-testid="best-answer"' in res.get_data(as_text=True)
    with app.app_context():
        result_id = db.session.scalar(db.select(Result.id))
    page = client.get(f"/admin/results/{result_id}", headers=BROWSER).get_data(as_text=True)
    assert 'data-testid="discussion-open"' in page
    res = client.post(f"/discussion/exam/{exam.id}/open", data={"open": "1"}, headers=htmx(token))
    assert res.status_code == 200 and "open to every student" in res.get_data(as_text=True)
    assert api(student_b, "GET", f"/api/discussion/{exam.mcq}").status_code == 200

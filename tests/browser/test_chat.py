"""The chat page in Chromium: two students in two browser contexts (one on a phone) connect and
chat live, reply, edit and delete; and a message full of markup is shown as text."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.chat import contacts, services
from app.extensions import db
from app.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _no_send_limit(app: Flask):
    """Two people typing quickly in one test would meet the 2-second limit; it has its own
    tests (tests/chat)."""
    previous = app.config.get("CHAT_SEND_INTERVAL")
    app.config["CHAT_SEND_INTERVAL"] = 0
    yield
    if previous is None:
        app.config.pop("CHAT_SEND_INTERVAL", None)
    else:
        app.config["CHAT_SEND_INTERVAL"] = previous


def _connect(app: Flask, a: User, b: User) -> int:
    with app.app_context():
        conn = contacts.request_connection(db.session.get(User, a.id), b.id)
        conv = contacts.answer_request(db.session.get(User, b.id), conn.id, "accept")
        db.session.commit()
        return conv.id


def _open_chat(bp, username: str) -> None:
    page = bp.page
    sign_in(bp, username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    page.wait_for_url(re.compile(r"/messages$"))
    page.get_by_text("Live", exact=True).wait_for()


def test_two_students_connect_and_chat_live(app: Flask, open_page, make_user) -> None:
    make_user("john", full_name="John Doe")
    make_user("jane", full_name="Jane Smith")
    john, jane = open_page(DESKTOP), open_page(PHONE)
    _open_chat(john, "john")
    _open_chat(jane, "jane")
    jp, sp = john.page, jane.page
    assert jp.get_by_test_id("conversations-empty").is_visible()

    # John finds Jane and asks to connect; the request reaches Jane live.
    jp.get_by_text("Find classmates", exact=True).click()
    jp.get_by_label("Name or username").fill("jane")
    jp.get_by_label("Name or username").press("Enter")
    jp.get_by_test_id("connect").click()
    jp.get_by_text("Request sent.").wait_for()
    sp.get_by_test_id("request-count").filter(has_text="1").wait_for()
    jane.screenshot("chat-request-phone")
    sp.get_by_test_id("accept").click()

    # Accepting opens the conversation for Jane; it appears in John's list live.
    sp.get_by_test_id("conv-title").filter(has_text="John Doe").wait_for()
    jp.get_by_test_id("conversation").filter(has_text="Jane Smith").click()
    jp.get_by_test_id("conv-title").filter(has_text="Jane Smith").wait_for()

    # Keyboard only: type and press Enter.
    box = jp.get_by_label("Message", exact=True)
    box.fill("Hi Jane, see https://example.org/notes?ch=3.")
    box.press("Enter")
    sp.get_by_test_id("message-text").filter(has_text="Hi Jane").wait_for()
    link = sp.get_by_role("link", name="https://example.org/notes?ch=3")
    assert link.get_attribute("rel") == "noopener nofollow ugc"
    assert link.get_attribute("href") == "https://example.org/notes?ch=3"

    # Typing shows on the other side.
    sp.get_by_label("Message", exact=True).press_sequentially("On my")
    jp.get_by_test_id("typing").filter(has_text="Jane Smith is typing").wait_for()

    # Jane replies to John's message, quoting it.
    sp.get_by_test_id("message").filter(has_text="Hi Jane").get_by_test_id("reply").click()
    assert sp.get_by_test_id("reply-preview").is_visible()
    sp.get_by_label("Message", exact=True).fill("On my way!")
    sp.get_by_test_id("send").click()
    reply = jp.get_by_test_id("message").filter(has_text="On my way!")
    reply.wait_for()
    assert "Hi Jane" in reply.get_by_test_id("quote").inner_text()
    jp.get_by_test_id("seen").wait_for()  # Jane read John's message
    john.screenshot("chat-desktop")
    jane.screenshot("chat-phone")

    # John edits his message; Jane sees the new text.
    mine = jp.get_by_test_id("message").filter(has_text="Hi Jane")
    mine.get_by_test_id("edit").click()
    jp.get_by_test_id("edit-input").fill("Hi Jane! (edited)")
    jp.get_by_test_id("edit-input").press("Enter")
    sp.get_by_test_id("message-text").filter(has_text="Hi Jane! (edited)").wait_for()

    # Deleting asks first; declining keeps the message.
    jp.once("dialog", lambda dialog: dialog.dismiss())
    jp.get_by_test_id("message").filter(has_text="Hi Jane!").get_by_test_id("delete").click()
    assert jp.get_by_test_id("message").filter(has_text="Hi Jane!").count() == 1
    jp.once("dialog", lambda dialog: dialog.accept())
    jp.get_by_test_id("message").filter(has_text="Hi Jane!").get_by_test_id("delete").click()
    sp.get_by_text("This message was deleted").first.wait_for()
    assert sp.get_by_test_id("message-text").filter(has_text="Hi Jane!").count() == 0
    assert sp.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    john.assert_clean()
    jane.assert_clean()


def test_group_creation_and_unread_badges(app: Flask, open_page, make_user) -> None:
    owner = make_user("asha", full_name="Asha")
    ravi = make_user("ravi", full_name="Ravi")
    _connect(app, owner, ravi)
    asha_page, ravi_page = open_page(DESKTOP), open_page(DESKTOP)
    _open_chat(asha_page, "asha")
    _open_chat(ravi_page, "ravi")
    ap, rp = asha_page.page, ravi_page.page

    ap.get_by_text("New group", exact=True).click()
    ap.get_by_label("Group name").fill("Physics Study Group")
    ap.get_by_label("Ravi").check()
    ap.get_by_test_id("group-create").click()
    ap.get_by_test_id("conv-title").filter(has_text="Physics Study Group").wait_for()
    ap.get_by_label("Message", exact=True).fill("Welcome to the group")
    ap.get_by_label("Message", exact=True).press("Enter")

    group = rp.get_by_test_id("conversation").filter(has_text="Physics Study Group")
    group.get_by_test_id("unread").filter(has_text="1").wait_for()
    group.click()
    rp.get_by_test_id("message-text").filter(has_text="Welcome to the group").wait_for()
    assert group.get_by_test_id("unread").count() == 0
    asha_page.assert_clean()
    ravi_page.assert_clean()


def test_markup_in_a_message_is_shown_as_text(app: Flask, open_page, make_user) -> None:
    mallory = make_user("mallory", full_name="Mallory")
    victim = make_user("victim", full_name="Victim")
    conv = _connect(app, mallory, victim)
    payload = (
        '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
        '<a href="javascript:window.__xss=3">click</a> <b>bold</b>'
    )
    with app.app_context():
        services.send(db.session.get(User, mallory.id), conv, payload)
        db.session.commit()

    bp = open_page(DESKTOP)
    _open_chat(bp, "victim")
    page = bp.page
    page.get_by_test_id("conversation").filter(has_text="Mallory").click()
    text = page.get_by_test_id("message-text").first
    text.wait_for()

    assert text.inner_text() == payload
    messages = page.get_by_test_id("message-list")
    assert messages.locator("img, script, b").count() == 0
    assert messages.locator("a").count() == 0  # only http(s) addresses become links
    assert page.evaluate("window.__xss") is None
    # The conversation list's preview is text too.
    preview = page.get_by_test_id("conversation").filter(has_text="Mallory")
    assert preview.locator("img, script, b").count() == 0
    bp.screenshot("chat-xss")
    bp.assert_clean()

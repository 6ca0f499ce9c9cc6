"""Signing in and out in a real browser, as a teacher and as a student, on a desktop and on a
phone-sized screen. Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import DESKTOP, PHONE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ROLE_SECTIONS = {
    "teacher": ("Your exams", "You have no exams yet."),
    "student": ("Exams for you", "No exam is open for you right now."),
}


def sign_in(bp, username: str, password: str = PASSWORD) -> None:
    page = bp.page
    bp.goto("/login")
    assert page.title() == "Sign in · Examhall"
    page.get_by_label("Username or e-mail").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize(
    ("role", "viewport", "label"),
    [
        ("teacher", DESKTOP, "desktop"),
        ("student", DESKTOP, "desktop"),
        ("teacher", PHONE, "phone"),
        ("student", PHONE, "phone"),
    ],
)
def test_sign_in_see_role_dashboard_and_sign_out(
    open_page, make_user, role: str, viewport: dict[str, int], label: str
) -> None:
    username = f"{role}-{label}"
    make_user(username, roles=(role,), full_name=f"{role.title()} {label.title()}")
    bp = open_page(viewport)
    page = bp.page

    sign_in(bp, username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == f"Hello, {role.title()} {label.title()}"
    )
    heading, empty_state = ROLE_SECTIONS[role]
    assert page.get_by_role("heading", level=2, name=heading).is_visible()
    assert page.get_by_text(empty_state).is_visible()
    other = "student" if role == "teacher" else "teacher"
    assert page.get_by_role("heading", name=ROLE_SECTIONS[other][0]).count() == 0
    assert page.get_by_text(f"Welcome back, {role.title()} {label.title()}.").is_visible()
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
    assert nav.get_by_role("link", name="Account").is_visible()
    assert nav.get_by_role("link", name="Users").count() == 0  # admins only
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    bp.screenshot(f"dashboard-{role}-{label}")
    bp.assert_clean()

    page.get_by_test_id("sign-out").click()
    page.wait_for_url(re.compile(r"/login$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert page.get_by_text("You have been signed out.").is_visible()
    bp.screenshot(f"login-after-sign-out-{role}-{label}")
    bp.assert_clean()

    bp.goto("/dashboard")  # signed out for real: the dashboard sends us back
    page.wait_for_url(re.compile(r"/login\?next=/dashboard$"))


def test_wrong_password_message_is_announced(open_page, make_user) -> None:
    make_user("wanda")
    bp = open_page(PHONE)
    page = bp.page
    sign_in(bp, "wanda", "not-the-password")
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "Invalid credentials. 2 attempts remaining."
    assert page.get_by_label("Username or e-mail").input_value() == "wanda"
    assert page.get_by_label("Password").input_value() == ""
    bp.screenshot("login-wrong-password-phone")
    # The 401 itself is the page's answer; nothing else may fail.
    assert bp.problems.page_errors == []
    assert bp.csp_violations() == []


def test_skip_link_and_keyboard_sign_in(open_page, make_user) -> None:
    make_user("kim", roles=("student",))
    bp = open_page(DESKTOP)
    page = bp.page
    bp.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0  # it comes into view when focused
    page.get_by_label("Username or e-mail").focus()
    page.keyboard.type("kim")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/dashboard$"))
    assert page.get_by_role("heading", level=2, name="Exams for you").is_visible()
    bp.assert_clean()


def test_admin_dashboard_counts_users_and_pending_requests(app, open_page, make_user) -> None:
    from app.extensions import db
    from app.models import AccessRequest

    make_user("ada", roles=("admin",), full_name="Ada Admin")
    applicant = make_user("tom", roles=("student",))
    with app.app_context():
        db.session.add(
            AccessRequest(
                user_id=applicant.id,
                current_access="user",
                requested_access="user,admin",
                requested_roles=["teacher"],
            )
        )
        db.session.commit()
    bp = open_page(DESKTOP)
    page = bp.page
    sign_in(bp, "ada")
    page.wait_for_url(re.compile(r"/dashboard$"))
    section = page.get_by_test_id("admin-section")
    assert section.get_by_role("heading", name="Administration").is_visible()
    assert section.get_by_test_id("user-count").inner_text() == "2"
    assert section.get_by_test_id("pending-count").inner_text() == "1"
    assert page.get_by_role("heading", level=2, name="Exams").is_visible()
    bp.screenshot("dashboard-admin-desktop")
    bp.assert_clean()

    phone = open_page(PHONE)  # the longest navigation still fits a phone
    sign_in(phone, "ada")
    phone.page.wait_for_url(re.compile(r"/dashboard$"))
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.page.get_by_test_id("sign-out").is_visible()
    phone.screenshot("dashboard-admin-phone")
    phone.assert_clean()

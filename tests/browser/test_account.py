"""The account page's HTMX forms in a real browser: they save without a page load, under the
strict CSP (no eval, no inline script), with the CSRF header app.js adds."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.extensions import db
from app.models import User
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser


def _saved(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_profile_and_preferences_save_in_place(
    app: Flask, open_page, make_user, viewport: dict[str, int], label: str
) -> None:
    user = make_user(f"ana-{label}", full_name="Ana")
    bp = open_page(viewport)
    page = bp.page
    sign_in(bp, user.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    page.wait_for_url(re.compile(r"/account$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    page.evaluate("window.__samePage = true")  # gone if the browser loads a new page
    bp.screenshot(f"account-{label}")

    profile = page.get_by_test_id("profile-form")
    profile.get_by_label("E-mail").fill("not-an-email")
    profile.get_by_label("Full name").fill("Ana Maria")
    profile.get_by_role("button", name="Save profile").click()
    error = page.locator("#e-email")
    error.wait_for()
    assert error.inner_text() == "Enter a valid e-mail address."
    email = page.get_by_test_id("profile-form").get_by_label("E-mail")
    assert email.get_attribute("aria-invalid") == "true"
    assert email.evaluate("el => el === document.activeElement")  # focus moved to the problem
    assert _saved(app, user.id).full_name == "Ana"
    bp.screenshot(f"account-invalid-email-{label}")

    email.fill(f"ana.{label}@example.org")
    page.get_by_role("button", name="Save profile").click()
    page.get_by_text("Your profile has been saved.").wait_for()
    assert page.evaluate("window.__samePage") is True
    assert page.get_by_test_id("display-name").inner_text() == "Ana Maria"
    saved = _saved(app, user.id)
    assert (saved.full_name, saved.email) == ("Ana Maria", f"ana.{label}@example.org")

    prefs = page.get_by_test_id("preferences-form")
    prefs.get_by_label("Dark").check()
    prefs.get_by_role("switch", name="Send me e-mail notifications").uncheck()
    prefs.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Your preferences have been saved.").wait_for()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate("window.__samePage") is True
    assert _saved(app, user.id).preferences == {"theme": "dark", "email_notifications": False}
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.wait_for_timeout(500)  # let Pico's colour transitions finish before the picture
    bp.screenshot(f"account-dark-{label}")
    bp.assert_clean(expected=((400, "/account/profile"),))

    page.reload()  # the theme is served with the page from now on
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    bp.screenshot(f"account-dark-reloaded-{label}")
    bp.assert_clean(expected=((400, "/account/profile"),))


def test_delete_account_in_browser(app: Flask, open_page, make_user) -> None:
    user = make_user("leaving")
    bp = open_page(PHONE)
    page = bp.page
    sign_in(bp, "leaving")
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto("/account")
    form = page.get_by_test_id("delete-form")
    form.get_by_label("Type DELETE to confirm").fill("delete")
    form.get_by_role("button", name="Delete my account").click()
    page.get_by_text("Type DELETE in capital letters to confirm.").wait_for()
    with app.app_context():
        assert db.session.get(User, user.id) is not None
    page.get_by_test_id("delete-form").get_by_label("Type DELETE to confirm").fill("DELETE")
    page.get_by_test_id("delete-form").get_by_role("button", name="Delete my account").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("Your account and its data have been deleted.").is_visible()
    with app.app_context():
        assert db.session.get(User, user.id) is None
    bp.screenshot("home-after-delete-phone")
    assert bp.problems.page_errors == []
    assert bp.csp_violations() == []


def test_public_pages_look_right_on_a_phone(open_page) -> None:
    bp = open_page(PHONE)
    page = bp.page
    for path, name, heading in [
        ("/", "home", "Examhall exams"),
        ("/create_account", "create-account", "Create an account"),
        ("/forgot-password", "forgot-password", "Forgotten password"),
    ]:
        bp.goto(path)
        assert page.get_by_role("heading", level=1).inner_text() == heading
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        bp.screenshot(f"{name}-phone")
    bp.assert_clean()


def test_htmx_confirm_and_csrf_header_under_the_csp(open_page, make_user) -> None:
    """hx-confirm asks with the browser's own dialog (no eval needed), and every htmx request
    carries the CSRF token from the meta tag."""
    make_user("cleo")
    bp = open_page(DESKTOP)
    page = bp.page
    sign_in(bp, "cleo")
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto("/account")
    assert page.evaluate("window.htmx.config.allowEval") is False
    assert page.evaluate("document.querySelectorAll('style').length") == 0  # no injected CSS
    page.evaluate(
        """() => {
          const b = document.createElement("button");
          b.id = "confirm-me";
          b.textContent = "Use dark theme";
          b.setAttribute("hx-post", "/account/preferences");
          b.setAttribute("hx-vals", '{"theme": "dark"}');
          b.setAttribute("hx-confirm", "Switch to the dark theme?");
          b.setAttribute("hx-target", "#preferences-form");
          b.setAttribute("hx-swap", "outerHTML");
          document.querySelector("main").appendChild(b);
          window.htmx.process(b);
        }"""
    )
    asked: list[str] = []
    sent: list[dict[str, str]] = []
    page.on("request", lambda r: sent.append(r.headers) if r.method == "POST" else None)

    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator("#confirm-me").click()
    page.wait_for_timeout(300)
    assert asked == ["Switch to the dark theme?"]
    assert sent == []  # dismissed: nothing sent

    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    with page.expect_response("**/account/preferences") as response:
        page.locator("#confirm-me").click()
    assert response.value.status == 200
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    assert sent[-1].get("x-csrftoken") == token
    page.get_by_text("Your preferences have been saved.").wait_for()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    bp.assert_clean()

"""The exam pages in a real browser (Debian's Chromium), on a desktop and on a phone: a teacher
creates an exam, meets a validation error next to its field, sees the delay field appear only for
delayed results, adds a section, fails to publish an exam without questions and reads why, and
deletes it by typing its name. Everything runs under the strict CSP with no console error.
Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
import time

import pytest

from app.extensions import db
from app.models import Category
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_sign_in import sign_in
from tests.exams.conftest import png_bytes

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_create_edit_publish_and_delete_an_exam(app, open_page, make_user, viewport, label):
    teacher = make_user(f"meera-{label}", roles=("teacher",))
    with app.app_context():
        db.session.add(Category(name="Physics", image_url=""))
        db.session.commit()
    bp = open_page(viewport)
    page = bp.page
    sign_in(bp, teacher.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    bp.goto("/admin/exams")
    page.get_by_test_id("exams-empty").wait_for()
    bp.screenshot(f"exams-empty-{label}")
    page.get_by_test_id("new-exam").click()
    page.wait_for_url(re.compile(r"/admin/exams/new$"))

    delay = page.locator("[data-shows-for-result-mode]")
    assert delay.is_hidden()
    page.get_by_label("Results").select_option("delayed")
    assert delay.is_visible()
    page.get_by_label("Results").select_option("manual")
    assert delay.is_hidden()

    page.get_by_label("Duration (minutes)").fill("0")
    page.get_by_role("button", name="Create exam").click()
    error = page.locator("#e-name")
    error.wait_for()
    assert error.inner_text() == "Enter a name."
    assert (
        page.locator("#e-duration").inner_text()
        == "Enter a whole number of minutes from 1 to 1440."
    )
    assert page.get_by_label("Name").evaluate("el => el === document.activeElement")
    page.locator("[data-shows-for-result-mode]").wait_for(state="hidden")  # again after the swap
    bp.screenshot(f"exam-new-invalid-{label}")

    page.get_by_label("Name").fill("Optics test")
    page.get_by_label("Duration (minutes)").fill("90")
    page.get_by_label("Category").select_option("Physics")
    page.get_by_label("Full screen required").check()
    page.get_by_role("button", name="Create exam").click()
    page.wait_for_url(re.compile(r"/admin/exams/\d+$"))
    assert "Optics test" in page.get_by_role("heading", level=1).inner_text()

    page.get_by_test_id("settings-form").get_by_label("Name").fill("Optics test 2")
    page.get_by_role("button", name="Save settings").click()
    page.get_by_test_id("settings-message").wait_for()
    page.locator("h1").filter(has_text="Optics test 2").wait_for()

    page.get_by_label("Section name").fill("Lenses")
    page.get_by_role("button", name="Add section").click()
    page.get_by_test_id("section-row").wait_for()

    page.get_by_test_id("publish-button").click()
    page.get_by_test_id("publish-error").wait_for()
    assert "Add at least one question." in page.get_by_test_id("publish-panel").inner_text()
    bp.screenshot(f"exam-editor-{label}")

    # The delete form refreshed itself after the rename: it now asks for the new name.
    page.locator('[data-confirm-name="Optics test 2"]').wait_for(state="attached")
    delete = page.get_by_test_id("delete-exam")
    assert delete.is_disabled()
    page.get_by_label(re.compile("Type the exam's name")).fill("Optics test 2")
    assert delete.is_enabled()
    delete.click()
    page.wait_for_url(re.compile(r"/admin/exams$"))
    page.get_by_text("Exam “Optics test 2” deleted.").wait_for()
    bp.assert_clean(expected=((400, "/admin/exams"),))


@pytest.mark.parametrize(("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_categories_page_uploads_a_picture(open_page, make_user, tmp_path, viewport, label):
    teacher = make_user(f"ravi-{label}", roles=("teacher",))
    picture = tmp_path / "optics.txt"  # a PNG whatever its name says
    picture.write_bytes(png_bytes((32, 32)))
    bp = open_page(viewport)
    page = bp.page
    sign_in(bp, teacher.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Categories").click()
    page.get_by_test_id("categories-empty").wait_for()
    form = page.get_by_test_id("create-category")
    form.get_by_label("Name").fill(f"Optics {label}")
    form.get_by_label(re.compile("Picture")).set_input_files(str(picture))
    form.get_by_role("button", name="Create category").click()
    page.get_by_test_id("panel-message").wait_for()
    assert form.get_by_label("Name").input_value() == ""  # the form is cleared after success
    thumb = page.locator("img.thumb")
    # The thumbnail is fetched after the swap. Poll from Python: wait_for_function compiles its
    # predicate with eval in the page, which the CSP (rightly) refuses.
    deadline = time.monotonic() + 10
    while not thumb.evaluate("img => img.complete && img.naturalWidth > 0"):
        assert time.monotonic() < deadline, "the category thumbnail never loaded"
        page.wait_for_timeout(50)
    assert thumb.evaluate("img => img.naturalWidth") == 32
    bp.screenshot(f"categories-{label}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("delete-category").click()
    page.get_by_test_id("categories-empty").wait_for()
    bp.assert_clean()

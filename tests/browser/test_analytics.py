"""The analytics page in Debian's Chromium: a teacher opens it from the navigation, narrows the
figures by period and exam (htmx swaps the panel), pages through the results table and filters
it by student (htmx swaps the table), and downloads a result sheet PDF. No console error, no
CSP violation, no failed request."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.extensions import db
from app.models import Result, utcnow
from tests.attempts import conftest as exam_taking
from tests.browser.test_sign_in import sign_in

pytestmark = pytest.mark.browser

_fresh_hot_cache = exam_taking._fresh_hot_cache
make_exam = exam_taking.make_exam
teacher = exam_taking.teacher
api = exam_taking.api


def test_filters_pagination_and_pdf_download(app, open_page, make_user, make_exam, api, teacher):
    exam = make_exam(name="Optics final", max_attempts=1)
    make_exam(name="Empty mock")
    result_ids = []
    for i in range(21):  # one more than a page
        student = make_user(f"pupil{i:02d}", full_name=f"Pupil {i:02d}")
        assert api(student, "POST", f"/start-exam/{exam.id}").status_code == 200
        answers = {str(exam.mcq): "B" if i % 2 else "A"}
        api(student, "POST", f"/api/sync-exam-answers/{exam.id}", json={"answers": answers})
        result_ids.append(api(student, "POST", f"/submit-exam/{exam.id}").get_json()["result_id"])
    with app.app_context():  # one result from last month
        db.session.get(Result, result_ids[0]).submitted_at = utcnow() - timedelta(days=40)
        db.session.commit()

    bp = open_page()
    page = bp.page
    sign_in(bp, teacher.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.get_by_test_id("nav-analytics").click()
    page.wait_for_url(re.compile(r"/admin/users-analytics$"))
    assert page.get_by_test_id("count-total_results").inner_text() == "21"
    assert "21 results from 21 students" in page.get_by_test_id("data-summary").inner_text()

    # Figures: period and exam filters swap the panel and keep the URL shareable.
    page.get_by_label("Period").select_option("7d")
    page.get_by_test_id("data-summary").filter(has_text="20 results").wait_for()
    assert "timePeriod=7d" in page.url
    page.get_by_test_id("data-filters").get_by_label("Exam").select_option("Empty mock")
    page.get_by_test_id("analytics-empty").wait_for()
    assert (
        "No results in this period or exam" in page.get_by_test_id("analytics-empty").inner_text()
    )
    page.get_by_test_id("data-filters").get_by_label("Exam").select_option("Optics final")
    page.get_by_test_id("score-distribution").wait_for()
    bp.screenshot("analytics-desktop")

    # Results: 21 rows, 20 a page; Next swaps in page 2 without leaving the page.
    table = page.get_by_test_id("results-table")
    assert "page 1 of 2" in table.locator("caption").inner_text()
    assert page.get_by_test_id("result-row").count() == 20
    url_before = page.url
    page.get_by_test_id("results-next").click()
    page.locator("caption", has_text="page 2 of 2").wait_for()
    assert page.get_by_test_id("result-row").count() == 1
    assert page.url == url_before  # the analytics page stays where it is

    # Filter by student: the table alone is replaced.
    page.get_by_test_id("results-filters").get_by_label("Student").fill("pupil07")
    page.locator("caption", has_text="1 result ·").wait_for()
    row = page.get_by_test_id("result-row")
    assert row.count() == 1 and "pupil07" in row.inner_text()

    # The PDF link downloads a real PDF.
    with page.expect_download() as info:
        row.get_by_test_id("download-pdf").click()
    download = info.value
    assert download.suggested_filename.startswith(f"result-{result_ids[7]}-")
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")

    bp.assert_clean()


def test_the_results_page_keeps_filters_and_page_in_the_address_bar(
    app, open_page, make_user, make_exam, api, teacher
):
    exam = make_exam(name="Optics final", max_attempts=1)
    for i in range(21):  # one more than a page
        student = make_user(f"pupil{i:02d}", full_name=f"Pupil {i:02d}")
        assert api(student, "POST", f"/start-exam/{exam.id}").status_code == 200
        assert api(student, "POST", f"/submit-exam/{exam.id}").status_code == 200

    bp = open_page()
    page = bp.page
    sign_in(bp, teacher.username)
    page.wait_for_url(re.compile(r"/dashboard$"))
    page.goto("/admin/users-analytics/results")
    page.get_by_test_id("results-next").click()
    page.locator("caption", has_text="page 2 of 2").wait_for()
    page.wait_for_url(re.compile(r"/admin/users-analytics/results\?page=2$"))

    page.get_by_test_id("results-filters").get_by_label("Student").fill("pupil07")
    page.locator("caption", has_text="1 result ·").wait_for()
    page.wait_for_url(re.compile(r"/admin/users-analytics/results\?user=pupil07$"))
    assert "partial" not in page.url

    page.reload()  # the address is the page as filtered
    page.locator("caption", has_text="1 result ·").wait_for()
    assert page.get_by_test_id("results-filters").get_by_label("Student").input_value() == "pupil07"
    bp.assert_clean()

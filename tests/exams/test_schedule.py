"""Times: date + start_time (and end_date/end_time) are on the institute's clock
(INSTITUTE_TIMEZONE), stored as naive UTC, and shown back on the same clock in JSON and pages."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.exams.conftest import BROWSER, exam_row


def test_kolkata_start_is_stored_in_utc_and_shown_back(app, client, bearer, teacher, make_exam):
    assert app.config["INSTITUTE_TIMEZONE"] == "Asia/Kolkata"
    exam_id = make_exam(
        teacher, date="2025-01-20", start_time="10:00", end_date="2025-01-21", end_time="02:15"
    )
    row = exam_row(app, exam_id)
    assert row["starts_at"] == datetime(2025, 1, 20, 4, 30)
    assert row["ends_at"] == datetime(2025, 1, 20, 20, 45)
    exam = client.get(f"/admin/api/exams/{exam_id}", headers=bearer(teacher)).get_json()["exam"]
    assert (exam["date"], exam["start_time"], exam["starts_at"]) == (
        "2025-01-20",
        "10:00",
        "2025-01-20T04:30:00",
    )
    assert (exam["end_date"], exam["end_time"], exam["ends_at"]) == (
        "2025-01-21",
        "02:15",
        "2025-01-20T20:45:00",
    )


def test_a_start_just_after_midnight_is_the_previous_utc_day(app, make_exam, teacher):
    exam_id = make_exam(teacher, date="2025-03-01", start_time="00:30")
    assert exam_row(app, exam_id)["starts_at"] == datetime(2025, 2, 28, 19, 0)


def test_editing_the_time_keeps_the_date(app, client, bearer, teacher, make_exam):
    exam_id = make_exam(teacher)
    client.post(
        f"/admin/exams/edit/{exam_id}", json={"start_time": "14:45"}, headers=bearer(teacher)
    )
    assert exam_row(app, exam_id)["starts_at"] == datetime(2025, 1, 20, 9, 15)
    client.post(
        f"/admin/exams/edit/{exam_id}", json={"date": "2025-02-01"}, headers=bearer(teacher)
    )
    assert exam_row(app, exam_id)["starts_at"] == datetime(2025, 2, 1, 9, 15)


def test_end_time_alone_ends_on_the_start_day(app, make_exam, teacher):
    exam_id = make_exam(teacher, end_time="17:30")
    assert exam_row(app, exam_id)["ends_at"] == datetime(2025, 1, 20, 12, 0)


@pytest.mark.parametrize(
    ("ends_at", "stored"),
    [
        ("2025-01-20T12:00:00", datetime(2025, 1, 20, 12, 0)),  # no offset: UTC
        ("2025-01-20T12:00:00Z", datetime(2025, 1, 20, 12, 0)),
        ("2025-01-20T17:30:00+05:30", datetime(2025, 1, 20, 12, 0)),
    ],
)
def test_ends_at_in_iso(app, make_exam, teacher, ends_at, stored):
    assert exam_row(app, make_exam(teacher, ends_at=ends_at))["ends_at"] == stored


def test_clearing_both_end_parts_opens_the_window(app, client, bearer, teacher, make_exam):
    exam_id = make_exam(teacher, end_time="17:30")
    res = client.post(
        f"/admin/exams/edit/{exam_id}",
        data={"end_date": "", "end_time": ""},
        headers=bearer(teacher),
    )
    assert res.status_code == 200 and exam_row(app, exam_id)["ends_at"] is None


def test_the_editor_shows_local_times_and_names_the_zone(
    client, bearer, teacher, make_exam, web_login
):
    exam_id = make_exam(teacher, end_time="17:30")
    web_login(client, teacher)
    html = client.get(f"/admin/exams/{exam_id}", headers=BROWSER).get_data(as_text=True)
    assert 'name="date" type="date" value="2025-01-20"' in html
    assert 'name="start_time" type="time" value="10:00"' in html
    assert 'name="end_time" type="time" value="17:30"' in html
    assert "Asia/Kolkata (UTC+05:30)" in html


def test_other_institute_timezone(app, client, bearer, teacher, make_exam):
    app.config["INSTITUTE_TIMEZONE"] = "Europe/London"
    try:
        exam_id = make_exam(teacher, date="2025-07-01", start_time="09:00")  # BST, UTC+1
        assert exam_row(app, exam_id)["starts_at"] == datetime(2025, 7, 1, 8, 0)
        # 01:30 on the day clocks go forward does not exist in London.
        res = client.post(
            f"/admin/exams/edit/{exam_id}",
            json={"date": "2025-03-30", "start_time": "01:30"},
            headers=bearer(teacher),
        )
        assert (
            res.status_code == 400
            and "does not exist in Europe/London" in res.get_json()["errors"]["start_time"]
        )
    finally:
        app.config["INSTITUTE_TIMEZONE"] = "Asia/Kolkata"

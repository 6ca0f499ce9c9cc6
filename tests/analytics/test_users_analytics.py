"""Users analytics (000_…, "Analytics, result data, PDF download"): the documented requests with
the documented response shapes, the filters, and who may call (staff only, each teacher over the
exams they manage; students 403; bad filters 400 in SmartAIExam's envelope)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import utcnow

HX = {"HX-Request": "true", "Accept": "text/html"}
BROWSER = {"Accept": "text/html,application/xhtml+xml"}


def right(exam) -> dict:
    return {exam.mcq: "B", exam.msq: ["A", "C"], exam.numeric: "9.8"}


@pytest.fixture
def two_results(make_exam, sit, student, student_b):
    """sam scores 12/12 (100 %), sita -1/12 (one wrong MCQ)."""
    exam = make_exam()
    full = sit(student, exam, right(exam))
    poor = sit(student_b, exam, {exam.mcq: "A"})
    return exam, full, poor


def assert_error(res, status: int, fragment: str) -> None:
    assert res.status_code == status, res.get_data(as_text=True)
    body = res.get_json()
    assert body["success"] is False
    assert fragment in body["message"]


# GET /admin/api/users-analytics/stats ------------------------------------------------------


def test_stats_documented_shape(api, two_results, admin, teacher):
    res = api(admin, "GET", "/admin/api/users-analytics/stats")
    assert res.status_code == 200
    body = res.get_json()
    assert list(body) == [
        "success",
        "total_users",
        "total_exams",
        "total_results",
        "total_responses",
    ]
    # admin counts every account: root, tara (teacher), sam, sita
    assert body == {
        "success": True,
        "total_users": 4,
        "total_exams": 1,
        "total_results": 2,
        "total_responses": 6,
    }
    mine = api(teacher, "GET", "/admin/api/users-analytics/stats").get_json()
    assert mine["total_users"] == 2  # a teacher counts the students who sat their exams


def test_stats_are_scoped_to_the_teachers_exams(api, two_results, other_teacher):
    body = api(other_teacher, "GET", "/admin/api/users-analytics/stats").get_json()
    assert body == {
        "success": True,
        "total_users": 0,
        "total_exams": 0,
        "total_results": 0,
        "total_responses": 0,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/admin/api/users-analytics/stats",
        "/admin/api/users-analytics/data",
        "/admin/users-analytics/results?partial=1",
        "/admin/users-analytics/results",
        "/admin/users-analytics",
        "/admin/users-analytics/download-result/1",
    ],
)
def test_students_get_403_and_strangers_401(client, api, student, path):
    assert_error(api(student, "GET", path), 403, "")
    res = client.get(path, headers={"Accept": "application/json"})
    assert_error(res, 401, "Not authenticated")


def test_a_students_browser_gets_the_403_page(client, web_login, student):
    web_login(client, student)
    res = client.get("/admin/users-analytics", headers=BROWSER)
    assert res.status_code == 403
    assert "text/html" in res.content_type


# GET /admin/api/users-analytics/data -------------------------------------------------------


def test_data_documented_request_and_shape(api, two_results, teacher, student, student_b):
    exam, full, poor = two_results
    res = api(
        teacher, "GET", "/admin/api/users-analytics/data?timePeriod=&exam=&startDate=&endDate="
    )
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True
    assert set(body) >= {
        "score_distribution",
        "top_performers",
        "exam_stats",
        "recent_activity",
        "summary",
        "filters",
    }
    assert body["filters"]["timePeriod"] == "all"
    dist = body["score_distribution"]
    assert [b["range"] for b in dist] == [f"{i}-{i + 10}" for i in range(0, 100, 10)]
    counts = {b["range"]: b["count"] for b in dist}
    assert counts["90-100"] == 1  # 12/12
    assert counts["0-10"] == 1  # -1/12: a negative score counts in the first bucket
    assert sum(counts.values()) == 2

    top = body["top_performers"]
    assert [(t["rank"], t["username"], t["percent"]) for t in top] == [
        (1, "sam", 100),
        (2, "sita", -8.3),
    ]
    assert top[0]["result_id"] == full and top[0]["exam_id"] == exam.id
    assert set(top[0]) >= {"score", "max_score", "exam_name", "full_name", "submitted_at"}

    (stats,) = body["exam_stats"]
    assert stats["exam_id"] == exam.id
    assert (stats["total_attempts"], stats["unique_students"]) == (2, 2)
    assert (stats["highest_score"], stats["lowest_score"], stats["max_score"]) == (12, -1, 12)
    assert stats["average_score"] == 5.5
    assert stats["average_percent"] == 45.8

    recent = body["recent_activity"]
    assert [r["result_id"] for r in recent] == [poor, full]  # newest first
    assert body["summary"] == {
        "total_results": 2,
        "unique_students": 2,
        "average_percent": 45.8,
        "highest_percent": 100,
        "lowest_percent": -8.3,
    }


def test_data_top_performers_list_each_student_once_by_best(api, make_exam, sit, teacher, student):
    exam = make_exam(max_attempts=3)
    sit(student, exam, {exam.mcq: "B"})  # 4/12
    best = sit(student, exam, right(exam))  # 12/12
    top = api(teacher, "GET", "/admin/api/users-analytics/data").get_json()["top_performers"]
    assert [(t["username"], t["result_id"]) for t in top] == [("sam", best)]


def test_data_filters_by_period_dates_and_exam(api, make_exam, sit, teacher, student, student_b):
    first, second = make_exam(name="First"), make_exam(name="Second")
    now = utcnow()
    old = sit(student, first, right(first), submitted_at=now - timedelta(days=40))
    new = sit(student_b, second, right(second))

    def ids(query: str) -> list[int]:
        res = api(teacher, "GET", f"/admin/api/users-analytics/data?{query}")
        assert res.status_code == 200, res.get_json()
        return sorted(r["result_id"] for r in res.get_json()["recent_activity"])

    assert ids("timePeriod=all") == sorted([old, new])
    assert ids("timePeriod=30d") == [new]
    assert ids("timePeriod=90") == sorted([old, new])
    assert ids("timePeriod=today") == [new]
    assert ids(f"exam={first.id}") == [old]
    day = (now - timedelta(days=40)).date()
    assert ids(
        f"timePeriod=custom&startDate={day - timedelta(days=1)}&endDate={day + timedelta(days=1)}"
    ) == [old]
    assert ids(f"startDate={now.date() + timedelta(days=2)}") == []
    body = api(teacher, "GET", f"/admin/api/users-analytics/data?exam={second.id}").get_json()
    assert [e["exam_id"] for e in body["exam_stats"]] == [second.id]
    assert body["filters"]["exam"] == second.id


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("timePeriod=fortnight", 400, "timePeriod must be"),
        ("timePeriod=custom", 400, "timePeriod=custom needs startDate or endDate"),
        ("startDate=2025-13-01", 400, "startDate must be a date as YYYY-MM-DD"),
        ("endDate=yesterday", 400, "endDate must be a date"),
        ("startDate=2025-02-01&endDate=2025-01-01", 400, "is after endDate"),
        ("exam=physics", 400, "exam must be an exam id or 'all'"),
        ("exam=999999", 404, "Exam not found"),
    ],
)
def test_data_bad_filters_are_refused_in_the_envelope(api, teacher, query, status, message):
    assert_error(api(teacher, "GET", f"/admin/api/users-analytics/data?{query}"), status, message)


def test_data_for_another_teachers_exam_is_403(api, two_results, other_teacher):
    exam = two_results[0]
    res = api(other_teacher, "GET", f"/admin/api/users-analytics/data?exam={exam.id}")
    assert_error(res, 403, "your own or co-owned")


def test_data_with_no_results_is_empty_not_an_error(api, teacher):
    body = api(teacher, "GET", "/admin/api/users-analytics/data?timePeriod=7d").get_json()
    assert body["success"] is True
    assert body["summary"]["total_results"] == 0
    assert body["summary"]["average_percent"] is None
    assert body["top_performers"] == body["exam_stats"] == body["recent_activity"] == []
    assert sum(b["count"] for b in body["score_distribution"]) == 0


# GET /admin/users-analytics/results --------------------------------------------------------


def test_results_documented_request_returns_the_table_fragment(api, two_results, teacher):
    full = two_results[1]
    res = api(
        teacher,
        "GET",
        "/admin/users-analytics/results?user=&exam=&dateFrom=&dateTo=&page=&partial=1",
    )
    assert res.status_code == 200
    assert res.mimetype == "text/html"
    html = res.get_data(as_text=True)
    assert "<html" not in html and "<nav class" not in html  # the fragment only
    assert 'id="results-table"' in html
    assert html.count('data-testid="result-row"') == 2
    assert f"/admin/users-analytics/download-result/{full}" in html


def test_results_json_shape_and_pagination(api, two_results, teacher):
    full = two_results[1]
    res = api(teacher, "GET", "/admin/users-analytics/results?page=2&per_page=1")
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True
    assert body["pagination"] == {
        "page": 2,
        "per_page": 1,
        "total": 2,
        "pages": 2,
        "has_next": False,
        "has_prev": True,
    }
    (line,) = body["results"]
    assert line["result_id"] == full  # newest first: poor is page 1
    assert set(line) >= {"username", "exam_name", "score", "max_score", "percent", "submitted_at"}


def test_results_filters(api, make_exam, sit, teacher, student, student_b):
    first, second = make_exam(name="First"), make_exam(name="Second")
    now = utcnow()
    a = sit(student, first, right(first), submitted_at=now - timedelta(days=10))
    b = sit(student_b, second, right(second))

    def ids(query: str) -> list[int]:
        res = api(teacher, "GET", f"/admin/users-analytics/results?{query}")
        assert res.status_code == 200, res.get_json()
        return sorted(r["result_id"] for r in res.get_json()["results"])

    assert ids("user=SIT") == [b]  # part of the username, any case
    assert ids(f"user={student.id}") == [a]
    assert ids("user=nobody") == []
    assert ids(f"exam={first.id}") == [a]
    assert ids(f"dateFrom={(now - timedelta(days=2)).date()}") == [b]
    assert ids(f"dateTo={(now - timedelta(days=5)).date()}") == [a]


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("page=0", 400, "page must be a whole number"),
        ("page=two", 400, "page must be a whole number"),
        ("dateFrom=01/02/2025", 400, "dateFrom must be a date"),
        ("dateFrom=2025-02-02&dateTo=2025-02-01", 400, "dateFrom (2025-02-02) is after dateTo"),
        ("exam=x", 400, "exam must be an exam id"),
        ("per_page=500", 400, "per_page must be at most 100"),
    ],
)
def test_results_bad_filters(api, teacher, query, status, message):
    assert_error(api(teacher, "GET", f"/admin/users-analytics/results?{query}"), status, message)


def test_results_hide_other_teachers_results(api, two_results, other_teacher):
    body = api(other_teacher, "GET", "/admin/users-analytics/results").get_json()
    assert body["results"] == [] and body["pagination"]["total"] == 0


def test_results_partial_empty_state(client, web_login, teacher):
    web_login(client, teacher)
    html = client.get("/admin/users-analytics/results?partial=1").get_data(as_text=True)
    assert "No results yet" in html


def test_results_full_page_for_a_browser(client, web_login, two_results, teacher):
    web_login(client, teacher)
    res = client.get("/admin/users-analytics/results?user=sam", headers=BROWSER)
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<h1>Results</h1>" in html
    assert html.count('data-testid="result-row"') == 1


# The analytics page -----------------------------------------------------------------------


def test_analytics_page_is_in_the_nav_and_shows_the_figures(
    client, web_login, two_results, teacher
):
    web_login(client, teacher)
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/admin/users-analytics"' in html
    res = client.get("/admin/users-analytics", headers=BROWSER)
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert 'data-testid="score-distribution"' in html
    assert 'data-testid="top-performers"' in html
    assert "2 results from 2 students" in html
    assert f"/admin/exams/{two_results[0].id}/analytics" in html
    assert html.count('data-testid="result-row"') == 2


def test_analytics_page_htmx_swaps_the_panel_only(client, web_login, two_results, teacher):
    web_login(client, teacher)
    res = client.get("/admin/users-analytics?timePeriod=7d&exam=", headers=HX)
    html = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "<html" not in html and 'id="data-filters"' not in html
    assert 'data-testid="score-distribution"' in html
    assert "HX-Request" in res.headers["Vary"]


def test_analytics_page_empty_states(client, web_login, teacher, make_exam):
    web_login(client, teacher)
    html = client.get("/admin/users-analytics", headers=BROWSER).get_data(as_text=True)
    assert "You have no exams yet" in html
    make_exam()
    html = client.get("/admin/users-analytics", headers=BROWSER).get_data(as_text=True)
    assert "No results yet. Figures appear here once students submit an exam" in html
    html = client.get("/admin/users-analytics?timePeriod=today", headers=HX).get_data(as_text=True)
    assert "No results in this period or exam" in html


def test_analytics_page_bad_filter_is_400_with_the_message(client, web_login, teacher):
    web_login(client, teacher)
    res = client.get("/admin/users-analytics?startDate=soon", headers=HX)
    assert res.status_code == 400
    assert "startDate must be a date" in res.get_data(as_text=True)


def test_analytics_page_between_dates_waits_for_a_date(client, web_login, two_results, teacher):
    web_login(client, teacher)
    res = client.get("/admin/users-analytics?timePeriod=custom&startDate=&endDate=", headers=HX)
    assert res.status_code == 200
    assert "2 results from 2 students" in res.get_data(as_text=True)

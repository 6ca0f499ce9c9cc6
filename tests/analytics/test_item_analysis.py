"""Item analysis (Moodle's quiz statistics formulas) on a data set small enough to work out by
hand, first on plain numbers, then through real attempts scored by the exam-taking code."""

from __future__ import annotations

import math

import pytest

from app.analytics import item_analysis as ia

# Four students, three one-mark questions (1 = right, 0 = wrong), totals 3, 2, 1, 0:
#
#            q1  q2  q3   T
#   sam       1   1   1   3
#   sita      1   1   0   2
#   ravi      1   0   0   1
#   uma       0   0   0   0
#
# Sample variances (n - 1 = 3):
#   q1: mean 0.75, squared deviations 3 x 0.0625 + 0.5625 = 0.75  -> 0.25
#   q2: mean 0.50, squared deviations 4 x 0.25           = 1.00  -> 0.3333
#   q3: mean 0.25, as q1                                          -> 0.25
#   T:  mean 1.5,  2.25 + 0.25 + 0.25 + 2.25             = 5.00  -> 1.6667
# Cronbach's alpha = k/(k-1) * (1 - sum var(q) / var(T))
#                  = 3/2 * (1 - 0.8333 / 1.6667) = 3/2 * 0.5 = 0.75
# Facility (no negative marks, so the range is 0..1): q1 75, q2 50, q3 25.
# Discrimination of q1: x = (1, 1, 1, 0), rest of test X = T - x = (2, 1, 0, 0).
#   means 0.75 and 0.75; sum of cross products (0.25)(1.25) + (0.25)(0.25) + (0.25)(-0.75)
#   + (-0.75)(-0.75) = 0.75; sum sq x = 0.75; sum sq X = 1.5625 + 0.0625 + 0.5625 + 0.5625
#   = 2.75; r = 0.75 / sqrt(0.75 * 2.75) = 0.52223 -> D = 52.22.
# q2: x = (1, 1, 0, 0), X = (2, 1, 1, 0): cross 0.5*1 + 0.5*0 + (-0.5)*0 + (-0.5)(-1) = 1.0;
#   sum sq x = 1.0; sum sq X = 1 + 0 + 0 + 1 = 2; r = 1 / sqrt(2) = 0.70711 -> D = 70.71.
# Mean 1.5, median (1 + 2) / 2 = 1.5, SD sqrt(1.6667) = 1.29099.
MATRIX = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


def test_alpha_by_hand():
    assert ia.cronbach_alpha(MATRIX) == pytest.approx(0.75)


def test_exam_statistics_by_hand():
    totals = [sum(row) for row in MATRIX]
    assert ia.mean(totals) == 1.5
    assert ia.median(totals) == 1.5
    assert ia.median([3, 1, 2]) == 2
    assert ia.sd(totals) == pytest.approx(math.sqrt(5 / 3))


def test_facility_and_discrimination_by_hand():
    columns = [[row[j] for row in MATRIX] for j in range(3)]
    totals = [sum(row) for row in MATRIX]
    assert [ia.facility(c, 0, 1) for c in columns] == [75, 50, 25]
    rest = [t - x for t, x in zip(totals, columns[0], strict=True)]
    assert 100 * ia.correlation(columns[0], rest) == pytest.approx(52.223, abs=1e-3)
    rest = [t - x for t, x in zip(totals, columns[1], strict=True)]
    assert 100 * ia.correlation(columns[1], rest) == pytest.approx(70.711, abs=1e-3)


def test_facility_with_negative_marking_uses_the_questions_range():
    # marks +4 / -1: range -1..4; marks 4, -1, 0, 4 average 1.75 -> (1.75 + 1) / 5 = 55 %
    assert ia.facility([4, -1, 0, 4], -1, 4) == pytest.approx(55)


def test_undefined_figures_are_none_not_nonsense():
    assert ia.correlation([1, 1, 1], [0, 1, 2]) is None  # everyone right: no spread
    assert ia.cronbach_alpha([[1, 1]]) is None  # one student
    assert ia.cronbach_alpha([[1], [0]]) is None  # one question
    assert ia.cronbach_alpha([[1, 1], [1, 1]]) is None  # totals do not vary
    assert ia.mean([]) is None and ia.median([]) is None and ia.sd([5]) is None


# Through real attempts ----------------------------------------------------------------------

ONE_MARK = [
    {"question_type": "MCQ", "options": ["a", "b", "c"], "correct_answer": "A", "text": "q1"},
    {"question_type": "MCQ", "options": ["a", "b", "c"], "correct_answer": "B", "text": "q2"},
    {"question_type": "MSQ", "options": ["a", "b", "c"], "correct_answer": "A,C", "text": "q3"},
]


@pytest.fixture
def hand_exam(make_exam, make_user, sit):
    """The table above, sat through the exam endpoints (wrong answers chosen to test the
    option counts). uma sits twice: only her first attempt counts."""
    exam = make_exam(
        ONE_MARK, positive_marks=1, negative_marks=0, max_attempts=2, name="Hand worked"
    )
    q1, q2, q3 = exam.question_ids
    students = {n: make_user(n) for n in ("sam", "sita", "ravi", "uma")}
    sit(students["sam"], exam, {q1: "A", q2: "B", q3: ["A", "C"]})
    sit(students["sita"], exam, {q1: "A", q2: "B", q3: ["A"]})
    sit(students["ravi"], exam, {q1: "A", q2: "C", q3: ""})
    sit(students["uma"], exam, {q1: "B", q2: "C", q3: ["B"]})
    sit(students["uma"], exam, {q1: "A", q2: "B", q3: ["A", "C"]})  # second attempt: ignored
    return exam


def test_exam_analytics_json_matches_the_hand_computation(api, teacher, hand_exam):
    res = api(teacher, "GET", f"/admin/exams/{hand_exam.id}/analytics")
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True
    assert body["summary"] == {
        "attempts_analysed": 4,
        "attempts_rule": "first submitted attempt per student",
        "max_score": 3,
        "mean": 1.5,
        "median": 1.5,
        "standard_deviation": 1.29,
        "cronbach_alpha": 0.75,
        "alpha_questions": 3,
    }
    q1, q2, q3 = body["questions"]
    assert [q["facility_index"] for q in body["questions"]] == [75, 50, 25]
    assert q1["discrimination_index"] == 52.22
    assert q2["discrimination_index"] == 70.71
    assert [(o["option"], o["count"], o["correct"]) for o in q1["options"]] == [
        ("A", 3, True),
        ("B", 1, False),
        ("C", 0, False),
    ]
    assert [(o["option"], o["count"]) for o in q3["options"]] == [("A", 2), ("B", 1), ("C", 1)]
    assert q3["unanswered"] == 1 and q1["options"][0]["percent"] == 75


def test_exam_analytics_page(client, web_login, teacher, hand_exam):
    web_login(client, teacher)
    html = client.get(
        f"/admin/exams/{hand_exam.id}/analytics", headers={"Accept": "text/html"}
    ).get_data(as_text=True)
    assert "Item analysis: Hand worked" in html
    assert 'data-testid="stat-alpha">0.75<' in html
    assert html.count('data-testid="item-row"') == 3
    editor = client.get(f"/admin/exams/{hand_exam.id}", headers={"Accept": "text/html"})
    assert f'href="/admin/exams/{hand_exam.id}/analytics"' in editor.get_data(as_text=True)


def test_exam_analytics_empty_and_access(
    api, client, web_login, teacher, other_teacher, student, make_exam
):
    exam = make_exam()
    body = api(teacher, "GET", f"/admin/exams/{exam.id}/analytics").get_json()
    assert body["summary"]["attempts_analysed"] == 0 and body["questions"] == []
    assert body["summary"]["cronbach_alpha"] is None
    assert api(other_teacher, "GET", f"/admin/exams/{exam.id}/analytics").status_code == 403
    assert api(student, "GET", f"/admin/exams/{exam.id}/analytics").status_code == 403
    assert api(teacher, "GET", "/admin/exams/999999/analytics").status_code == 404
    web_login(client, teacher)
    html = client.get(f"/admin/exams/{exam.id}/analytics", headers={"Accept": "text/html"})
    assert "No submitted attempts yet" in html.get_data(as_text=True)

"""Results: when a student may see theirs (instant, delayed, manual), that nobody else's is ever
shown to them, and what the report says (score, rank, sections, review with the key)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import Flask

from app.extensions import db
from app.models import Exam, Result

BROWSER = {"Accept": "text/html,application/xhtml+xml"}


def sit(api, user, exam, answers: dict) -> dict:
    api(user, "POST", f"/start-exam/{exam.id}")
    api(user, "POST", f"/api/sync-exam-answers/{exam.id}", json={"answers": answers})
    return api(user, "POST", f"/submit-exam/{exam.id}").get_json()


def all_right(exam) -> dict:
    return {str(exam.mcq): "B", str(exam.msq): ["A", "C"], str(exam.numeric): "9.8"}


def test_instant_result_shows_score_rank_sections_and_review(api, make_exam, student, student_b):
    exam = make_exam(sections=["Mechanics", "Mechanics", "Units"])
    sit(api, student, exam, all_right(exam))
    sit(api, student_b, exam, {str(exam.mcq): "A"})
    body = api(student_b, "GET", f"/result/{exam.id}").get_json()["result"]
    assert body["visible"] is True
    assert (body["score"], body["max_score"], body["percent"]) == (-1, 12, -8.3)
    assert (body["rank"], body["participants"]) == (2, 2)
    assert [(s["name"], s["questions"], s["score"]) for s in body["sections"]] == [
        ("Mechanics", 2, -1),
        ("Units", 1, 0),
    ]
    first = body["questions"][0]
    assert first["your_answer"] == "A"
    assert first["correct_answer"] == "B"
    assert first["is_correct"] is False
    assert body["questions"][1]["is_correct"] is None  # not answered


def test_ties_share_a_rank(api, exam, student, student_b):
    sit(api, student, exam, all_right(exam))
    sit(api, student_b, exam, all_right(exam))
    assert api(student_b, "GET", f"/result/{exam.id}").get_json()["result"]["rank"] == 1


def test_delayed_result_is_withheld_until_its_time(
    app: Flask, api, client, web_login, make_exam, student
):
    exam = make_exam(result_mode="delayed", result_delay_minutes=30)
    submitted = sit(api, student, exam, all_right(exam))
    assert submitted["result_visible"] is False
    assert "score" not in submitted
    assert submitted["redirect_url"] == f"/result-pending/{exam.id}"
    body = api(student, "GET", f"/result/{exam.id}").get_json()["result"]
    assert body["visible"] is False
    assert "score" not in body and "questions" not in body
    pending = api(student, "GET", f"/result-pending/{exam.id}").get_json()
    assert pending["visible"] is False and pending["visible_at"]
    web_login(client, student)
    page = client.get(f"/result/{exam.id}", headers=BROWSER)
    assert (page.status_code, page.headers["Location"]) == (302, f"/result-pending/{exam.id}")
    html = client.get(f"/result-pending/{exam.id}", headers=BROWSER).get_data(as_text=True)
    assert "Your result will be shown here from" in html
    with app.app_context():  # half an hour later
        result = db.session.get(Result, submitted["result_id"])
        result.submitted_at -= timedelta(minutes=31)
        db.session.commit()
    body = api(student, "GET", f"/result/{exam.id}").get_json()["result"]
    assert body["visible"] is True and body["score"] == 12


def test_manual_result_waits_for_the_teacher(api, make_exam, student, teacher):
    exam = make_exam(result_mode="manual")
    sit(api, student, exam, all_right(exam))
    assert api(student, "GET", f"/result/{exam.id}").get_json()["result"]["visible"] is False
    pending = api(student, "GET", f"/result-pending/{exam.id}").get_json()
    assert pending["visible_at"] is None
    released = api(
        teacher, "POST", f"/admin/exams/{exam.id}/release-results", json={"released": True}
    )
    assert released.get_json()["released"] is True
    assert api(student, "GET", f"/result/{exam.id}").get_json()["result"]["score"] == 12


def test_no_student_reads_another_students_result(app: Flask, api, make_exam, student, student_b):
    result_ids = []
    for mode in ("instant", "manual"):
        exam = make_exam(result_mode=mode, name=f"{mode} exam")
        theirs = sit(api, student, exam, all_right(exam))
        result_ids.append(theirs["result_id"])
        # by id: 404, as for a result that does not exist
        res = api(student_b, "GET", f"/admin/results/{theirs['result_id']}")
        assert res.status_code == 404
        assert res.get_json() == {"success": False, "message": "Result not found"}
        # by exam: only ever their own
        assert api(student_b, "GET", f"/result/{exam.id}").status_code == 404
    with app.app_context():  # and after release too
        for row in db.session.query(Exam):
            row.results_released = True
        db.session.commit()
    for result_id in result_ids:
        assert api(student_b, "GET", f"/admin/results/{result_id}").status_code == 404


def test_own_result_by_id_only_once_visible(api, make_exam, student):
    exam = make_exam(result_mode="manual")
    mine = sit(api, student, exam, all_right(exam))
    res = api(student, "GET", f"/admin/results/{mine['result_id']}")
    assert res.status_code == 403
    assert res.get_json()["message"] == "Results for this exam are not out yet."


def test_teachers_see_results_of_exams_they_manage(
    api, make_exam, student, teacher, other_teacher, admin
):
    exam = make_exam(result_mode="manual")
    mine = sit(api, student, exam, all_right(exam))
    for viewer in (teacher, admin):
        res = api(viewer, "GET", f"/admin/results/{mine['result_id']}")
        assert res.status_code == 200
        assert res.get_json()["result"]["score"] == 12  # held from the student, not from staff
    assert api(other_teacher, "GET", f"/admin/results/{mine['result_id']}").status_code == 404


def test_result_page_html_shows_the_review_and_escapes_text(
    client, web_login, api, make_exam, student
):
    exam = make_exam(
        questions=[
            {
                "question_type": "MCQ",
                "text": "<script>alert(1)</script> Which is $\\frac{1}{2}$?",
                "options": ["<b>half</b>", "two"],
                "correct_answer": "A",
                "explanation": "Because $1/2$.",
            }
        ]
    )
    sit(api, student, exam, {str(exam.mcq): "B"})
    web_login(client, student)
    html = client.get(f"/result/{exam.id}", headers=BROWSER).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;b&gt;half&lt;/b&gt;" in html
    assert "correct answer" in html and "your answer" in html
    assert "Because $1/2$." in html
    assert 'data-testid="score">-1' in html


def test_marks_are_summed_exactly(api, make_exam, student):
    exam = make_exam(
        questions=[
            {
                "question_type": "MCQ",
                "options": ["x", "y"],
                "correct_answer": "A",
                "positive_marks": Decimal("0.1"),
                "negative_marks": Decimal("0.3"),
            }
            for _ in range(3)
        ]
    )
    qs = exam.question_ids
    body = sit(api, student, exam, {str(qs[0]): "B", str(qs[1]): "B", str(qs[2]): "A"})
    assert body["score"] == -0.5
    assert body["max_score"] == 0.3

"""The student's pages: the dashboard, an exam's page in each of its states, and the player
(the paper in a stable, per-attempt order, and never the answer key)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from flask.testing import FlaskClient

from app.models import utcnow

BROWSER = {"Accept": "text/html,application/xhtml+xml"}
STATE = re.compile(r'<script type="application/json" id="player-state">(.*?)</script>', re.S)


def page(client: FlaskClient, path: str) -> str:
    res = client.get(path, headers=BROWSER)
    assert res.status_code == 200, (path, res.status_code)
    return res.get_data(as_text=True)


def start(client: FlaskClient, token: str, exam_id: int) -> None:
    res = client.post(f"/start-exam/{exam_id}", data={"csrf_token": token}, headers=BROWSER)
    assert res.status_code == 303, res.get_data(as_text=True)


def player_qids(html: str) -> list[int]:
    return [
        int(x)
        for x in re.findall(
            r'<section class="question" id="q-\d+" data-number="\d+" data-qid="(\d+)"', html
        )
    ]


def option_letters(html: str, qid: int) -> list[str]:
    return re.findall(rf'name="q-{qid}" value="([A-H])"', html)


def test_dashboard_groups_exams_by_state_and_category(client, web_login, make_exam, student, api):
    now = utcnow()
    make_exam(name="Open mock")
    make_exam(name="Next week's test", starts_at=now + timedelta(days=7))
    done = make_exam(name="Last month's test", max_attempts=1)
    api(student, "POST", f"/start-exam/{done.id}")
    api(student, "POST", f"/submit-exam/{done.id}")
    make_exam(name="Hidden draft", status="draft")
    web_login(client, student)
    html = page(client, "/dashboard")
    available = html[
        html.index('data-testid="exams-available"') : html.index('data-testid="exams-upcoming"')
    ]
    upcoming = html[
        html.index('data-testid="exams-upcoming"') : html.index('data-testid="exams-past"')
    ]
    past = html[html.index('data-testid="exams-past"') :]
    assert "Open mock" in available and "2 of 2 attempts left" in available
    assert "Next week&#39;s test" in upcoming
    assert "Last month&#39;s test" in past and "Score 0 / 12" in past
    assert "Hidden draft" not in html


def test_exam_page_in_each_state(client, web_login, make_exam, student):
    token = web_login(client, student)
    exam = make_exam(max_attempts=1, instructions="Calculators allowed.")
    html = page(client, f"/exams/{exam.id}")
    assert 'data-testid="start-exam"' in html and "Calculators allowed." in html
    assert "1 of 1 left" in html
    start(client, token, exam.id)
    assert 'data-testid="resume-exam"' in page(client, f"/exams/{exam.id}")
    client.post(f"/submit-exam/{exam.id}", data={"csrf_token": token}, headers=BROWSER)
    html = page(client, f"/exams/{exam.id}")
    assert "You have used all your attempts" in html
    assert "See the result" in html
    upcoming = make_exam(starts_at=utcnow() + timedelta(days=1))
    assert "This exam opens" in page(client, f"/exams/{upcoming.id}")


def test_player_shows_the_paper_without_the_key(client, web_login, make_exam, student):
    exam = make_exam(
        questions=[
            {
                "question_type": "MCQ",
                "text": "Pick $x$",
                "options": ["one", "two"],
                "correct_answer": "B",
                "explanation": "SECRET-EXPLANATION",
            },
            {
                "question_type": "NUMERIC",
                "text": "g?",
                "correct_answer": "9.81234",
                "tolerance": None,
            },
        ]
    )
    token = web_login(client, student)
    start(client, token, exam.id)
    html = page(client, f"/exam/{exam.id}")
    assert "SECRET-EXPLANATION" not in html
    assert "9.81234" not in html
    state = json.loads(STATE.search(html).group(1))
    assert set(state) >= {
        "examId",
        "attemptId",
        "seq",
        "answers",
        "deadline",
        "serverNow",
        "syncUrl",
        "submitUrl",
    }
    assert state["deadline"].endswith("Z")
    assert 'data-testid="palette"' in html and 'role="timer"' in html


def test_player_without_an_attempt_sends_you_to_the_exam_page(client, web_login, exam, student):
    web_login(client, student)
    res = client.get(f"/exam/{exam.id}", headers=BROWSER)
    assert (res.status_code, res.headers["Location"]) == (303, f"/exams/{exam.id}")


def test_staff_cannot_open_the_player(client, web_login, exam, teacher):
    web_login(client, teacher)
    assert client.get(f"/exam/{exam.id}", headers=BROWSER).status_code == 403


def test_saved_answers_are_shown_after_a_reload(client, web_login, exam, student):
    token = web_login(client, student)
    start(client, token, exam.id)
    client.post(
        f"/api/sync-exam-answers/{exam.id}",
        json={
            "answers": {str(exam.mcq): "B", str(exam.msq): ["A", "C"], str(exam.numeric): "9.8"},
            "markedForReview": [exam.msq],
            "seq": 4,
        },
        headers={"X-CSRFToken": token},
    )
    html = page(client, f"/exam/{exam.id}")
    assert re.search(rf'name="q-{exam.mcq}" value="B"\s+data-answer="mcq" checked', html)
    assert re.search(rf'name="q-{exam.msq}" value="C"\s+data-answer="msq" checked', html)
    assert f'name="q-{exam.numeric}" type="text"' in html and 'value="9.8"' in html
    state = json.loads(STATE.search(html).group(1))
    assert state["seq"] == 4 and state["marked"] == [exam.msq]


def six_questions():
    return [
        {
            "question_type": "MCQ",
            "text": f"Q{i}",
            "options": ["a", "b", "c", "d", "e"],
            "correct_answer": "A",
        }
        for i in range(6)
    ]


def test_shuffled_order_is_per_attempt_stable_and_keeps_sections(
    client, web_login, make_exam, make_user
):
    sections = ["Part 1", "Part 1", "Part 1", "Part 2", "Part 2", "Part 2"]
    exam = make_exam(
        questions=six_questions(), sections=sections, shuffle_questions=True, shuffle_options=True
    )
    part1, part2 = set(exam.question_ids[:3]), set(exam.question_ids[3:])
    orders, option_orders = set(), set()
    for i in range(8):
        c = client.application.test_client()
        token = web_login(c, make_user(f"shuffler{i}"))
        start(c, token, exam.id)
        first = page(c, f"/exam/{exam.id}")
        order = player_qids(first)
        assert order == player_qids(page(c, f"/exam/{exam.id}"))  # a reload shows the same paper
        assert set(order[:3]) == part1 and set(order[3:]) == part2  # shuffled inside sections
        letters = option_letters(first, exam.question_ids[0])
        assert sorted(letters) == list("ABCDE")  # the stored letters are the question's own
        orders.add(tuple(order))
        option_orders.add(tuple(letters))
    assert len(orders) > 1 and len(option_orders) > 1


def test_shuffled_options_are_scored_by_the_questions_own_letters(api, make_exam, student):
    exam = make_exam(questions=six_questions(), shuffle_options=True)
    api(student, "POST", f"/start-exam/{exam.id}")
    answers = {str(q): "A" for q in exam.question_ids}
    api(student, "POST", f"/api/sync-exam-answers/{exam.id}", json={"answers": answers})
    assert api(student, "POST", f"/submit-exam/{exam.id}").get_json()["score"] == 24

"""POST /sessions/<id>/resume_chat: a practice test inside a tutor session, graded by the exam
scoring rules (never by the model), and what the professor's analytics make of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import PracticeTest, Question, TutorSession
from app.tutor import answers

RIGHT = {"MCQ": "The answer is option B", "MSQ": "A and C", "NUMERIC": "9.81"}
WRONG = {"MCQ": "A", "MSQ": ["A"], "NUMERIC": "10"}


@pytest.fixture
def session(client, make_user, bearer, make_subject, fake_groq):
    ana = make_user("prof_ana", roles=("teacher",))
    gabriel = make_user("gabriel")
    make_subject("INF001", "Algorithms", ana, students=(gabriel,), bank=True)
    res = client.post(
        "/chat",
        json={"id": "session-uuid-123", "asignatura": "INF001", "content": "Hi"},
        headers=bearer(gabriel),
    )
    assert res.status_code == 200
    return gabriel, ana


def _url(session_id="session-uuid-123"):
    return f"/sessions/{session_id}/resume_chat"


def test_practice_test_start_answer_finish(app, client, bearer, session):
    gabriel, ana = session
    start = client.post(_url(), json={}, headers=bearer(gabriel))
    assert start.status_code == 200, start.get_json()
    body = start.get_json()
    # Only the objective questions of the bank are asked (the CODING one is not).
    assert body["status"] == "in_progress" and body["total_questions"] == 3
    assert body["current_question_index"] == 0
    asked = [body["question"]]
    # Asking again without an answer repeats the current question (a page reload).
    again = client.post(_url(), json={}, headers=bearer(gabriel)).get_json()
    assert again["question"] == body["question"]
    for index in range(3):
        kind = asked[-1]["question_type"]
        answer = RIGHT[kind] if index != 1 else WRONG[kind]
        res = client.post(
            _url(),
            json={"answer": answer, "current_question_index": index},
            headers=bearer(gabriel),
        )
        assert res.status_code == 200, res.get_json()
        step = res.get_json()
        assert step["feedback"]["question_index"] == index
        assert step["feedback"]["correct"] is (index != 1)
        if index < 2:
            assert step["status"] == "in_progress"
            assert step["current_question_index"] == index + 1
            asked.append(step["question"])
        else:
            assert step["status"] == "finished" and "question" not in step
            assert step["result"] == {"correct": 2, "total": 3, "score": 66.67}
    assert {q["question_type"] for q in asked} == {"MCQ", "MSQ", "NUMERIC"}
    mcq = next(q for q in asked if q["question_type"] == "MCQ")
    assert mcq["options"] == [
        {"letter": "A", "text": "3"},
        {"letter": "B", "text": "4"},
        {"letter": "C", "text": "5"},
    ]
    # The test lives in the session's history.
    messages = client.get("/sessions/session-uuid-123", headers=bearer(gabriel)).get_json()[
        "messages"
    ]
    assert any("Practice test finished: 2 of 3 correct" in m["content"] for m in messages)
    # The professor sees it.
    stats = client.get("/professor/subjects/INF001/analytics", headers=bearer(ana)).get_json()
    assert stats["average_test_score"] == 66.7
    assert stats["student_progress"][0]["test_count"] == 1
    # With the test over, an answer is refused; an empty body starts a new test.
    late = client.post(_url(), json={"answer": "B"}, headers=bearer(gabriel))
    assert late.status_code == 409
    assert (
        client.post(_url(), json={}, headers=bearer(gabriel)).get_json()["status"] == "in_progress"
    )


def test_invalid_answers_and_stale_index(app, client, bearer, session):
    gabriel, _ = session
    client.post(_url(), json={}, headers=bearer(gabriel))
    for bad in (
        {"answer": {"x": 1}},
        {"answer": "   "},
        {"answer": "no idea"},
        {"current_question_index": "x", "answer": "B"},
    ):
        res = client.post(_url(), json=bad, headers=bearer(gabriel))
        assert res.status_code == 400, (bad, res.get_json())
        assert res.get_json() == {"detail": "Invalid answer format"}
    stale = client.post(
        _url(), json={"answer": "B", "current_question_index": 2}, headers=bearer(gabriel)
    )
    assert stale.status_code == 409
    with app.app_context():
        test = db.session.scalar(select(PracticeTest))
        assert test.answers == []  # nothing was graded
    missing = client.post(_url("nope"), json={}, headers=bearer(gabriel))
    assert missing.status_code == 404 and missing.get_json() == {"detail": "Session not found"}
    assert client.post(_url(), json={}).status_code == 401


def test_subject_without_bank(client, make_user, bearer, make_subject, fake_groq):
    gabriel = make_user("gabriel")
    make_subject("MAT002", students=(gabriel,))
    client.post(
        "/chat",
        json={"id": "s1", "asignatura": "MAT002", "content": "Hi"},
        headers=bearer(gabriel),
    )
    res = client.post(_url("s1"), json={}, headers=bearer(gabriel))
    assert res.status_code == 409
    assert res.get_json() == {"detail": "This subject has no practice questions yet"}


def test_deleted_session_keeps_test_for_analytics(app, client, bearer, session):
    gabriel, ana = session
    client.post(_url(), json={}, headers=bearer(gabriel))
    for _ in range(3):
        q = client.post(_url(), json={}, headers=bearer(gabriel)).get_json()["question"]
        client.post(_url(), json={"answer": RIGHT[q["question_type"]]}, headers=bearer(gabriel))
    assert client.delete("/sessions/session-uuid-123", headers=bearer(gabriel)).status_code == 204
    stats = client.get("/professor/subjects/INF001/analytics", headers=bearer(ana)).get_json()
    assert stats["student_progress"][0]["test_count"] == 1
    assert stats["average_test_score"] == 100
    with app.app_context():
        assert db.session.get(TutorSession, "session-uuid-123") is None


@pytest.mark.parametrize(
    ("kind", "options", "given", "read"),
    [
        ("MCQ", ["3", "4", "5"], "b", "B"),
        ("MCQ", ["3", "4", "5"], "The answer is option B", "B"),
        ("MCQ", ["3", "4", "5"], "I think (C)", "C"),
        ("MCQ", ["3", "4", "5"], "4", "B"),  # an option's own text
        ("MCQ", ["3", "4", "5"], ["A"], "A"),
        ("MSQ", ["2", "4", "5", "9"], "A, C", ["A", "C"]),
        ("MSQ", ["2", "4", "5", "9"], "a and c", ["A", "C"]),
        ("MSQ", ["2", "4", "5", "9"], ["C", "A"], ["A", "C"]),
        ("MSQ", ["2", "4", "5", "9"], "I choose A and D", ["A", "D"]),
        ("NUMERIC", [], "9.81", "9.81"),
        ("NUMERIC", [], "about 9.8 m/s", "9.8"),
        ("NUMERIC", [], 42, "42"),
    ],
)
def test_reading_answers(kind, options, given, read):
    question = Question(question_type=kind, text="?", options=options, correct_answer="")
    assert answers.read(question, given) == read


@pytest.mark.parametrize(
    ("kind", "given"),
    [
        ("MCQ", "D"),  # only three options
        ("MCQ", "A or B"),
        ("MCQ", "no idea"),
        ("MSQ", "E"),
        ("NUMERIC", "9.8 or 9.81"),
        ("NUMERIC", "ten"),
        ("NUMERIC", True),
    ],
)
def test_unreadable_answers(kind, given):
    question = Question(question_type=kind, text="?", options=["3", "4", "5"], correct_answer="")
    with pytest.raises(answers.BadAnswer):
        answers.read(question, given)

"""SmartAIExam's AI study assistant endpoints (000_…, "AI Study Assistant"), with the document's
own examples, through the real groq client against the fake Groq server."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from flask import Flask

from app.assistant import services
from app.extensions import db
from app.models import AssistantMessage, AssistantUsage
from tests.fakes.groq_server import FakeGroq

DOC_QUESTION = {"message": "Explain conservation of momentum with an example"}
DOC_ANSWER = "[FINAL ANSWER]\nConservation of momentum states that..."
NOT_CONFIGURED = "AI is not configured on this server"


@pytest.fixture
def student(make_user):
    return make_user("asha", roles=("student",))


@pytest.fixture
def auth(bearer, student):
    return bearer(student)


def set_used(app: Flask, user_id: int, day: date, used: int) -> None:
    with app.app_context():
        db.session.merge(AssistantUsage(user_id=user_id, day=day, used=used))
        db.session.commit()


def today(app: Flask) -> date:
    with app.app_context():
        return services.institute_day()


def init(client, auth) -> dict:
    response = client.get("/api/assistant-init", headers=auth)
    assert response.status_code == 200
    return response.get_json()


def test_init_for_a_new_student(client, auth, fake_groq) -> None:
    assert init(client, auth) == {
        "success": True,
        "dailyLimit": 50,
        "questionsUsed": 0,
        "history": [],
        "configured": True,
    }


def test_study_chat_document_example(client, auth, fake_groq: FakeGroq) -> None:
    fake_groq.reply(DOC_ANSWER)

    response = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)

    assert response.status_code == 200
    assert response.get_json() == {
        "success": True,
        "response": DOC_ANSWER,
        "questions_remaining": 49,
    }
    body = init(client, auth)
    assert body["questionsUsed"] == 1
    question, answer = body["history"]
    assert question["text"] == DOC_QUESTION["message"] and question["isUser"] is True
    assert answer == {"text": DOC_ANSWER, "isUser": False, "timestamp": answer["timestamp"]}
    assert datetime.fromisoformat(answer["timestamp"]) >= datetime.fromisoformat(
        question["timestamp"]
    )
    assert len(answer["timestamp"]) == len("2025-01-15T10:30:05")


def test_the_prompt_asks_for_latex_and_final_answer_and_carries_history(
    client, auth, fake_groq: FakeGroq
) -> None:
    fake_groq.reply("[FINAL ANSWER]\n$F = ma$")
    client.post("/api/study-chat", json={"message": "What is Newton's second law?"}, headers=auth)
    client.post("/api/study-chat", json={"message": "Give an example"}, headers=auth)

    first, second = fake_groq.requests
    system = first["messages"][0]
    assert system["role"] == "system"
    assert "[FINAL ANSWER]" in system["content"]
    assert "LaTeX" in system["content"]
    assert first["messages"][1:] == [{"role": "user", "content": "What is Newton's second law?"}]
    assert second["messages"][1:] == [
        {"role": "user", "content": "What is Newton's second law?"},
        {"role": "assistant", "content": "[FINAL ANSWER]\n$F = ma$"},
        {"role": "user", "content": "Give an example"},
    ]
    assert second["model"] == "llama-3.3-70b-versatile"


def test_session_cookie_needs_csrf_and_works_with_it(
    client, student, web_login, fake_groq: FakeGroq
) -> None:
    token = web_login(client, student)
    refused = client.post("/api/study-chat", json=DOC_QUESTION)
    assert refused.status_code == 400
    ok = client.post("/api/study-chat", json=DOC_QUESTION, headers={"X-CSRFToken": token})
    assert ok.status_code == 200
    assert ok.get_json()["questions_remaining"] == 49


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/assistant-init"),
        ("post", "/api/study-chat"),
        ("post", "/api/clear-chat-history"),
    ],
)
def test_not_signed_in_is_401(client, method: str, path: str) -> None:
    response = getattr(client, method)(path, json=DOC_QUESTION if method == "post" else None)
    assert response.status_code == 401
    assert response.get_json()["success"] is False


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("", "too short"),
        ("   a   ", "too short"),
        ("x" * 2001, "too long"),
        (None, "required"),
        (42, "message"),
    ],
)
def test_message_length_bounds_are_400_and_count_nothing(
    client, auth, fake_groq: FakeGroq, message, words: str
) -> None:
    response = client.post("/api/study-chat", json={"message": message}, headers=auth)
    assert response.status_code == 400
    body = response.get_json()
    assert body["success"] is False
    assert words in body["message"].lower()
    assert fake_groq.requests == []
    assert init(client, auth)["questionsUsed"] == 0


def test_longest_and_shortest_messages_are_accepted(client, auth, fake_groq: FakeGroq) -> None:
    for message in ("ab", "y" * 2000):
        assert (
            client.post("/api/study-chat", json={"message": message}, headers=auth).status_code
            == 200
        )
    assert fake_groq.requests[1]["messages"][-1]["content"] == "y" * 2000


def test_fifty_a_day_then_429_with_limit_reached(
    app, client, auth, student, fake_groq: FakeGroq
) -> None:
    set_used(app, student.id, today(app), 48)

    first = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    assert first.get_json()["questions_remaining"] == 1
    last = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    assert last.status_code == 200
    assert last.get_json()["questions_remaining"] == 0

    refused = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    assert refused.status_code == 429
    assert refused.get_json() == {
        "success": False,
        "message": "Daily limit reached.",
        "limit_reached": True,
    }
    assert len(fake_groq.requests) == 2  # the refused one never reached the model
    assert init(client, auth)["questionsUsed"] == 50
    assert len(init(client, auth)["history"]) == 4


def test_the_limit_is_per_user(app, client, auth, student, make_user, bearer, fake_groq) -> None:
    set_used(app, student.id, today(app), 50)
    other = bearer(make_user("ravi"))
    assert client.post("/api/study-chat", json=DOC_QUESTION, headers=auth).status_code == 429
    assert client.post("/api/study-chat", json=DOC_QUESTION, headers=other).status_code == 200


@pytest.fixture
def clock(monkeypatch):
    """Set the service's clock (naive UTC) for the day-boundary tests."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(services, "utcnow", lambda: moment)

    return set_to


def test_the_day_renews_at_midnight_in_the_institute_timezone(
    app, client, auth, student, clock, monkeypatch, fake_groq: FakeGroq
) -> None:
    monkeypatch.setitem(app.config, "INSTITUTE_TIMEZONE", "Asia/Kolkata")  # UTC+05:30
    # 23:59 in Kolkata on 14 January is 18:29 UTC: the 14th's allowance, used up.
    clock(datetime(2026, 1, 14, 18, 29))
    set_used(app, student.id, date(2026, 1, 14), 50)
    refused = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    assert refused.status_code == 429
    assert init(client, auth)["questionsUsed"] == 50

    # 00:01 in Kolkata on the 15th is 18:31 UTC on the 14th: a new day there.
    clock(datetime(2026, 1, 14, 18, 31))
    assert init(client, auth)["questionsUsed"] == 0
    ok = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    assert ok.status_code == 200
    assert ok.get_json()["questions_remaining"] == 49


def test_utc_midnight_is_not_the_boundary(
    app, client, auth, student, clock, monkeypatch, fake_groq: FakeGroq
) -> None:
    monkeypatch.setitem(app.config, "INSTITUTE_TIMEZONE", "Asia/Kolkata")
    set_used(app, student.id, date(2026, 1, 15), 50)
    clock(datetime(2026, 1, 14, 23, 59))  # 05:29 on the 15th in Kolkata
    assert client.post("/api/study-chat", json=DOC_QUESTION, headers=auth).status_code == 429
    clock(datetime(2026, 1, 15, 0, 1))  # 05:31 on the 15th in Kolkata: same day
    assert client.post("/api/study-chat", json=DOC_QUESTION, headers=auth).status_code == 429


def test_clear_history_deletes_messages_but_keeps_the_count(
    app, client, auth, make_user, bearer, fake_groq: FakeGroq
) -> None:
    other = bearer(make_user("ravi"))
    client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    client.post("/api/study-chat", json=DOC_QUESTION, headers=other)

    response = client.post("/api/clear-chat-history", headers=auth)

    assert response.status_code == 200
    assert response.get_json() == {"success": True, "message": "Chat history cleared."}
    after = init(client, auth)
    assert after["history"] == []
    assert after["questionsUsed"] == 2
    assert len(init(client, other)["history"]) == 2  # someone else's history is untouched
    # and the next answer does not see the cleared conversation
    client.post("/api/study-chat", json={"message": "Fresh start"}, headers=auth)
    assert fake_groq.requests[-1]["messages"][1:] == [{"role": "user", "content": "Fresh start"}]


@pytest.mark.parametrize(
    ("arrange", "status"),
    [
        (lambda f: f.reply_error(500), 503),
        (lambda f: f.reply_error(429), 503),
        (lambda f: f.reply_malformed(), 502),
        (lambda f: f.reply(""), 502),
    ],
)
def test_a_failed_answer_is_an_error_and_gives_the_message_back(
    client, auth, fake_groq: FakeGroq, arrange, status: int
) -> None:
    arrange(fake_groq)
    response = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    assert response.status_code == status
    body = response.get_json()
    assert body["success"] is False
    assert "AI service" in body["message"]
    after = init(client, auth)
    assert after["questionsUsed"] == 0
    assert after["history"] == []


def test_a_slow_model_is_504(app, client, auth, monkeypatch, fake_groq: FakeGroq) -> None:
    monkeypatch.setitem(app.config, "GROQ_TIMEOUT", 0.3)
    fake_groq.reply_slow(5, "too late")
    response = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    assert response.status_code == 504
    assert response.get_json()["success"] is False
    assert init(client, auth)["questionsUsed"] == 0


def test_without_a_key(app, client, auth, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "GROQ_API_KEY", None)

    chat = client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    assert chat.status_code == 503
    assert chat.get_json() == {"success": False, "message": NOT_CONFIGURED}

    body = init(client, auth)
    assert body["configured"] is False
    assert body["message"] == NOT_CONFIGURED
    assert body["questionsUsed"] == 0
    cleared = client.post("/api/clear-chat-history", headers=auth)
    assert cleared.status_code == 200


def test_deleting_the_account_deletes_the_conversation(
    app, client, auth, student, fake_groq: FakeGroq
) -> None:
    client.post("/api/study-chat", json=DOC_QUESTION, headers=auth)
    response = client.post("/api/delete-account", json={"confirm": "DELETE"}, headers=auth)
    assert response.status_code == 200
    with app.app_context():
        assert db.session.query(AssistantMessage).count() == 0
        assert db.session.query(AssistantUsage).count() == 0

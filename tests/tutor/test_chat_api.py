"""Contract tests for Backend's /chat and /sessions* (003_…, "Chat Endpoints", "Sessions
Endpoints") through the real groq client against the fake Groq server."""

from __future__ import annotations

import socket

from sqlalchemy import select

from app.extensions import db
from app.models import TutorMessage, TutorSession

CHAT = {
    "id": "session-uuid-123",
    "asignatura": "INF001",
    "content": "What is the time complexity of quicksort?",
    "messages": [
        {"role": "user", "content": "Previous message..."},
        {"role": "assistant", "content": "Previous response..."},
    ],
}
ANSWER = "The average time complexity of quicksort is O(n log n)..."


def _setup(make_user, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    gabriel = make_user("gabriel")
    make_subject(
        "INF001",
        "Algorithms",
        ana,
        guide="# Teaching Guide\nAlways ask for the recurrence.",
        students=(gabriel,),
    )
    return ana, gabriel


def test_chat_documented_example(app, client, make_user, bearer, make_subject, fake_groq):
    _, gabriel = _setup(make_user, make_subject)
    fake_groq.reply(ANSWER)
    res = client.post("/chat", json=CHAT, headers=bearer(gabriel))
    assert res.status_code == 200, res.get_json()
    assert res.get_json() == {
        "response": ANSWER,
        "session_id": "session-uuid-123",
        "asignatura": "INF001",
    }
    # The guide is part of the system context; the question is the last message.
    sent = fake_groq.requests[-1]["messages"]
    assert sent[0]["role"] == "system"
    assert "Always ask for the recurrence." in sent[0]["content"]
    assert "Algorithms" in sent[0]["content"]
    assert sent[-1] == {"role": "user", "content": CHAT["content"]}
    # The client's `messages` are not trusted as history: a new session starts empty.
    assert len(sent) == 2
    # The next turn carries the stored history.
    fake_groq.reply("Because the pivot splits the array in halves on average.")
    res = client.post(
        "/chat", json={**CHAT, "content": "Why?", "messages": []}, headers=bearer(gabriel)
    )
    assert res.status_code == 200
    sent = fake_groq.requests[-1]["messages"]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[2]["content"] == ANSWER
    with app.app_context():
        session = db.session.get(TutorSession, "session-uuid-123")
        assert session.user_id == gabriel.id
        assert session.title == "What is the time complexity of quicksort?"
        assert len(session.messages) == 4


def test_chat_curl_example_creates_session(client, make_user, bearer, make_subject, fake_groq):
    _, gabriel = _setup(make_user, make_subject)
    body = {"id": "session-uuid", "asignatura": "INF001", "content": "What is an algorithm?"}
    res = client.post("/chat", json=body, headers=bearer(gabriel))
    assert res.status_code == 200
    assert res.get_json()["response"] == "OK"  # the fake's default reply
    listed = client.get("/sessions", headers=bearer(gabriel)).get_json()
    assert [s["_id"] for s in listed] == ["session-uuid"]


def test_chat_validation_and_access(app, client, make_user, bearer, make_subject, fake_groq):
    _, gabriel = _setup(make_user, make_subject)
    outsider = make_user("maria")
    juan = make_user("prof_juan", roles=("teacher",))
    assert client.post("/chat", json=CHAT).status_code == 401
    missing = client.post(
        "/chat", json={k: v for k, v in CHAT.items() if k != "id"}, headers=bearer(gabriel)
    )
    assert missing.status_code == 422
    assert missing.get_json() == {
        "detail": [{"loc": ["body", "id"], "msg": "field required", "type": "value_error.missing"}]
    }
    empty = client.post("/chat", json={**CHAT, "content": ""}, headers=bearer(gabriel))
    assert empty.status_code == 422
    # A student not enrolled in the subject may not use its tutor.
    res = client.post("/chat", json=CHAT, headers=bearer(outsider))
    assert res.status_code == 403 and res.get_json() == {"detail": "Not enrolled in subject"}
    unknown = client.post("/chat", json={**CHAT, "asignatura": "NOPE"}, headers=bearer(gabriel))
    assert unknown.status_code == 404 and unknown.get_json() == {"detail": "Subject not found"}
    # Staff may try a tutor without enrolling.
    assert (
        client.post("/chat", json={**CHAT, "id": "prof-test"}, headers=bearer(juan)).status_code
        == 200
    )
    # Someone else's session id is refused, and the session is unchanged.
    assert client.post("/chat", json=CHAT, headers=bearer(gabriel)).status_code == 200
    make_subject("MAT002", "Linear Algebra", students=(outsider,))
    stolen = client.post("/chat", json={**CHAT, "asignatura": "MAT002"}, headers=bearer(outsider))
    assert stolen.status_code == 403
    assert stolen.get_json() == {"detail": "Session doesn't belong to user"}
    other_subject = client.post(
        "/chat", json={**CHAT, "asignatura": "MAT002"}, headers=bearer(gabriel)
    )
    assert other_subject.status_code == 400
    assert len(fake_groq.requests) == 2  # refused requests never reached the model
    with app.app_context():
        assert len(db.session.get(TutorSession, "session-uuid-123").messages) == 2


def test_chat_without_key_is_503_and_saves_nothing(
    app, client, make_user, bearer, make_subject, monkeypatch
):
    _, gabriel = _setup(make_user, make_subject)
    monkeypatch.setitem(app.config, "GROQ_API_KEY", None)
    res = client.post("/chat", json=CHAT, headers=bearer(gabriel))
    assert res.status_code == 503
    assert res.get_json() == {"detail": "AI is not configured on this server"}
    with app.app_context():
        assert db.session.scalars(select(TutorSession)).all() == []


def test_chat_timeout_is_504(app, client, make_user, bearer, make_subject, fake_groq, monkeypatch):
    _, gabriel = _setup(make_user, make_subject)
    monkeypatch.setitem(app.config, "TUTOR_TIMEOUT", 1)
    fake_groq.reply_slow(5, "too late")
    res = client.post("/chat", json=CHAT, headers=bearer(gabriel))
    assert res.status_code == 504
    assert res.get_json() == {"detail": "Request timeout"}
    with app.app_context():
        assert db.session.scalars(select(TutorSession)).all() == []


def test_chat_model_errors_are_503(app, client, make_user, bearer, make_subject, fake_groq):
    _, gabriel = _setup(make_user, make_subject)
    fake_groq.reply_error(500)
    res = client.post("/chat", json=CHAT, headers=bearer(gabriel))
    assert res.status_code == 503
    assert res.get_json()["detail"].startswith("Chatbot service unavailable: ")
    fake_groq.reply_malformed()
    res = client.post("/chat", json=CHAT, headers=bearer(gabriel))
    assert res.status_code == 503
    with app.app_context():
        assert db.session.scalars(select(TutorMessage)).all() == []


def test_chat_unreachable_model_is_503(
    app, client, make_user, bearer, make_subject, fake_groq, monkeypatch
):
    _, gabriel = _setup(make_user, make_subject)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setitem(app.config, "GROQ_BASE_URL", f"http://127.0.0.1:{port}")
    res = client.post("/chat", json=CHAT, headers=bearer(gabriel))
    assert res.status_code == 503
    assert res.get_json() == {
        "detail": "Chatbot service unavailable: The AI service could not be reached."
    }


def test_sessions_list_detail_delete(app, client, make_user, bearer, make_subject, fake_groq):
    _, gabriel = _setup(make_user, make_subject)
    make_subject("MAT002", "Linear Algebra", students=(gabriel,))
    fake_groq.reply("Quicksort is a divide-and-conquer sorting algorithm...")
    client.post(
        "/chat",
        json={"id": "session-uuid-123", "asignatura": "INF001", "content": "What is quicksort?"},
        headers=bearer(gabriel),
    )
    client.post(
        "/chat",
        json={"id": "session-uuid-456", "asignatura": "MAT002", "content": "Linear algebra basics"},
        headers=bearer(gabriel),
    )
    res = client.get("/sessions", headers=bearer(gabriel))
    assert res.status_code == 200
    rows = res.get_json()
    assert [r["_id"] for r in rows] == ["session-uuid-456", "session-uuid-123"]  # latest first
    assert list(rows[0]) == [
        "_id",
        "title",
        "subject",
        "created_at",
        "last_active",
        "message_count",
    ]
    assert rows[1]["subject"] == "INF001" and rows[1]["message_count"] == 2
    assert rows[1]["title"] == "What is quicksort?"
    assert rows[1]["created_at"].endswith("Z")
    only = client.get("/sessions?subject=INF001", headers=bearer(gabriel)).get_json()
    assert [r["_id"] for r in only] == ["session-uuid-123"]
    assert [
        r["_id"] for r in client.get("/sessions?limit=1&skip=1", headers=bearer(gabriel)).get_json()
    ] == ["session-uuid-123"]
    assert client.get("/sessions?limit=0", headers=bearer(gabriel)).status_code == 422
    detail = client.get("/sessions/session-uuid-123", headers=bearer(gabriel))
    assert detail.status_code == 200
    body = detail.get_json()
    assert list(body) == [
        "_id",
        "user_id",
        "title",
        "subject",
        "created_at",
        "last_active",
        "messages",
    ]
    assert body["user_id"] == "gabriel" and body["subject"] == "INF001"
    assert body["messages"] == [
        {"role": "user", "content": "What is quicksort?"},
        {"role": "assistant", "content": "Quicksort is a divide-and-conquer sorting algorithm..."},
    ]
    assert client.get("/sessions").status_code == 401
    assert client.get("/sessions/nope", headers=bearer(gabriel)).get_json() == {
        "detail": "Session not found"
    }
    res = client.delete("/sessions/session-uuid-123", headers=bearer(gabriel))
    assert res.status_code == 204
    assert client.get("/sessions/session-uuid-123", headers=bearer(gabriel)).status_code == 404
    assert client.delete("/sessions/session-uuid-123", headers=bearer(gabriel)).status_code == 404
    with app.app_context():
        assert (
            db.session.scalars(
                select(TutorMessage).where(TutorMessage.session_id == "session-uuid-123")
            ).all()
            == []
        )


def test_sessions_belong_to_their_user(app, client, make_user, bearer, make_subject, fake_groq):
    _, gabriel = _setup(make_user, make_subject)
    maria = make_user("maria")
    admin = make_user("root", roles=("admin",))
    client.post("/chat", json=CHAT, headers=bearer(gabriel))
    for other in (maria, admin):
        assert client.get("/sessions", headers=bearer(other)).get_json() == []
        read = client.get("/sessions/session-uuid-123", headers=bearer(other))
        assert read.status_code == 403
        assert read.get_json() == {"detail": "Session doesn't belong to user"}
        gone = client.delete("/sessions/session-uuid-123", headers=bearer(other))
        assert gone.status_code == 403
        resume = client.post(
            "/sessions/session-uuid-123/resume_chat", json={}, headers=bearer(other)
        )
        assert resume.status_code == 403
    assert client.get("/sessions/session-uuid-123", headers=bearer(gabriel)).status_code == 200


def test_system_info_reports_configured_model(app, client, fake_groq, monkeypatch):
    monkeypatch.setitem(app.config, "GROQ_MODEL", "llama-3.1-8b-instant")
    body = client.get("/system/info").get_json()
    assert body["llm_provider"] == "groq"
    assert body["llm_model"] == "llama-3.1-8b-instant"
    assert body["llm_configured"] is True


def test_chat_is_limited_per_user(client, make_user, bearer, make_subject, fake_groq):
    _, gabriel = _setup(make_user, make_subject)
    maria = make_user("maria")
    make_subject("MAT002", students=(maria,))
    for n in range(10):
        res = client.post("/chat", json={**CHAT, "content": f"q{n}"}, headers=bearer(gabriel))
        assert res.status_code == 200
    res = client.post("/chat", json=CHAT, headers=bearer(gabriel))
    assert res.status_code == 429
    assert res.get_json() == {"detail": "Too many requests: limit is 10 per 1 minute"}
    # Another user (same address) is not affected.
    other = {"id": "m-1", "asignatura": "MAT002", "content": "Hi"}
    assert client.post("/chat", json=other, headers=bearer(maria)).status_code == 200

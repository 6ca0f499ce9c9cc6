"""The tutor page: a student asks (through the fake Groq server), sees the answer rendered as
sanitised Markdown, takes a practice test, and deletes a conversation; others are kept out."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import TutorSession

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def hx(token: str) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRFToken": token, **BROWSER}


def test_ask_and_see_the_answer(app, client, make_user, web_login, make_subject, fake_groq):
    gabriel = make_user("gabriel")
    make_subject("INF001", "Algorithms", students=(gabriel,), guide="Be Socratic.")
    token = web_login(client, gabriel)
    page = client.get("/learn/subjects/INF001/tutor", headers=BROWSER).get_data(as_text=True)
    assert "Ask the Algorithms tutor anything" in page
    fake_groq.reply("**Quicksort** is $O(n \\log n)$ on average. <img src=x onerror=alert(1)>")
    res = client.post(
        "/learn/subjects/INF001/tutor/send",
        data={"session_id": "", "content": "What is quicksort?"},
        headers=hx(token),
    )
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<strong>Quicksort</strong>" in html
    assert "$O(n \\log n)$" in html  # left for KaTeX
    assert "<img" not in html and "&lt;img" in html  # the model's markup is text
    assert "What is quicksort?" in html
    with app.app_context():
        session_id = db.session.scalar(select(TutorSession.id))
    assert res.headers["HX-Push-Url"].endswith(f"?session={session_id}")
    assert "Be Socratic." in fake_groq.requests[-1]["messages"][0]["content"]


def test_tutor_errors_are_shown(app, client, make_user, web_login, make_subject, monkeypatch):
    gabriel = make_user("gabriel")
    make_subject("INF001", students=(gabriel,))
    token = web_login(client, gabriel)
    monkeypatch.setitem(app.config, "GROQ_API_KEY", None)
    res = client.post(
        "/learn/subjects/INF001/tutor/send",
        data={"content": "Hello?"},
        headers=hx(token),
    )
    assert res.status_code == 503
    html = res.get_data(as_text=True)
    assert "AI is not configured on this server" in html and "data-error-message" in html
    assert ">Hello?</textarea>" in html  # the question is kept to send again


def test_practice_test_on_the_page(client, make_user, web_login, make_subject, fake_groq):
    gabriel = make_user("gabriel")
    make_subject("INF001", students=(gabriel,), bank=True)
    token = web_login(client, gabriel)
    res = client.post("/learn/subjects/INF001/tutor/practice", data={}, headers=hx(token))
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "Question 1 of 3" in html
    for _ in range(3):
        session_id = re.search(r'name="session_id" value="([^"]+)"', html).group(1)
        index = re.search(r'name="index" value="(\d+)"', html).group(1)
        res = client.post(
            "/learn/subjects/INF001/tutor/practice",
            data={"session_id": session_id, "index": index, "answer": "7"},
            headers=hx(token),
        )
        html = res.get_data(as_text=True)
        if res.status_code == 400:  # "7" is no option letter: the form says so and stays
            assert "Invalid answer format" in html
            res = client.post(
                "/learn/subjects/INF001/tutor/practice",
                data={"session_id": session_id, "index": index, "answer": "A"},
                headers=hx(token),
            )
            html = res.get_data(as_text=True)
        assert res.status_code == 200
    assert "Practice test finished" in html


def test_others_cannot_open_or_delete_a_session(
    app, client, make_user, web_login, make_subject, fake_groq
):
    gabriel, maria = make_user("gabriel"), make_user("maria")
    make_subject("INF001", students=(gabriel, maria))
    token = web_login(client, gabriel)
    client.post("/learn/subjects/INF001/tutor/send", data={"content": "Hi"}, headers=hx(token))
    with app.app_context():
        session_id = db.session.scalar(select(TutorSession.id))
    other = app.test_client()
    other_token = web_login(other, maria)
    assert (
        other.get(f"/learn/subjects/INF001/tutor?session={session_id}", headers=BROWSER).status_code
        == 403
    )
    assert (
        other.post(f"/learn/sessions/{session_id}/delete", headers=hx(other_token)).status_code
        == 403
    )
    deleted = client.post(f"/learn/sessions/{session_id}/delete", headers=hx(token))
    assert deleted.headers["HX-Redirect"].endswith("/learn/subjects/INF001/tutor")
    with app.app_context():
        assert db.session.get(TutorSession, session_id) is None


def test_not_enrolled_student_is_refused(client, make_user, web_login, make_subject):
    make_subject("INF001")
    web_login(client, make_user("gabriel"))
    res = client.get("/learn/subjects/INF001/tutor", headers=BROWSER)
    assert res.status_code == 403

"""The student's assistant page: history rendered safely, the streaming endpoint's events, the
form without JavaScript, clearing, and the page without an AI key."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from app.assistant.render import render_answer
from tests.fakes.groq_server import FakeGroq

HOSTILE = (
    "[FINAL ANSWER]\nHere: <script>window.pwned = 1</script>"
    '<img src=x onerror="window.pwned = 1"> [click](javascript:window.pwned=1) '
    '<a href="javascript:alert(1)">x</a> and $\\frac{a}{b} < 1$'
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def inert(html: str) -> None:
    """Parsed as a browser would: no script, image or frame element, no on* handler, no
    javascript: link; the hostile markup is there only as text."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in {"script", "img", "iframe", "object", "embed", "svg", "style"}, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, value)
    assert "&lt;script&gt;" in html  # shown to the student as text


@pytest.fixture
def student(make_user):
    return make_user("asha", roles=("student",))


@pytest.fixture
def signed_in(client, student, web_login):
    return web_login(client, student)


def events(response) -> list[tuple[str, dict]]:
    out = []
    for block in response.get_data(as_text=True).split("\n\n"):
        if not block.strip():
            continue
        name = re.search(r"^event: (\w+)$", block, re.M).group(1)
        data = json.loads(re.search(r"^data: (.*)$", block, re.M).group(1))
        out.append((name, data))
    return out


def test_render_keeps_latex_and_markdown() -> None:
    html = render_answer("[FINAL ANSWER]\n**Force** is $F = m_1 a_1$ and $$\\frac{a}{b}$$")
    assert '<span class="final-answer-label">Final answer</span>' in html
    assert "<strong>Force</strong>" in html
    assert "$F = m_1 a_1$" in html  # underscores not turned into emphasis
    assert "$$\\frac{a}{b}$$" in html  # backslash kept for KaTeX


def test_render_makes_hostile_output_inert() -> None:
    html = render_answer(HOSTILE)
    inert(html)
    assert "$\\frac{a}{b} &lt; 1$" in html


def test_page_shows_history_remaining_and_nav(client, signed_in, fake_groq: FakeGroq) -> None:
    fake_groq.reply("[FINAL ANSWER]\n**Momentum** is conserved: $p = mv$")
    client.post(
        "/api/study-chat",
        json={"message": "What is <b>momentum</b>?"},
        headers={"X-CSRFToken": signed_in},
    )

    html = client.get("/assistant").get_data(as_text=True)

    assert 'data-testid="nav-study-assistant"' in html
    assert '<strong id="assistant-remaining">49</strong> of 50 questions left today' in html
    assert "What is &lt;b&gt;momentum&lt;/b&gt;?" in html  # the student's text, escaped
    assert "<strong>Momentum</strong> is conserved: $p = mv$" in html
    assert "vendor/katex/katex.min.js" in html


def test_empty_page_invites_a_first_question(client, signed_in, fake_groq) -> None:
    html = client.get("/assistant").get_data(as_text=True)
    assert "No questions yet." in html
    assert 'data-testid="assistant-clear"' not in html


def test_hostile_history_is_inert_on_the_page(client, signed_in, fake_groq: FakeGroq) -> None:
    fake_groq.reply(HOSTILE)
    client.post(
        "/api/study-chat", json={"message": "Say something"}, headers={"X-CSRFToken": signed_in}
    )
    html = client.get("/assistant").get_data(as_text=True)
    answer = html.split('data-testid="assistant-answer"')[1].split("</li>")[0]
    inert(answer)


def test_stream_sends_deltas_then_sanitised_html(client, signed_in, fake_groq: FakeGroq) -> None:
    fake_groq.reply(HOSTILE)

    response = client.post(
        "/assistant/stream", json={"message": "Stream it"}, headers={"X-CSRFToken": signed_in}
    )

    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    got = events(response)
    assert got[0] == ("start", {"questions_remaining": 49})
    deltas = [data["text"] for name, data in got if name == "delta"]
    assert len(deltas) > 1
    assert "".join(deltas) == HOSTILE
    name, done = got[-1]
    assert name == "done"
    assert done["questions_remaining"] == 49
    inert(done["html"])
    assert fake_groq.requests[0]["stream"] is True
    # stored like any other exchange
    history = client.get("/api/assistant-init").get_json()["history"]
    assert [m["text"] for m in history] == ["Stream it", HOSTILE]


def test_stream_refusals_are_json_with_their_status(
    app, client, signed_in, monkeypatch, fake_groq: FakeGroq
) -> None:
    headers = {"X-CSRFToken": signed_in}
    short = client.post("/assistant/stream", json={"message": "a"}, headers=headers)
    assert short.status_code == 400
    assert "too short" in short.get_json()["message"]

    fake_groq.reply_error(503)
    down = client.post("/assistant/stream", json={"message": "Hello there"}, headers=headers)
    assert down.status_code == 503
    assert down.get_json()["success"] is False

    monkeypatch.setitem(app.config, "GROQ_API_KEY", None)
    off = client.post("/assistant/stream", json={"message": "Hello there"}, headers=headers)
    assert off.status_code == 503
    assert off.get_json()["message"] == "AI is not configured on this server"
    assert client.get("/api/assistant-init").get_json()["questionsUsed"] == 0


def test_stream_failure_midway_is_an_error_event_and_refunds(
    client, signed_in, fake_groq: FakeGroq
) -> None:
    fake_groq.reply_malformed()
    response = client.post(
        "/assistant/stream", json={"message": "Hello there"}, headers={"X-CSRFToken": signed_in}
    )
    name, data = events(response)[-1]
    assert name == "error"
    assert "AI service" in data["message"]
    assert data["questions_remaining"] == 50
    body = client.get("/api/assistant-init").get_json()
    assert body["questionsUsed"] == 0
    assert body["history"] == []


def test_stream_needs_csrf(client, signed_in, fake_groq) -> None:
    response = client.post("/assistant/stream", json={"message": "Hello there"})
    assert response.status_code == 400
    assert fake_groq.requests == []


def test_form_without_javascript(client, signed_in, fake_groq: FakeGroq) -> None:
    fake_groq.reply("[FINAL ANSWER]\nTwo.")
    response = client.post(
        "/assistant", data={"message": "What is 1 + 1?", "csrf_token": signed_in}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/assistant#latest")
    html = client.get("/assistant").get_data(as_text=True)
    assert "What is 1 + 1?" in html
    assert "<p>Two.</p>" in html

    client.post("/assistant", data={"message": "", "csrf_token": signed_in})
    assert "Message too short" in client.get("/assistant").get_data(as_text=True)


def test_clear_from_the_page(client, signed_in, fake_groq: FakeGroq) -> None:
    client.post("/assistant", data={"message": "Question one", "csrf_token": signed_in})
    html = client.get("/assistant").get_data(as_text=True)
    assert 'hx-confirm="Delete your whole conversation' in html

    response = client.post(
        "/assistant/clear", data={"csrf_token": signed_in}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/assistant"
    html = client.get("/assistant").get_data(as_text=True)
    assert "Question one" not in html
    assert "Chat history cleared." in html
    assert '<strong id="assistant-remaining">49</strong>' in html  # the count stays


def test_page_without_a_key(app, client, signed_in, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "GROQ_API_KEY", None)
    response = client.get("/assistant")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "AI is not configured on this server" in html
    assert re.search(r'<button type="submit" id="assistant-send"[^>]*disabled', html)

    client.post("/assistant", data={"message": "Hello there", "csrf_token": signed_in})
    assert "AI is not configured on this server" in client.get("/assistant").get_data(as_text=True)


def test_page_needs_sign_in(client) -> None:
    response = client.get("/assistant")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/assistant"


def test_leaving_mid_answer_keeps_what_arrived(client, signed_in, fake_groq: FakeGroq) -> None:
    fake_groq.reply("First part. Second part. Third part. Fourth part.")
    response = client.post(
        "/assistant/stream",
        json={"message": "Tell me a lot"},
        headers={"X-CSRFToken": signed_in},
        buffered=False,
    )
    chunks = iter(response.response)
    assert next(chunks).startswith(b"event: start")
    first = next(chunks).decode()
    assert first.startswith("event: delta")
    response.close()  # the browser went away

    body = client.get("/api/assistant-init").get_json()
    assert body["questionsUsed"] == 1
    question, partial = body["history"]
    assert question["text"] == "Tell me a lot"
    assert partial["text"] == json.loads(first.split("data: ", 1)[1])["text"]

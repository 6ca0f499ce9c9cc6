"""The LLM client through the real `groq` library against the fake server on loopback."""

from __future__ import annotations

import socket

import pytest
from flask import Flask

from app import llm
from tests.fakes.groq_server import FakeGroq

MESSAGES = [{"role": "user", "content": "What is 2 + 2?"}]


@pytest.fixture
def ctx(app: Flask):
    with app.app_context():
        yield


def test_complete_returns_the_answer_and_sends_the_request(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply("The answer is $4$.")

    assert llm.complete(MESSAGES, max_tokens=50, temperature=0.1) == "The answer is $4$."

    [body] = fake_groq.requests
    assert body["model"] == "llama-3.3-70b-versatile"
    assert body["messages"] == MESSAGES
    assert body["max_tokens"] == 50
    assert body["temperature"] == 0.1
    assert "response_format" not in body
    assert not body.get("stream")


def test_json_object_mode_asks_for_a_json_object(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply('{"questions": []}')
    assert llm.complete(MESSAGES, json_object=True) == '{"questions": []}'
    assert fake_groq.requests[0]["response_format"] == {"type": "json_object"}


def test_empty_queue_answers_ok(fake_groq: FakeGroq, ctx) -> None:
    assert llm.complete(MESSAGES) == "OK"
    assert llm.complete(MESSAGES) == "OK"
    assert len(fake_groq.requests) == 2


def test_configured_model_is_sent(fake_groq: FakeGroq, app: Flask, monkeypatch, ctx) -> None:
    monkeypatch.setitem(app.config, "GROQ_MODEL", "llama-3.1-8b-instant")
    llm.complete(MESSAGES)
    assert fake_groq.requests[0]["model"] == "llama-3.1-8b-instant"
    assert llm.model() == "llama-3.1-8b-instant"
    assert llm.provider() == "groq"


def test_stream_yields_several_deltas_that_make_the_answer(fake_groq: FakeGroq, ctx) -> None:
    answer = "First, $x^2 = 4$, so $x = 2$.\n\n[FINAL ANSWER] 2"
    fake_groq.reply(answer)

    deltas = list(llm.stream(MESSAGES))

    assert len(deltas) > 1
    assert "".join(deltas) == answer
    assert fake_groq.requests[0]["stream"] is True


def test_slow_reply_times_out(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply_slow(5, "too late")
    with pytest.raises(llm.LLMTimeout):
        llm.complete(MESSAGES, timeout=0.3)


def test_slow_stream_times_out(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply_slow(5, "too late")
    with pytest.raises(llm.LLMTimeout):
        list(llm.stream(MESSAGES, timeout=0.3))


def test_configured_timeout_applies(fake_groq: FakeGroq, app: Flask, monkeypatch, ctx) -> None:
    monkeypatch.setitem(app.config, "GROQ_TIMEOUT", 0.3)
    fake_groq.reply_slow(5, "too late")
    with pytest.raises(llm.LLMTimeout):
        llm.complete(MESSAGES)


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_provider_errors_are_unavailable_and_not_retried(
    fake_groq: FakeGroq, status: int, ctx
) -> None:
    fake_groq.reply_error(status)
    fake_groq.reply("a retry would get this")
    with pytest.raises(llm.LLMUnavailable):
        llm.complete(MESSAGES)
    assert len(fake_groq.requests) == 1  # no silent retry


def test_stream_provider_error_is_unavailable(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply_error(503)
    with pytest.raises(llm.LLMUnavailable):
        llm.stream(MESSAGES)


def test_rejected_key_is_unavailable(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply_error(401, {"error": {"message": "Invalid API Key"}})
    with pytest.raises(llm.LLMUnavailable, match="key"):
        llm.complete(MESSAGES)


def test_malformed_reply_is_bad_reply(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply_malformed()
    with pytest.raises(llm.LLMBadReply):
        llm.complete(MESSAGES)


def test_malformed_stream_is_bad_reply(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply_malformed()
    with pytest.raises(llm.LLMBadReply):
        list(llm.stream(MESSAGES))


def test_reply_without_choices_is_bad_reply(fake_groq: FakeGroq, ctx) -> None:
    fake_groq.reply_error(200, {"id": "x", "object": "chat.completion", "choices": []})
    with pytest.raises(llm.LLMBadReply):
        llm.complete(MESSAGES)


def test_no_key_is_not_configured_and_sends_nothing(
    fake_groq: FakeGroq, app: Flask, monkeypatch, ctx
) -> None:
    monkeypatch.setitem(app.config, "GROQ_API_KEY", None)
    assert llm.is_configured() is False
    with pytest.raises(llm.LLMNotConfigured) as caught:
        llm.complete(MESSAGES)
    assert str(caught.value) == "AI is not configured on this server"
    with pytest.raises(llm.LLMNotConfigured):
        llm.stream(MESSAGES)
    assert fake_groq.requests == []


def test_configured_with_a_key(fake_groq: FakeGroq, ctx) -> None:
    assert llm.is_configured() is True


def test_connection_refused_is_unavailable(app: Flask, monkeypatch, ctx) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "GROQ_API_KEY", "test-key")
    monkeypatch.setitem(app.config, "GROQ_BASE_URL", f"http://127.0.0.1:{port}")
    with pytest.raises(llm.LLMUnavailable):
        llm.complete(MESSAGES)
    with pytest.raises(llm.LLMUnavailable):
        llm.stream(MESSAGES)


def test_every_failure_is_an_llm_error() -> None:
    for cls in (llm.LLMNotConfigured, llm.LLMUnavailable, llm.LLMTimeout, llm.LLMBadReply):
        assert issubclass(cls, llm.LLMError)

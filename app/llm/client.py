"""The one door to the language model: the official `groq` client, configured from app.config.

Every AI feature calls `complete()` or `stream()` and handles the four `LLMError` subclasses, so
a missing key, an unreachable provider, a slow reply or a garbled one never reaches a user as a
traceback. Calls are never retried (`max_retries=0`): a user is waiting, and a retry would double
both the wait and the cost without telling them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import groq
import httpx
from flask import current_app

NOT_CONFIGURED = "AI is not configured on this server"


class LLMError(Exception):
    """Base of every failure of a model call; its str() is safe to show to a user."""


class LLMNotConfigured(LLMError):
    """No GROQ_API_KEY: the AI features are switched off on this server."""

    def __init__(self, message: str = NOT_CONFIGURED) -> None:
        super().__init__(message)


class LLMUnavailable(LLMError):
    """The provider could not be reached, refused the key, or answered 5xx/429."""


class LLMTimeout(LLMError):
    """The provider did not answer within the timeout."""


class LLMBadReply(LLMError):
    """The provider answered, but not with a chat completion we can read."""


_clients: dict[tuple[str, str], groq.Groq] = {}
_clients_lock = threading.Lock()


def is_configured() -> bool:
    return bool(current_app.config.get("GROQ_API_KEY"))


def provider() -> str:
    return "groq"


def model() -> str:
    return str(current_app.config.get("GROQ_MODEL") or "llama-3.3-70b-versatile")


def _client() -> groq.Groq:
    """One client (and so one connection pool) per key and base URL, shared by threads."""
    cfg = current_app.config
    key = cfg.get("GROQ_API_KEY")
    if not key:
        raise LLMNotConfigured()
    base = str(cfg.get("GROQ_BASE_URL") or "https://api.groq.com").rstrip("/")
    with _clients_lock:
        client = _clients.get((key, base))
        if client is None:
            client = groq.Groq(
                api_key=key,
                base_url=base,
                max_retries=0,
                timeout=float(cfg.get("GROQ_TIMEOUT") or 60),
            )
            _clients[(key, base)] = client
        return client


def _timeout(timeout: float | None) -> float:
    return float(timeout if timeout is not None else current_app.config.get("GROQ_TIMEOUT") or 60)


def _translate(exc: Exception) -> LLMError:
    """Map the groq/httpx exceptions onto ours; the message names the cause, never the key."""
    if isinstance(exc, groq.APITimeoutError | httpx.TimeoutException):
        return LLMTimeout("The AI service did not answer in time. Please try again.")
    if isinstance(exc, groq.RateLimitError):
        return LLMUnavailable("The AI service is busy (rate limited). Please try again shortly.")
    if isinstance(exc, groq.APIStatusError):
        if exc.status_code in (401, 403):
            return LLMUnavailable("The AI service rejected this server's key.")
        if exc.status_code >= 500:
            return LLMUnavailable(f"The AI service is unavailable (HTTP {exc.status_code}).")
        return LLMBadReply(f"The AI service refused the request (HTTP {exc.status_code}).")
    if isinstance(exc, groq.APIConnectionError | httpx.TransportError):
        return LLMUnavailable("The AI service could not be reached.")
    if isinstance(exc, groq.APIError) and not isinstance(exc, groq.APIResponseValidationError):
        return LLMUnavailable("The AI service reported an error while answering.")
    return LLMBadReply("The AI service sent a reply that could not be read.")


def complete(
    messages: list[dict[str, str]],
    *,
    max_tokens: int = 1024,
    temperature: float = 0.3,
    timeout: float | None = None,
    json_object: bool = False,
) -> str:
    """The model's whole answer as text. `json_object` asks for a JSON object (the caller still
    parses and validates it: the model can be wrong)."""
    client = _client()
    extra: dict[str, Any] = {"response_format": {"type": "json_object"}} if json_object else {}
    try:
        reply = client.chat.completions.create(
            model=model(),
            messages=messages,  # type: ignore[arg-type]
            max_tokens=max_tokens,
            temperature=temperature,
            timeout=_timeout(timeout),
            **extra,
        )
    except (groq.GroqError, httpx.HTTPError) as exc:
        raise _translate(exc) from exc
    except ValueError as exc:  # a 200 whose body is not JSON
        raise LLMBadReply("The AI service sent a reply that could not be read.") from exc
    try:
        content = reply.choices[0].message.content
    except (AttributeError, IndexError, KeyError, TypeError) as exc:
        raise LLMBadReply("The AI service sent a reply without an answer.") from exc
    if not isinstance(content, str):
        raise LLMBadReply("The AI service sent a reply without an answer.")
    return content


def stream(
    messages: list[dict[str, str]],
    *,
    max_tokens: int = 1024,
    temperature: float = 0.3,
    timeout: float | None = None,
) -> Iterator[str]:
    """The answer as it is generated, as text deltas.

    The request is made before this returns, so a missing key, an unreachable provider or a
    refusal raise here, before a caller has started its own response; failures in the middle of
    the answer (a timeout between chunks, a garbled chunk) raise from the iterator.
    """
    client = _client()
    try:
        chunks = client.chat.completions.create(
            model=model(),
            messages=messages,  # type: ignore[arg-type]
            max_tokens=max_tokens,
            temperature=temperature,
            timeout=_timeout(timeout),
            stream=True,
        )
    except (groq.GroqError, httpx.HTTPError) as exc:
        raise _translate(exc) from exc
    return _deltas(chunks)


def _deltas(chunks: Any) -> Iterator[str]:
    try:
        for chunk in chunks:
            try:
                choices = chunk.choices
                delta = choices[0].delta.content if choices else None
            except (AttributeError, IndexError, KeyError, TypeError) as exc:
                raise LLMBadReply("The AI service sent a chunk without an answer.") from exc
            if delta:
                yield delta
    except LLMError:
        raise
    except (groq.GroqError, httpx.HTTPError) as exc:
        raise _translate(exc) from exc
    except ValueError as exc:  # a chunk that is not JSON
        raise LLMBadReply("The AI service sent a reply that could not be read.") from exc
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()

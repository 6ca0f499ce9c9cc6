"""The language model client (Groq's API or any OpenAI-compatible server); see client.py."""

from app.llm.client import (
    NOT_CONFIGURED,
    LLMBadReply,
    LLMError,
    LLMNotConfigured,
    LLMTimeout,
    LLMUnavailable,
    complete,
    is_configured,
    model,
    provider,
    stream,
)

__all__ = [
    "NOT_CONFIGURED",
    "LLMBadReply",
    "LLMError",
    "LLMNotConfigured",
    "LLMTimeout",
    "LLMUnavailable",
    "complete",
    "is_configured",
    "model",
    "provider",
    "stream",
]

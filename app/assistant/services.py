"""The AI study assistant (000_…, "AI Study Assistant"): history, the daily allowance, the prompt.

A student has DAILY_LIMIT messages per institute day. A message is counted when it is accepted
(one guarded upsert, so two tabs cannot both take the 50th), and given back if the model then
fails to answer: the student got nothing for it. Clearing the history deletes the messages and
leaves the count alone, as the document says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app import llm
from app.core.errors import AppError, Invalid, RateLimited, Unavailable
from app.core.jsonprovider import iso
from app.core.signals import account_deleting
from app.extensions import db
from app.models import AssistantMessage, AssistantUsage, User, utcnow

DAILY_LIMIT = 50
MIN_LENGTH = 2
MAX_LENGTH = 2000
CONTEXT_MESSAGES = 20  # the last ten exchanges go to the model with each question
CONTEXT_CHARS = 16000
MAX_TOKENS = 1500
TEMPERATURE = 0.3
LIMIT_MESSAGE = "Daily limit reached."

SYSTEM_PROMPT = """You are the study assistant of {institute}, helping a student prepare for exams \
in mathematics, science and other school and college subjects.

How to answer:
- Begin every answer with a line containing exactly [FINAL ANSWER], then the direct answer in one \
or two sentences. After that, explain step by step, with a short worked example when it helps.
- Write all mathematics, formulas, units and chemical equations in LaTeX: $...$ inline and \
$$...$$ for displayed equations (for example $F = ma$ and $$E = mc^2$$).
- Use Markdown for structure (short paragraphs, lists, **bold** for key terms). Never write HTML.
- Be accurate and concise. If a question is ambiguous, say what you assumed. If you are not sure, \
say so rather than guess.
- If the student asks for something unrelated to studying, or for answers to an exam they are \
taking right now, politely decline and offer to explain the underlying concept instead."""


class AITimeout(AppError):
    status = 504
    code = "ai_timeout"
    default_message = "The AI service did not answer in time. Please try again."


class AIBadReply(AppError):
    status = 502
    code = "ai_bad_reply"
    default_message = "The AI service sent a reply that could not be read."


def as_app_error(exc: llm.LLMError) -> AppError:
    """The surface-neutral error a view raises for a failed model call."""
    if isinstance(exc, llm.LLMNotConfigured):
        return Unavailable(str(exc), code="ai_not_configured")
    if isinstance(exc, llm.LLMTimeout):
        return AITimeout(str(exc))
    if isinstance(exc, llm.LLMBadReply):
        return AIBadReply(str(exc))
    return Unavailable(str(exc) or "The AI service is unavailable.", code="ai_unavailable")


def require_configured() -> None:
    if not llm.is_configured():
        raise as_app_error(llm.LLMNotConfigured())


def institute_day(now: datetime | None = None) -> date:
    """The institute's calendar date at `now` (naive UTC, default: now)."""
    moment = (now or utcnow()).replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(current_app.config["INSTITUTE_TIMEZONE"])).date()


def used_on(user_id: int, day: date) -> int:
    used = db.session.scalar(
        select(AssistantUsage.used).where(
            AssistantUsage.user_id == user_id, AssistantUsage.day == day
        )
    )
    return int(used or 0)


def history(user_id: int) -> list[AssistantMessage]:
    return list(
        db.session.scalars(
            select(AssistantMessage)
            .where(AssistantMessage.user_id == user_id)
            .order_by(AssistantMessage.id)
        )
    )


def message_json(message: AssistantMessage) -> dict:
    return {"text": message.text, "isUser": message.is_user, "timestamp": iso(message.created_at)}


def init_payload(user: User, now: datetime | None = None) -> dict:
    """GET /api/assistant-init: the allowance and the whole history in one answer."""
    body: dict = {
        "success": True,
        "dailyLimit": DAILY_LIMIT,
        "questionsUsed": used_on(user.id, institute_day(now)),
        "history": [message_json(m) for m in history(user.id)],
        "configured": llm.is_configured(),
    }
    if not body["configured"]:
        body["message"] = llm.NOT_CONFIGURED
    return body


def check_message(text: object) -> str:
    """The question as it will be sent: trimmed, within the length bounds."""
    if not isinstance(text, str):
        raise Invalid(
            "Message is required.",
            fields=[{"loc": ["body", "message"], "msg": "Message is required", "type": "missing"}],
        )
    text = text.strip()
    if len(text) < MIN_LENGTH:
        raise Invalid(f"Message too short (at least {MIN_LENGTH} characters).", code="too_short")
    if len(text) > MAX_LENGTH:
        raise Invalid(f"Message too long (at most {MAX_LENGTH} characters).", code="too_long")
    return text


def reserve(user_id: int, day: date) -> int:
    """Count one message for the day and return the day's count, or refuse the 51st.

    One statement (an upsert whose update only happens under the limit), so concurrent requests
    from one student cannot go past the limit between a read and a write.
    """
    table = AssistantUsage.__table__
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(table)
        .values(user_id=user_id, day=day, used=1)
        .on_conflict_do_update(
            index_elements=[table.c.user_id, table.c.day],
            set_={"used": table.c.used + 1},
            where=table.c.used < DAILY_LIMIT,
        )
        .returning(table.c.used)
    )
    used = db.session.execute(stmt).scalar()
    if used is None:
        raise RateLimited(LIMIT_MESSAGE, code="limit_reached", limit_reached=True)
    return int(used)


def refund(user_id: int, day: date) -> None:
    """Give back a message the model did not answer."""
    db.session.execute(
        update(AssistantUsage)
        .where(
            AssistantUsage.user_id == user_id,
            AssistantUsage.day == day,
            AssistantUsage.used > 0,
        )
        .values(used=AssistantUsage.used - 1)
    )


def prompt(user: User, question: str) -> list[dict[str, str]]:
    """System prompt, the recent history (newest last, within CONTEXT_CHARS), the question."""
    recent = list(
        db.session.scalars(
            select(AssistantMessage)
            .where(AssistantMessage.user_id == user.id)
            .order_by(AssistantMessage.id.desc())
            .limit(CONTEXT_MESSAGES)
        )
    )
    context: list[dict[str, str]] = []
    budget = CONTEXT_CHARS
    for message in recent:  # newest first, so the budget keeps the latest turns
        budget -= len(message.text)
        if budget < 0:
            break
        context.append(
            {"role": "user" if message.is_user else "assistant", "content": message.text}
        )
    context.reverse()
    system = SYSTEM_PROMPT.format(institute=current_app.config["INSTITUTE_NAME"])
    return [{"role": "system", "content": system}, *context, {"role": "user", "content": question}]


@dataclass(frozen=True)
class Turn:
    """A question accepted and counted, waiting for its answer."""

    user_id: int
    question: str
    day: date
    used: int
    asked_at: datetime

    @property
    def remaining(self) -> int:
        return max(DAILY_LIMIT - self.used, 0)


def accept(user: User, text: object, now: datetime | None = None) -> Turn:
    """Check the message and the configuration, then count it (flushes; the caller commits
    before calling the model, so a slow model holds no database connection)."""
    question = check_message(text)
    require_configured()
    now = now or utcnow()
    day = institute_day(now)
    used = reserve(user.id, day)
    return Turn(user.id, question, day, used, now)


def finish(turn: Turn, answer: str) -> AssistantMessage:
    """Store the question and its answer. An empty answer is a bad reply (the caller refunds)."""
    if not answer.strip():
        raise llm.LLMBadReply("The AI service sent an empty answer. Please try again.")
    db.session.add(
        AssistantMessage(
            user_id=turn.user_id, is_user=True, text=turn.question, created_at=turn.asked_at
        )
    )
    reply = AssistantMessage(user_id=turn.user_id, is_user=False, text=answer, created_at=utcnow())
    db.session.add(reply)
    db.session.flush()
    return reply


def fail(turn: Turn) -> None:
    refund(turn.user_id, turn.day)


def clear_history(user: User) -> int:
    """Delete the user's messages (and only them: the day's count stays)."""
    result = db.session.execute(delete(AssistantMessage).where(AssistantMessage.user_id == user.id))
    return int(result.rowcount or 0)


@account_deleting.connect
def _forget_deleted_account(user: User, **_: object) -> None:
    """A deleted account's conversation and counts go with it (children first, as
    users.services.delete_account does for its own rows)."""
    db.session.execute(delete(AssistantMessage).where(AssistantMessage.user_id == user.id))
    db.session.execute(delete(AssistantUsage).where(AssistantUsage.user_id == user.id))

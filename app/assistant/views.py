"""The study assistant: SmartAIExam's three JSON endpoints (000_…, "AI Study Assistant") and the
student's page at /assistant, which streams each answer as the model writes it.

Every call to the model happens outside a database transaction: the message is counted and
committed first, so a slow model holds no connection, and a failed call gives the message back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for

from app import llm
from app.assistant import services
from app.assistant.render import render_answer
from app.assistant.schemas import (
    AssistantInitOut,
    ClearOut,
    LimitOut,
    StudyChatIn,
    StudyChatOut,
)
from app.core.api import endpoint
from app.core.auth import auth_required
from app.core.errors import AppError
from app.core.jsonprovider import iso
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import db, htmx
from app.models import AssistantMessage, User

api_bp = surface_blueprint("sae_assistant", __name__, Surface.SMARTAIEXAM)
pages_bp = surface_blueprint("assistant", __name__, Surface.WEB)
TAGS = ["SmartAIExam: AI study assistant"]


def _ask(actor: User, text: object) -> tuple[services.Turn, AssistantMessage]:
    """Count the message, ask the model, store the exchange; refund and raise on failure."""
    turn = services.accept(actor, text)
    messages = services.prompt(actor, turn.question)
    db.session.commit()
    try:
        answer = llm.complete(
            messages, max_tokens=services.MAX_TOKENS, temperature=services.TEMPERATURE
        )
        reply = services.finish(turn, answer)
    except llm.LLMError as exc:
        db.session.rollback()
        services.fail(turn)
        db.session.commit()
        raise services.as_app_error(exc) from exc
    return turn, reply


@api_bp.get("/api/assistant-init")
@auth_required()
@endpoint(
    "The daily allowance and the whole assistant history in one call",
    responses={200: AssistantInitOut, 401: None},
    tags=TAGS,
)
def assistant_init(actor: User) -> Response:
    return respond(services.init_payload(actor))


@api_bp.post("/api/study-chat")
@auth_required()
@endpoint(
    "Ask the AI study assistant (50 messages a day, renewed at the institute's midnight)",
    body=StudyChatIn,
    responses={
        200: StudyChatOut,
        400: None,
        401: None,
        429: LimitOut,
        502: None,
        503: None,
        504: None,
    },
    tags=TAGS,
)
def study_chat(actor: User, body: StudyChatIn) -> Response:
    turn, reply = _ask(actor, body.message)
    return respond({"success": True, "response": reply.text, "questions_remaining": turn.remaining})


@api_bp.post("/api/clear-chat-history")
@auth_required()
@endpoint(
    "Delete the whole assistant history (today's message count is not reset)",
    responses={200: ClearOut, 401: None},
    tags=TAGS,
)
def clear_chat_history(actor: User) -> Response:
    services.clear_history(actor)
    return respond({"success": True, "message": "Chat history cleared."})


# --- the page ------------------------------------------------------------------------------------


@pages_bp.get("/assistant")
@auth_required()
def page(actor: User) -> Response:
    day = services.institute_day()
    used = services.used_on(actor.id, day)
    return Response(
        render_template(
            "assistant/page.html",
            history=[
                (m, None if m.is_user else render_answer(m.text))
                for m in services.history(actor.id)
            ],
            remaining=max(services.DAILY_LIMIT - used, 0),
            daily_limit=services.DAILY_LIMIT,
            configured=llm.is_configured(),
            not_configured=llm.NOT_CONFIGURED,
            min_length=services.MIN_LENGTH,
            max_length=services.MAX_LENGTH,
        )
    )


@pages_bp.post("/assistant")
@auth_required()
def ask(actor: User) -> Response:
    """The form's target without JavaScript: the whole answer, then back to the page."""
    try:
        _ask(actor, request.form.get("message"))
    except AppError as err:
        db.session.rollback()
        flash(err.message, "error")
    return redirect(url_for(".page") + "#latest", 303)


@pages_bp.post("/assistant/stream")
@auth_required()
def stream(actor: User) -> Response:
    """The page's fetch: JSON {"message"} in, server-sent events out: `start` (the count left),
    `delta` (text as it comes), then `done` (the answer as sanitised HTML) or `error`.

    Refusals before the model is asked (length, limit, no key, provider down) are JSON errors
    with their status, like the API's.
    """
    data = request.get_json(silent=True)
    turn = services.accept(actor, data.get("message") if isinstance(data, dict) else None)
    messages = services.prompt(actor, turn.question)
    db.session.commit()
    try:
        deltas = llm.stream(
            messages, max_tokens=services.MAX_TOKENS, temperature=services.TEMPERATURE
        )
    except llm.LLMError as exc:
        services.fail(turn)
        db.session.commit()
        raise services.as_app_error(exc) from exc
    return Response(
        stream_with_context(_events(turn, deltas)),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def _events(turn: services.Turn, deltas: Iterator[str]) -> Iterator[str]:
    """Runs after the request's own commit, so it commits what it stores itself."""
    yield _sse("start", {"questions_remaining": turn.remaining})
    parts: list[str] = []
    try:
        for delta in deltas:
            parts.append(delta)
            yield _sse("delta", {"text": delta})
        reply = services.finish(turn, "".join(parts))
        db.session.commit()
    except llm.LLMError as exc:
        db.session.rollback()
        services.fail(turn)
        db.session.commit()
        yield _sse("error", {"message": str(exc), "questions_remaining": turn.remaining + 1})
        return
    except GeneratorExit:
        # The student left mid-answer: keep what arrived (the count stands), or refund if nothing.
        close = getattr(deltas, "close", None)
        if close is not None:
            close()  # and stop reading from the provider
        db.session.rollback()
        if "".join(parts).strip():
            services.finish(turn, "".join(parts))
        else:
            services.fail(turn)
        db.session.commit()
        raise
    yield _sse(
        "done",
        {
            "html": render_answer(reply.text),
            "questions_remaining": turn.remaining,
            "timestamp": iso(reply.created_at),
        },
    )


@pages_bp.post("/assistant/clear")
@auth_required()
def clear(actor: User) -> Response:
    services.clear_history(actor)
    flash("Chat history cleared.", "success")
    target = url_for(".page")
    if htmx:
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, 303)

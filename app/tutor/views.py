"""Backend's chat and session endpoints (003_…: "Chat Endpoints", "Sessions Endpoints").
Envelope: {"detail": ...}; invalid bodies and queries are 422 with loc/msg/type items."""

from __future__ import annotations

from typing import Any

from flask import Response
from pydantic import BaseModel, Field

from app.core import limits
from app.core.api import endpoint, parse
from app.core.auth import auth_required
from app.core.errors import Invalid
from app.core.jsonprovider import iso
from app.core.pagination import window
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import limiter
from app.models import TutorSession, User
from app.tutor import services as tutor

bp = surface_blueprint("backend_tutor", __name__, Surface.BACKEND)
TAGS = ["Chat"]
SESSION_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$"
CONTENT_MAX = 8000


class HistoryItem(BaseModel):
    role: str = Field(examples=["user"])
    content: str = Field(examples=["Previous message..."])


class ChatIn(BaseModel):
    id: str = Field(
        pattern=SESSION_ID,
        examples=["session-uuid-123"],
        description="The session; created on first use (letters, digits, '_', '.', ':', '-')",
    )
    asignatura: str = Field(min_length=1, examples=["INF001"], description="The subject's id")
    content: str = Field(
        min_length=1, max_length=CONTENT_MAX, examples=["What is the time complexity of quicksort?"]
    )
    messages: list[HistoryItem] = Field(
        default_factory=list,
        description="Accepted for compatibility; the tutor uses the session's stored history",
    )


class ChatOut(BaseModel):
    response: str
    session_id: str
    asignatura: str


class SessionsQuery(BaseModel):
    subject: str | None = Field(None, examples=["INF001"])
    limit: int = Field(20, ge=1, description="At most 100 are returned")
    skip: int = Field(0, ge=0)


class SessionOut(BaseModel):
    id: str = Field(alias="_id")
    title: str
    subject: str
    created_at: str
    last_active: str
    message_count: int


class MessageOut(BaseModel):
    role: str
    content: str


class SessionDetailOut(BaseModel):
    id: str = Field(alias="_id")
    user_id: str
    title: str
    subject: str
    created_at: str
    last_active: str
    messages: list[MessageOut]


class ResumeIn(BaseModel):
    answer: str | list[str] | float | None = Field(
        None,
        examples=["The answer is option B"],
        description="Leave out to start a practice test (or to repeat the current question)",
    )
    current_question_index: int | None = Field(None, ge=0, examples=[2])


class ResumeOut(BaseModel):
    session_id: str
    status: str = Field(description="in_progress or finished")
    current_question_index: int
    total_questions: int
    feedback: dict[str, Any] | None = Field(None, description="How the answer was graded")
    question: dict[str, Any] | None = Field(None, description="The question now asked")
    result: dict[str, Any] | None = Field(None, description="Once finished: correct, total, score")


def session_row(session: TutorSession, count: int) -> dict[str, Any]:
    return {
        "_id": session.id,
        "title": session.title,
        "subject": session.subject.code,
        "created_at": iso(session.created_at, z=True),
        "last_active": iso(session.last_active, z=True),
        "message_count": count,
    }


@bp.post("/chat")
@auth_required()
@endpoint(
    "Send a message to the subject's tutor (the session is created on first use)",
    body=ChatIn,
    responses={200: ChatOut},
    tags=TAGS,
)
@limiter.shared_limit(limits.TUTOR_CHAT, scope="tutor-chat", key_func=limits.per_actor)
def chat(actor: User, body: ChatIn) -> Response:
    turn = tutor.chat(actor, session_id=body.id, subject_code=body.asignatura, content=body.content)
    return respond(
        {"response": turn.reply, "session_id": turn.session.id, "asignatura": body.asignatura}
    )


@bp.get("/sessions")
@auth_required()
@endpoint(
    "Your tutor sessions, most recently active first",
    query=SessionsQuery,
    responses={200: list[SessionOut]},
    tags=TAGS,
)
def list_sessions(actor: User, query: SessionsQuery) -> Response:
    rows = window(tutor.sessions_of(actor, query.subject), query.skip, query.limit)
    counts = tutor.message_counts([s.id for s in rows])
    return respond([session_row(s, counts.get(s.id, 0)) for s in rows])


@bp.get("/sessions/<session_id>")
@auth_required()
@endpoint("A session with its messages", responses={200: SessionDetailOut}, tags=TAGS)
def get_session(actor: User, session_id: str) -> Response:
    session = tutor.owned(actor, session_id)
    return respond(
        {
            "_id": session.id,
            "user_id": actor.username,
            "title": session.title,
            "subject": session.subject.code,
            "created_at": iso(session.created_at, z=True),
            "last_active": iso(session.last_active, z=True),
            "messages": [{"role": m.role, "content": m.content} for m in session.messages],
        }
    )


@bp.delete("/sessions/<session_id>")
@auth_required()
@endpoint("Delete a session and its messages", responses={204: None}, tags=TAGS)
def delete_session(actor: User, session_id: str) -> Response:
    tutor.delete(actor, session_id)
    return respond(status=204)


@bp.post("/sessions/<session_id>/resume_chat")
@auth_required()
@endpoint(
    "A practice test in the session: start it, answer the current question, get the next one "
    "or the result",
    body=ResumeIn,
    responses={200: ResumeOut},
    tags=TAGS,
    parse_input=False,
)
def resume_chat(actor: User, session_id: str) -> Response:
    tutor.owned(actor, session_id)  # 404/403 before anything is said about the body
    try:
        body = parse(ResumeIn)
    except Invalid:
        raise Invalid("Invalid answer format", code="bad_answer") from None
    step = tutor.resume(actor, session_id, body.answer, body.current_question_index)
    return respond(step.as_json())

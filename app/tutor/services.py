"""Tutor use cases: a chat turn with a subject's tutor, the user's sessions, and practice tests
inside a session.

Every session belongs to one user and is read, continued and deleted only by them. Students talk
to a subject's tutor only when enrolled; staff may try any tutor. The model is called before
anything is written, so a failed call (no key, unreachable, too slow) leaves no trace.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from app import llm
from app.attempts.scoring import Key, score
from app.core import roles as R
from app.core.errors import Conflict, Forbidden, GatewayTimeout, Invalid, NotFound, Unavailable
from app.extensions import db
from app.models import (
    PracticeTest,
    Question,
    Subject,
    TutorMessage,
    TutorSession,
    User,
    utcnow,
)
from app.subjects import services as subjects
from app.tutor import answers

HISTORY = 20  # earlier messages the tutor sees with each question
GUIDE_LIMIT = 12_000  # characters of the teaching guide put in the context
TITLE_LENGTH = 80
NOT_ENROLLED = "Not enrolled in subject"
NOT_YOURS = "Session doesn't belong to user"


def may_use(actor: User, subject: Subject) -> None:
    if R.is_staff(actor.roles) or subjects.is_enrolled(actor, subject):
        return
    raise Forbidden(NOT_ENROLLED, code="not_enrolled")


def owned(actor: User, session_id: str) -> TutorSession:
    session = db.session.get(TutorSession, session_id)
    if session is None:
        raise NotFound("Session not found")
    if session.user_id != actor.id:
        raise Forbidden(NOT_YOURS, code="not_your_session")
    return session


def system_prompt(subject: Subject) -> str:
    institute = current_app.config.get("INSTITUTE_NAME", "Examhall")
    parts = [
        f"You are the tutor of the course {subject.name} ({subject.code}) at {institute}.",
        subject.description,
        "Help the student understand: explain step by step, ask a guiding question when they "
        "are stuck, and check their reasoning. Use Markdown, and LaTeX between $...$ for "
        "mathematics. Answer in the language the student writes in. Stay within the course.",
    ]
    if subject.guide.strip():
        parts.append(
            "The professor's teaching guide for this course (follow it):\n<guide>\n"
            + subject.guide[:GUIDE_LIMIT]
            + "\n</guide>"
        )
    return "\n\n".join(p for p in parts if p)


def ask(messages: list[dict[str, str]]) -> str:
    """One model call under the tutor's timeout, its failures in the Backend's words."""
    timeout = float(current_app.config.get("TUTOR_TIMEOUT", 120))
    try:
        return llm.complete(messages, timeout=timeout, max_tokens=1500)
    except llm.LLMNotConfigured as exc:
        raise Unavailable(str(exc), code="ai_not_configured") from None
    except llm.LLMTimeout:
        raise GatewayTimeout("Request timeout") from None
    except llm.LLMError as exc:  # unreachable, refused, or an unreadable reply
        raise Unavailable(f"Chatbot service unavailable: {exc}") from None


@dataclass
class Turn:
    session: TutorSession
    reply: str


def chat(actor: User, *, session_id: str, subject_code: str, content: str) -> Turn:
    subject = subjects.get(subject_code)
    session = db.session.get(TutorSession, session_id)
    if session is not None:
        if session.user_id != actor.id:
            raise Forbidden(NOT_YOURS, code="not_your_session")
        if session.subject_id != subject.id:
            raise Invalid(f"Session {session_id} belongs to another subject")
    may_use(actor, subject)
    history = session.messages[-HISTORY:] if session else []
    prompt = [{"role": "system", "content": system_prompt(subject)}]
    prompt += [{"role": m.role, "content": m.content} for m in history]
    prompt.append({"role": "user", "content": content})
    reply = ask(prompt)
    if session is None:
        session = TutorSession(
            id=session_id, user_id=actor.id, subject=subject, title=_title(content)
        )
        db.session.add(session)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # the same new id sent twice at once
            raise Conflict("Session already exists") from None
    now = utcnow()
    session.messages.append(TutorMessage(role="user", content=content, created_at=now))
    session.messages.append(TutorMessage(role="assistant", content=reply, created_at=now))
    session.last_active = now
    db.session.flush()
    return Turn(session, reply)


def open_session(actor: User, subject: Subject, session_id: str, title: str) -> TutorSession:
    """A session started from the tutor page without a message (for a practice test)."""
    may_use(actor, subject)
    session = TutorSession(id=session_id, user_id=actor.id, subject=subject, title=title)
    db.session.add(session)
    db.session.flush()
    return session


def _title(content: str) -> str:
    line = " ".join(content.split())
    return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"


def sessions_of(actor: User, subject_code: str | None = None) -> Select:
    stmt = (
        select(TutorSession)
        .where(TutorSession.user_id == actor.id)
        .order_by(TutorSession.last_active.desc(), TutorSession.id)
    )
    if subject_code:
        stmt = stmt.join(Subject, Subject.id == TutorSession.subject_id).where(
            Subject.code == subject_code
        )
    return stmt


def message_counts(session_ids: list[str]) -> dict[str, int]:
    if not session_ids:
        return {}
    rows = db.session.execute(
        select(TutorMessage.session_id, func.count())
        .where(TutorMessage.session_id.in_(session_ids))
        .group_by(TutorMessage.session_id)
    )
    return {session_id: count for session_id, count in rows}


def delete(actor: User, session_id: str) -> None:
    db.session.delete(owned(actor, session_id))
    db.session.flush()


# --- practice tests -----------------------------------------------------------------------


def active_test(session: TutorSession) -> PracticeTest | None:
    return db.session.scalar(
        select(PracticeTest).where(
            PracticeTest.session_id == session.id, PracticeTest.status == "in_progress"
        )
    )


def present(question: Question, index: int) -> dict[str, Any]:
    return {
        "index": index,
        "number": index + 1,
        "question_type": question.question_type,
        "text": question.text,
        "options": [
            {"letter": letter, "text": str(text)}
            for letter, text in zip(answers.letters(question), question.options or [], strict=False)
        ],
        "hint": answers.hint(question),
    }


def _as_message(q: dict[str, Any], total: int) -> str:
    lines = [f"**Question {q['number']} of {total}**", "", q["text"]]
    if q["options"]:
        lines.append("")
        lines += [f"- **{o['letter']}**) {o['text']}" for o in q["options"]]
    lines += ["", f"_{q['hint']}_"]
    return "\n".join(lines)


def _shown_answer(question: Question) -> str:
    if question.question_type == "NUMERIC":
        return question.correct_answer
    options = dict(zip(answers.letters(question), question.options or [], strict=False))
    keys = [k.strip().upper() for k in question.correct_answer.replace(";", ",").split(",")]
    return ", ".join(f"{k} ({options[k]})" if k in options else k for k in keys if k)


@dataclass
class Step:
    """What /resume_chat answers: where the test is, how the last answer was graded, and the
    question now asked (or the result)."""

    session: TutorSession
    test: PracticeTest
    question: dict[str, Any] | None
    feedback: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        total = len(self.test.question_ids)
        data: dict[str, Any] = {
            "session_id": self.session.id,
            "status": self.test.status,
            "current_question_index": len(self.test.answers),
            "total_questions": total,
        }
        if self.feedback is not None:
            data["feedback"] = self.feedback
        if self.question is not None:
            data["question"] = self.question
        if self.test.status == "finished":
            data["result"] = result_of(self.test)
        return data


def result_of(test: PracticeTest) -> dict[str, Any]:
    graded = [a for a in test.answers if a.get("correct") is not None]
    return {
        "correct": test.correct,
        "total": len(graded),
        "score": test.score,
    }


def _question_at(test: PracticeTest, index: int) -> Question | None:
    return db.session.get(Question, test.question_ids[index])


def start_test(actor: User, session: TutorSession) -> Step:
    may_use(actor, session.subject)
    bank = subjects.bank_questions(session.subject)
    if not bank:
        raise Conflict("This subject has no practice questions yet", code="empty_bank")
    size = int(current_app.config.get("TUTOR_PRACTICE_QUESTIONS", 5))
    chosen = random.sample(bank, min(size, len(bank)))
    test = PracticeTest(
        session_id=session.id,
        user_id=actor.id,
        subject_id=session.subject_id,
        question_ids=[q.id for q in chosen],
        answers=[],
    )
    db.session.add(test)
    question = present(chosen[0], 0)
    session.messages.append(
        TutorMessage(
            role="assistant",
            content=f"Let's practise: {len(chosen)} questions from {session.subject.name}.\n\n"
            + _as_message(question, len(chosen)),
        )
    )
    session.last_active = utcnow()
    db.session.flush()
    return Step(session, test, question)


def resume(actor: User, session_id: str, answer: Any, index: int | None) -> Step:
    """No test in progress and no answer: start one. A test in progress and no answer: the
    question being asked, again. An answer: grade it and move on."""
    session = owned(actor, session_id)
    test = active_test(session)
    if test is None:
        if answer is not None:
            raise Conflict(
                "No practice test is in progress in this session; send no answer to start one",
                code="no_test",
            )
        return start_test(actor, session)
    current = len(test.answers)
    total = len(test.question_ids)
    if answer is None:
        question = _question_at(test, current)
        return Step(session, test, present(question, current) if question else None)
    if index is not None and index != current:
        raise Conflict(
            f"Question {index} is not the one being asked; the current question is {current}",
            code="stale_index",
        )
    question = _question_at(test, current)
    if question is None:  # deleted from the bank since the test began: not counted
        entry: dict[str, Any] = {"question_id": test.question_ids[current], "correct": None}
        feedback = {"question_index": current, "correct": None, "message": "Question removed."}
    else:
        try:
            given = answers.read(question, answer)
        except answers.BadAnswer:
            raise Invalid("Invalid answer format", code="bad_answer") from None
        key = Key(
            question.question_type,
            question.correct_answer,
            question.tolerance,
            Decimal(1),
            Decimal(0),
        )
        mark = score(key, given)
        entry = {"question_id": question.id, "answer": given, "correct": bool(mark.is_correct)}
        feedback = {
            "question_index": current,
            "correct": bool(mark.is_correct),
            "correct_answer": _shown_answer(question),
            "explanation": question.explanation,
        }
        said = (
            "Correct!"
            if mark.is_correct
            else f"Not quite: the answer is {feedback['correct_answer']}."
        )
        if question.explanation:
            said += f"\n\n{question.explanation}"
        session.messages.append(TutorMessage(role="user", content=_said(answer)))
        session.messages.append(TutorMessage(role="assistant", content=said))
        if mark.is_correct:
            test.correct += 1
    test.answers = [*test.answers, entry]  # a new list: JSON columns track assignment
    session.last_active = utcnow()
    following = current + 1
    next_question = None
    while following < total and next_question is None:
        next_question = _question_at(test, following)
        if next_question is None:
            test.answers = [
                *test.answers,
                {"question_id": test.question_ids[following], "correct": None},
            ]
            following += 1
    if next_question is not None:
        shown = present(next_question, following)
        session.messages.append(TutorMessage(role="assistant", content=_as_message(shown, total)))
        db.session.flush()
        return Step(session, test, shown, feedback)
    _finish(session, test)
    db.session.flush()
    return Step(session, test, None, feedback)


def _said(answer: Any) -> str:
    return ", ".join(str(a) for a in answer) if isinstance(answer, list) else str(answer)


def _finish(session: TutorSession, test: PracticeTest) -> None:
    graded = [a for a in test.answers if a.get("correct") is not None]
    percent = Decimal(100 * test.correct) / len(graded) if graded else Decimal(0)
    test.score = percent.quantize(Decimal("0.01"), ROUND_HALF_UP)
    test.status = "finished"
    test.finished_at = utcnow()
    session.messages.append(
        TutorMessage(
            role="assistant",
            content=f"Practice test finished: {test.correct} of {len(graded)} correct "
            f"({test.score.normalize():f}%).",
        )
    )

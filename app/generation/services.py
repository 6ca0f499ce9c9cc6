"""AI question generation use cases: generate (from a PDF's text or a topic), save the chosen
questions to exams, export them as CSV. The runs the page polls are runs.py.

Generation never writes a question: it returns question data in SmartAIExam's field names for a
teacher to review. Saving goes through the question bank's one validation
(app.questions.validation.clean) and its bulk insert, all or nothing. Every function takes the
acting user first; only authors (teachers, managers, admins) may generate, and saving into an
exam needs the right to manage it (app.exams.access).

Model calls: the model's reply is parsed strictly (app.generation.parsing). If anything in it is
malformed, the validation errors go back to the model once (one repair attempt); what is still
malformed is dropped with its reason. Failures of the model call itself become 503 (not
configured, unavailable), 504 (timeout) or 502 (a reply that cannot be read).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.core.errors import AppError, Invalid, Unavailable
from app.exams.access import manageable_exam, require_author
from app.extensions import db
from app.generation import prompts
from app.generation.parsing import Dropped, Generated, Parsed, as_question, parse_reply
from app.generation.schemas import GenerateFields
from app.llm import client as llm
from app.models import Exam, Question, User
from app.questions import exporters
from app.questions import services as questions
from app.questions.validation import Problems, clean

log = logging.getLogger(__name__)
MAX_SAVE = 200  # questions in one save or export
MAX_ECHO = 30_000  # characters of a bad reply sent back with the repair request
TOKENS_PER_QUESTION = 400

Progress = Callable[[int, str], None]


class BadGateway(AppError):
    status = 502
    code = "ai_bad_reply"
    default_message = "The AI service sent a reply that could not be read."


class GatewayTimeout(AppError):
    status = 504
    code = "ai_timeout"
    default_message = "The AI service did not answer in time. Please try again."


def _app_error(exc: llm.LLMError) -> AppError:
    if isinstance(exc, llm.LLMNotConfigured):
        return Unavailable(str(exc), code="ai_not_configured")
    if isinstance(exc, llm.LLMTimeout):
        return GatewayTimeout(str(exc))
    if isinstance(exc, llm.LLMUnavailable):
        return Unavailable(str(exc), code="ai_unavailable")
    return BadGateway(str(exc))


def require_configured() -> None:
    if not llm.is_configured():
        raise Unavailable(llm.NOT_CONFIGURED, code="ai_not_configured")


@dataclass
class Outcome:
    questions: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    repaired: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"questions": self.questions, "dropped": self.dropped, "repaired": self.repaired}


def target_exam(actor: User, exam_id: int | None) -> Exam | None:
    """The exam named in a generation request, if any: it must be one the actor manages."""
    require_author(actor)
    return manageable_exam(actor, exam_id) if exam_id is not None else None


# Generating ---------------------------------------------------------------------------------


def generate(
    actor: User, fields: GenerateFields, text: str = "", on_progress: Progress | None = None
) -> Outcome:
    """Ask the model, check its reply, repair once, and return the questions for review."""
    exam = target_exam(actor, fields.exam_id)
    require_configured()
    return generate_checked(fields, text, exam, on_progress)


def generate_checked(
    fields: GenerateFields, text: str, exam: Exam | None, on_progress: Progress | None
) -> Outcome:
    """The generation itself, for a caller that has already checked who asks and that AI is
    configured (`generate`, or the page's job in runs.py, which takes ids)."""
    report = on_progress or (lambda percent, stage: None)
    counts = fields.counts
    messages = prompts.messages(
        fields.mode, counts=counts, difficulty=fields.difficulty, topic=fields.topic, text=text
    )
    max_tokens = min(8000, TOKENS_PER_QUESTION * counts.total + 400)
    report(10, "Asking the model")
    try:
        reply = _first_reply(messages, max_tokens, counts.total, on_progress)
        report(80, "Checking the questions")
        parsed = parse_reply(reply)
        repaired = 0
        if parsed.unreadable or parsed.dropped:
            report(85, "Asking the model to correct what was malformed")
            parsed, repaired = _repair(messages, reply, parsed, max_tokens)
    except llm.LLMError as exc:
        raise _app_error(exc) from exc
    kept, dropped = _within_counts(parsed, counts)
    marks = {
        "exam_id": exam.id if exam else None,
        "positive_marks": float(exam.positive_marks) if exam else None,
        "negative_marks": float(exam.negative_marks) if exam else None,
    }
    report(95, "Preparing the review")
    return Outcome(
        questions=[as_question(item, **marks) for item in kept],
        dropped=[d.as_dict() for d in dropped],
        repaired=repaired,
    )


def _first_reply(
    messages: list[dict[str, str]], max_tokens: int, total: int, on_progress: Progress | None
) -> str:
    """The whole reply; streamed when someone watches the progress, so they see the questions
    being written ("question 3 of 10")."""
    if on_progress is None:
        return llm.complete(messages, max_tokens=max_tokens, json_object=True)
    parts: list[str] = []
    seen = 0
    tail = ""
    marker = '"question_type"'
    for delta in llm.stream(messages, max_tokens=max_tokens):
        parts.append(delta)
        window = tail + delta
        found = window.count(marker)
        tail = window[-(len(marker) - 1) :]
        if found:
            seen += found
            done = min(seen, total)
            on_progress(10 + 70 * done // max(total, 1), f"Writing question {done} of {total}")
    return "".join(parts)


def _repair(
    messages: list[dict[str, str]], reply: str, parsed: Parsed, max_tokens: int
) -> tuple[Parsed, int]:
    """One repair attempt: the validation errors go back to the model with its reply."""
    if parsed.unreadable:
        ask = prompts.repair_message([parsed.unreadable], whole=True)
    else:
        problems = [f"item {d.index + 1}: {d.reason}" for d in parsed.dropped]
        ask = prompts.repair_message(problems, whole=False)
    follow_up = [*messages, {"role": "assistant", "content": reply[:MAX_ECHO]}, ask]
    second = parse_reply(llm.complete(follow_up, max_tokens=max_tokens, json_object=True))
    if parsed.unreadable:
        if second.unreadable:
            raise BadGateway(
                "The AI reply could not be read as questions, even after one repair attempt "
                f"({second.unreadable})."
            )
        return second, len(second.items)
    fixed: dict[int, Generated] = dict(zip(second.item_indexes, second.items, strict=True))
    failed = {d.index: d.reason for d in second.dropped}
    items, indexes = list(parsed.items), list(parsed.item_indexes)
    dropped: list[Dropped] = []
    repaired = 0
    for position, original in enumerate(parsed.dropped):
        if position in fixed:
            items.append(fixed[position])
            indexes.append(original.index)
            repaired += 1
        elif position in failed:
            original.reason += f"; still malformed after the repair attempt: {failed[position]}"
            dropped.append(original)
        else:
            original.reason += "; the repair attempt did not return it"
            dropped.append(original)
    return Parsed(items=items, item_indexes=indexes, dropped=dropped), repaired


def _within_counts(parsed: Parsed, counts: prompts.Counts) -> tuple[list[Generated], list[Dropped]]:
    """At most the number asked for of each type; extra ones are dropped, saying so."""
    kept: list[Generated] = []
    dropped = list(parsed.dropped)
    taken = {"MCQ": 0, "MSQ": 0, "NUMERIC": 0}
    for index, item in zip(parsed.item_indexes, parsed.items, strict=True):
        kind = item.question_type
        limit = counts.of(kind)
        if taken[kind] >= limit:
            reason = (
                f"{kind} questions were not asked for"
                if limit == 0
                else f"more {kind} questions than the {limit} asked for"
            )
            dropped.append(Dropped(index, reason, item.question_text[:120]))
            continue
        taken[kind] += 1
        kept.append(item)
    return kept, dropped


# Saving and exporting -----------------------------------------------------------------------


def _checked(
    actor: User, items: Sequence[Any], default_exam_id: int | None, *, need_exam: bool
) -> list[tuple[int | None, dict[str, Any]]]:
    """Every item through the bank's validation, errors named `questions[i].field`; all or
    nothing. With `need_exam`, each item needs an exam the actor manages (its own `exam_id`,
    else the request's)."""
    require_author(actor)
    if not isinstance(items, list | tuple) or not items:
        raise Invalid(
            "questions: give at least one question",
            fields=[{"loc": ["body", "questions"], "msg": "give at least one question",
                     "type": "too_short"}],
        )  # fmt: skip
    if len(items) > MAX_SAVE:
        raise Invalid(f"questions: at most {MAX_SAVE} questions at once")
    exams: dict[int, Exam] = {}
    sections: dict[int, set[int]] = {}
    rows: list[tuple[int | None, dict[str, Any]]] = []
    problems = Problems()
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.items.append(
                {"loc": ["body", "questions", i], "msg": "must be an object", "type": "dict_type"}
            )
            continue
        exam_id = _exam_id(item.get("exam_id"), default_exam_id, i, problems) if need_exam else None
        if need_exam and exam_id is None:
            if not any(f["loc"][-1] == "exam_id" and f["loc"][-2] == i for f in problems.items):
                problems.items.append(
                    {"loc": ["body", "questions", i, "exam_id"], "msg": "is required",
                     "type": "missing"}
                )  # fmt: skip
            continue
        if need_exam and exam_id is not None and exam_id not in exams:
            exams[exam_id] = manageable_exam(actor, exam_id)
            sections[exam_id] = questions.section_ids(exam_id)
        try:
            row = clean(
                item,
                section_ids=sections.get(exam_id) if need_exam else None,
                prefix=("questions", i),
            )
        except Invalid as exc:
            problems.items.extend(exc.fields)
            continue
        rows.append((exam_id, row))
    problems.raise_if_any()
    return rows


def _exam_id(value: Any, default: int | None, i: int, problems: Problems) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        problems.items.append(
            {"loc": ["body", "questions", i, "exam_id"], "msg": "must be an exam id",
             "type": "int_parsing"}
        )  # fmt: skip
        return None
    return number


def save_questions(actor: User, items: Sequence[Any], exam_id: int | None = None) -> int:
    """Append the questions to their exams (each item's `exam_id`, else `exam_id`), in order.
    Returns how many were saved."""
    rows = _checked(actor, items, exam_id, need_exam=True)
    by_exam: dict[int, list[dict[str, Any]]] = {}
    for target, row in rows:
        by_exam.setdefault(target, []).append(row)  # type: ignore[arg-type]
    saved = 0
    for target, group in by_exam.items():
        saved += questions.insert_rows(target, group)
    db.session.flush()
    return saved


def export_csv(actor: User, items: Sequence[Any]) -> bytes:
    """The questions as a CSV in the bank's import format (app.questions.importers.csv_format),
    so the file imports into any exam later. Nothing is written."""
    rows = _checked(actor, items, None, need_exam=False)
    return exporters.to_csv((Question(**row) for _, row in rows), {})

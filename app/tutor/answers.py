"""Reading a free-text answer to an objective question ("The answer is option B", "A and C",
"9.81") into the shape app.attempts.scoring grades. The model never grades: this parser and the
exam scoring rules do, so a practice test marks exactly like an exam."""

from __future__ import annotations

import re
import string
from typing import Any

from app.attempts.scoring import to_number
from app.models import Question

NAMED = re.compile(
    r"\b(?:option|choice|answer(?:\s+is)?)\s*[:\-]?\s*\(?([A-Za-z])\)?(?![A-Za-z])", re.I
)
LONE_CAPITAL = re.compile(r"(?<![A-Za-z])([A-Z])(?![A-Za-z])")
SEPARATED = re.compile(r"^[A-Za-z](?:\s*(?:,|;|/|&|\band\b)\s*[A-Za-z])*$", re.I)
NUMBER_IN_TEXT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d{1,3})?")


class BadAnswer(ValueError):
    """The answer cannot be read for this question type."""


def letters(question: Question) -> str:
    return string.ascii_uppercase[: len(question.options or [])]


def hint(question: Question) -> str:
    valid = letters(question)
    span = f"{valid[0]} to {valid[-1]}" if valid else "A"
    if question.question_type == "MCQ":
        return f"Answer with one option letter, {span}."
    if question.question_type == "MSQ":
        return f"Answer with every correct option letter, {span} (for example: A, C)."
    return "Answer with one number."


def _option_by_text(question: Question, text: str) -> str | None:
    wanted = text.strip().casefold()
    for letter, option in zip(letters(question), question.options or [], strict=False):
        if str(option).strip().casefold() == wanted:
            return letter
    return None


def _one_letter(question: Question, text: str) -> str:
    valid = letters(question)
    text = text.strip()
    if len(text) == 1 and text.upper() in valid:
        return text.upper()
    by_text = _option_by_text(question, text)
    if by_text:
        return by_text
    named = {m.upper() for m in NAMED.findall(text)}
    if len(named) == 1 and named <= set(valid):
        return named.pop()
    lone = {m for m in LONE_CAPITAL.findall(text) if m in valid}
    if len(lone) == 1:
        return lone.pop()
    raise BadAnswer(hint(question))


def _many_letters(question: Question, answer: Any) -> list[str]:
    valid = set(letters(question))
    if isinstance(answer, list):
        chosen = {str(a).strip().upper() for a in answer}
    elif SEPARATED.match(answer.strip()):
        chosen = {m.upper() for m in re.findall(r"\b[A-Za-z]\b", answer)}
    else:
        chosen = {m for m in LONE_CAPITAL.findall(answer) if m in valid}
    if not chosen or not chosen <= valid:
        raise BadAnswer(hint(question))
    return sorted(chosen)


def _number(answer: Any) -> str:
    if isinstance(answer, int | float) and not isinstance(answer, bool):
        return str(answer)
    if not isinstance(answer, str):
        raise BadAnswer("Answer with one number.")
    if to_number(answer) is not None:
        return answer.strip()
    found = set(NUMBER_IN_TEXT.findall(answer))
    if len(found) != 1:
        raise BadAnswer("Answer with one number.")
    return found.pop()


def read(question: Question, answer: Any) -> Any:
    """The answer as scoring.score expects it: "B", ["A", "C"] or "9.81"; BadAnswer if it cannot
    be read."""
    kind = question.question_type
    if isinstance(answer, str) and not answer.strip():
        raise BadAnswer(hint(question))
    if kind == "NUMERIC":
        return _number(answer)
    if kind == "MCQ":
        if isinstance(answer, list) and len(answer) == 1:
            answer = str(answer[0])
        if not isinstance(answer, str):
            raise BadAnswer(hint(question))
        return _one_letter(question, answer)
    if kind == "MSQ":
        if not isinstance(answer, str | list):
            raise BadAnswer(hint(question))
        return _many_letters(question, answer)
    raise BadAnswer("This question cannot be graded here.")

"""Marks for one answer, in exact decimals.

Pure functions over a `Key` (what the question was worth and its answer when it was scored) and
the answer as the sync stored it, so the rules can be tested one by one and the same code scores
a submission, a timeout and a re-score.

The rules: a right answer earns the positive marks, a wrong one loses the negative marks (stored
as a magnitude), an unanswered question scores 0. MSQ is all-or-nothing unless the exam gives
partial credit: then choosing only right options earns the positive marks in proportion (rounded
half-up to the cent, so totals stay exact sums), and any wrong option loses the negative marks.
NUMERIC is right when it lies within the question's tolerance of the key, edges included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,3})?$")


@dataclass(frozen=True)
class Key:
    question_type: str
    correct_answer: str
    tolerance: Decimal | None
    positive: Decimal
    negative: Decimal  # a magnitude: 1 means one mark is taken off


@dataclass(frozen=True)
class Mark:
    is_correct: bool | None  # None: not answered
    marks: Decimal
    partial: bool = False


def key_letters(correct_answer: str) -> frozenset[str]:
    return frozenset(p for p in re.split(r"[\s,;]+", (correct_answer or "").upper()) if p)


def to_number(value: Any) -> Decimal | None:
    """A finite decimal from a NUMERIC answer or key ("42.5", " -3 ", "1e3"), else None."""
    text = str(value).strip() if value is not None else ""
    if not NUMBER.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def is_blank(answer: Any) -> bool:
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, list):
        return not answer
    return False


def _right(key: Key) -> Mark:
    return Mark(True, key.positive)


def _wrong(key: Key) -> Mark:
    return Mark(False, -key.negative)


def score(key: Key, answer: Any, partial_credit: bool = False) -> Mark:
    if is_blank(answer):
        return Mark(None, ZERO)
    kind = key.question_type.upper()
    if kind == "MCQ":
        chosen = answer.strip().upper() if isinstance(answer, str) else None
        return _right(key) if chosen and chosen in key_letters(key.correct_answer) else _wrong(key)
    if kind == "MSQ":
        chosen = (
            frozenset(str(a).strip().upper() for a in answer) if isinstance(answer, list) else None
        )
        right = key_letters(key.correct_answer)
        if not chosen or not right:
            return _wrong(key)
        if chosen == right:
            return _right(key)
        if partial_credit and chosen < right:
            share = (key.positive * len(chosen) / len(right)).quantize(CENT, ROUND_HALF_UP)
            return Mark(False, share, partial=True)
        return _wrong(key)
    if kind == "NUMERIC":
        given, expected = to_number(answer), to_number(key.correct_answer)
        if given is None or expected is None:
            return _wrong(key)
        tolerance = abs(key.tolerance) if key.tolerance is not None else ZERO
        return _right(key) if abs(given - expected) <= tolerance else _wrong(key)
    return _wrong(key)

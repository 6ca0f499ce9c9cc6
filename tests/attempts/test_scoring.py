"""The marking rules, one by one, in exact decimals."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.attempts.scoring import Key, Mark, score


def key(
    kind: str, answer: str, tolerance: str | None = None, pos: str = "4", neg: str = "1"
) -> Key:
    return Key(kind, answer, D(tolerance) if tolerance is not None else None, D(pos), D(neg))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("B", Mark(True, D("4"))),
        ("b", Mark(True, D("4"))),
        (" B ", Mark(True, D("4"))),
        ("A", Mark(False, D("-1"))),
        ("", Mark(None, D("0"))),
        (None, Mark(None, D("0"))),
    ],
)
def test_mcq(answer, expected):
    assert score(key("MCQ", "B"), answer) == expected


def test_mcq_with_question_marks_and_no_negative():
    assert score(key("MCQ", "C", pos="2.5", neg="0"), "A") == Mark(False, D("0"))
    assert score(key("MCQ", "C", pos="2.5", neg="0"), "C") == Mark(True, D("2.5"))


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (["A", "C"], Mark(True, D("4"))),
        (["C", "A"], Mark(True, D("4"))),
        (["A"], Mark(False, D("-1"))),  # all-or-nothing by default
        (["A", "B", "C"], Mark(False, D("-1"))),
        (["B"], Mark(False, D("-1"))),
        ([], Mark(None, D("0"))),
    ],
)
def test_msq_all_or_nothing(answer, expected):
    assert score(key("MSQ", "A,C"), answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (["A", "C", "D"], Mark(True, D("4"))),
        (["A"], Mark(False, D("1.33"), partial=True)),  # 4 * 1/3, half-up to the cent
        (["A", "D"], Mark(False, D("2.67"), partial=True)),
        (["A", "B"], Mark(False, D("-1"))),  # any wrong option loses the negative marks
        (["B"], Mark(False, D("-1"))),
    ],
)
def test_msq_partial_credit(answer, expected):
    assert score(key("MSQ", "A, C, D"), answer, partial_credit=True) == expected


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        ("9.8", True),
        ("9.75", True),  # exactly the tolerance below: inclusive
        ("9.85", True),  # exactly the tolerance above
        ("9.7499", False),
        ("9.8501", False),
        ("+9.80", True),
        ("98e-1", True),
        ("-9.8", False),
    ],
)
def test_numeric_tolerance_edges(answer, right):
    mark = score(key("NUMERIC", "9.8", tolerance="0.05"), answer)
    assert mark.is_correct is right
    assert mark.marks == (D("4") if right else D("-1"))


def test_numeric_without_tolerance_is_exact_and_ignores_notation():
    k = key("NUMERIC", "2")
    assert score(k, "2.000").is_correct is True
    assert score(k, "2.0001").is_correct is False


def test_numeric_garbage_is_wrong_not_a_crash():
    assert score(key("NUMERIC", "2"), "two") == Mark(False, D("-1"))


def test_totals_are_exact_decimals_even_when_negative():
    marks = [
        score(key("MCQ", "A", pos="0.1", neg="0.3"), "B").marks,
        score(key("MCQ", "A", pos="0.1", neg="0.3"), "B").marks,
        score(key("MCQ", "A", pos="0.1", neg="0.3"), "A").marks,
    ]
    total = sum(marks, D(0))
    assert total == D("-0.5")
    assert str(total) == "-0.5"  # a float sum would be -0.49999999999999994

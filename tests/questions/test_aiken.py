"""Moodle Aiken: the documentation's examples, and each way a question can break the pattern."""

from __future__ import annotations

import pytest

from app.questions.importers import aiken, parse
from tests.questions.conftest import SAMPLES


def test_moodle_documentation_examples():
    rows = parse("aiken", (SAMPLES / "moodle_doc.txt").read_bytes()).rows
    assert [(r.row, r.error) for r in rows] == [(1, None), (8, None)]
    first, second = rows[0].data, rows[1].data
    assert first == {
        "question_text": "What is the correct answer to this question?",
        "question_type": "MCQ",
        "options": [
            "Is it this one?",
            "Maybe this answer?",
            "Possibly this one?",
            "Must be this one!",
        ],
        "correct_answer": "D",
    }
    assert second["options"] == ["Moodle", "ATutor", "Claroline", "Blackboard", "WebCT", "Ilias"]
    assert second["correct_answer"] == "A"


def test_mixed_sample():
    rows = parse("aiken", (SAMPLES / "aiken_mixed.txt").read_bytes()).rows
    assert [(r.row, r.error) for r in rows] == [
        (1, None),
        (6, "line 8: expected option B, found C"),
        (10, None),  # ANSWER: E is refused by validation (not an option letter)
        (14, "line 16: a question needs at least two options (A. and B.) before ANSWER"),
        (17, None),
        (22, "line 25: expected an option ('C. text') or 'ANSWER: <letter>'"),
        (27, "line 27: the question has no 'ANSWER: <letter>' line"),
    ]
    assert rows[0].data["question_text"] == "$\\frac{d}{dx} x^2$ का मान क्या है?"
    assert rows[0].data["options"] == ["$x$", "$2x$", "$x^2$"]  # "A." and "C)" both work
    assert rows[4].data["question_text"] == "Written over\ntwo lines, which Moodle would not take?"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("A. one\nB. two\nANSWER: A", "line 1: option A comes before the question text"),
        ("Q?\nA. one\nB. two\nANSWER: a", "line 4: ANSWER must be one capital letter, found 'a'"),
        ("Q?\nA. one\nB. two\nANSWER: A,B", "ANSWER must be one capital letter"),
        ("ANSWER: A", "line 1: ANSWER line without a question"),
        ("Q?\n" + "\n".join(f"{c}. x" for c in "ABCDEFGHI") + "\nANSWER: A", "more than 8 options"),
        ("Q?\na. lower case\nb. two\nANSWER: A", "a question needs at least two options"),
    ],
)
def test_refused(text, error):
    rows = aiken.parse(text).rows
    assert rows[0].data is None and error in rows[0].error


def test_reading_resumes_after_a_broken_question():
    rows = aiken.parse("Bad\nA. x\nC. y\nANSWER: A\nGood?\nA. yes\nB. no\nANSWER: A\n").rows
    assert rows[0].error and rows[1].data["question_text"] == "Good?"


def test_blank_lines_optional_and_crlf():
    text = "Q1?\r\nA) a\r\nB) b\r\nANSWER: B\r\nQ2?\r\nA. c\r\nB. d\r\nANSWER: A\r\n"
    rows = parse("aiken", text.encode()).rows
    assert [r.data["correct_answer"] for r in rows] == ["B", "A"]
    assert rows[1].row == 5

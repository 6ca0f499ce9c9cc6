"""The strict schema for what the model writes: whole questions or a reason why not."""

from __future__ import annotations

import json

import pytest

from app.generation.parsing import as_question, parse_reply
from tests.generation.conftest import mcq, msq, numeric, reply


def test_good_questions_become_question_fields():
    parsed = parse_reply(reply(mcq(), msq(), numeric()))
    assert parsed.dropped == [] and parsed.unreadable is None
    first, second, third = (as_question(i, exam_id=7, positive_marks=4.0) for i in parsed.items)
    assert first == {
        "exam_id": 7,
        "question_text": "Which law says F = ma?",
        "question_type": "MCQ",
        "option_a": "Newton's first law",
        "option_b": "Newton's second law",
        "option_c": "Newton's third law",
        "option_d": "Hooke's law",
        "correct_answer": "B",
        "tolerance": None,
        "positive_marks": 4.0,
        "negative_marks": None,
        "explanation": "The second law relates force, mass and acceleration.",
        "difficulty": 3,
        "topic": "Newton's Laws",
    }
    assert second["correct_answer"] == "A,C"
    assert (third["correct_answer"], third["tolerance"], third["option_a"]) == ("6", 0.1, "")


def test_a_code_fence_around_the_json_is_tolerated():
    assert len(parse_reply("```json\n" + reply(mcq()) + "\n```").items) == 1


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (mcq(options=["a", "b", "c"]), "options: List should have at least 4 items"),
        (mcq(correct_answer="E"), "correct_answer: Input should be 'A', 'B', 'C' or 'D'"),
        (mcq(correct_answer=["A", "B"]), "correct_answer: Input should be"),
        (mcq(options=["a", "A", "c", "d"]), "options: options must all be different"),
        (msq(correct_answer=[]), "correct_answer: List should have at least 1 item"),
        (msq(correct_answer=["A", "A"]), "correct_answer: letters must be distinct"),
        (numeric(answer="6"), "answer: must be a JSON number"),
        (numeric(tolerance=-1), "tolerance: Input should be greater than or equal to 0"),
        (numeric(answer=1e300), "answer: must be a finite number"),
        (mcq(question_text="  "), "question_text: String should have at least 1 character"),
        (mcq(explanation=None), "explanation: Input should be a valid string"),
        (mcq(difficulty="Brutal"), "difficulty: Input should be 'Easy', 'Medium' or 'Hard'"),
        ({**mcq(), "question_type": "ESSAY"}, "question_type: must be MCQ, MSQ or NUMERIC"),
        ({"question_text": "Half a question"}, "question_type: is missing"),
        ({k: v for k, v in mcq().items() if k != "topic"}, "topic: is missing"),
    ],
)
def test_malformed_items_are_dropped_with_the_reason(item, reason):
    parsed = parse_reply(reply(mcq("kept"), item))
    assert [i.question_text for i in parsed.items] == ["kept"]
    [dropped] = parsed.dropped
    assert dropped.index == 1
    assert reason in dropped.reason


def test_an_item_that_is_not_an_object_is_dropped():
    parsed = parse_reply(json.dumps({"questions": ["What is 2+2?", mcq()]}))
    assert len(parsed.items) == 1
    assert parsed.dropped[0].reason == "each question must be a JSON object"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Sure! Here are your questions: ...", "the reply is not valid JSON"),
        (json.dumps([mcq()]), 'the reply must be a JSON object {"questions": [...]}'),
        (json.dumps({"items": [mcq()]}), 'the reply must be a JSON object {"questions": [...]}'),
    ],
)
def test_a_reply_that_is_not_a_question_list_is_unreadable(text, why):
    parsed = parse_reply(text)
    assert parsed.items == []
    assert parsed.unreadable.startswith(why)


def test_markup_in_a_question_is_kept_as_text_not_cleaned_away():
    hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> What is $2+2$?"
    [item] = parse_reply(reply(mcq(hostile))).items
    assert as_question(item)["question_text"] == hostile  # escaped where it is shown

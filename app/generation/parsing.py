"""The one shape generated questions must have, checked strictly before anyone sees them.

The model is asked for `{"questions": [...]}` where each item is one of (prompts.FORMAT):
- MCQ: question_text, options (exactly 4), correct_answer (one letter A-D)
- MSQ: question_text, options (exactly 4), correct_answer (a list of 1 to 4 distinct letters)
- NUMERIC: question_text, answer (a JSON number), tolerance (a number >= 0)
and every item has explanation, difficulty (Easy | Medium | Hard) and topic.

An item that does not fit is dropped with the reason, never patched up: a question is either
whole or absent. An item that fits is then run through the question bank's own validation
(app.questions.validation.clean), so what the review shows can always be saved.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    TypeAdapter,
    ValidationError,
)

from app.core.errors import Invalid
from app.questions.validation import MAX_OPTION, MAX_TEXT, OPTION_KEYS, clean

DIFFICULTY_LEVELS = {"Easy": 2, "Medium": 3, "Hard": 4}  # onto the bank's 1-5 scale
LEVEL_NAMES = {2: "Easy", 3: "Medium", 4: "Hard"}
LETTERS = ("A", "B", "C", "D")
Letter = Literal["A", "B", "C", "D"]
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _level(value: Any) -> Any:
    return value.strip().capitalize() if isinstance(value, str) else value


def _distinct(values: list[str]) -> list[str]:
    if len({v.casefold() for v in values}) != len(values):
        raise ValueError("options must all be different")
    return values


def _distinct_letters(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("letters must be distinct")
    return sorted(values)


MAX_NUMBER = 1e15


def _finite(value: float) -> float:
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise ValueError("must be a finite number between -1e15 and 1e15")
    return value


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Option = Annotated[str, Field(min_length=1, max_length=MAX_OPTION)]
FourOptions = Annotated[list[Option], Field(min_length=4, max_length=4), AfterValidator(_distinct)]
Number = Annotated[StrictInt | StrictFloat, AfterValidator(_finite)]


class _Common(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    question_text: Text
    explanation: Text
    difficulty: Annotated[Literal["Easy", "Medium", "Hard"], BeforeValidator(_level)]
    topic: Annotated[str, Field(min_length=1, max_length=200)]


class GeneratedMCQ(_Common):
    question_type: Literal["MCQ"]
    options: FourOptions
    correct_answer: Annotated[Letter, BeforeValidator(_upper)]


class GeneratedMSQ(_Common):
    question_type: Literal["MSQ"]
    options: FourOptions
    correct_answer: Annotated[
        list[Annotated[Letter, BeforeValidator(_upper)]],
        Field(min_length=1, max_length=4),
        AfterValidator(_distinct_letters),
    ]


class GeneratedNumeric(_Common):
    question_type: Literal["NUMERIC"]
    answer: Number
    tolerance: Annotated[Number, Field(ge=0)]


Generated = Annotated[
    GeneratedMCQ | GeneratedMSQ | GeneratedNumeric, Field(discriminator="question_type")
]
_ITEM = TypeAdapter(Generated)


@dataclass
class Dropped:
    index: int  # the item's place in the model's reply, from 0
    reason: str
    question_text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "question_text": self.question_text, "reason": self.reason}


@dataclass
class Parsed:
    items: list[Generated] = field(default_factory=list)
    item_indexes: list[int] = field(default_factory=list)  # each item's place in the reply
    dropped: list[Dropped] = field(default_factory=list)
    unreadable: str | None = None  # why the reply as a whole was not a list of questions


def reply_items(text: str) -> list[Any]:
    """The list of raw items in a reply: `{"questions": [...]}` (a code fence around it is
    tolerated, nothing else). Raises ValueError saying what is wrong with the reply as a whole."""
    fenced = _FENCE.match(text)
    try:
        data = json.loads(fenced.group(1) if fenced else text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"the reply is not valid JSON ({exc.msg} at character {exc.pos})"
        ) from None
    if isinstance(data, Mapping) and isinstance(data.get("questions"), list):
        return data["questions"]
    raise ValueError('the reply must be a JSON object {"questions": [...]}')


def parse_reply(text: str) -> Parsed:
    try:
        raw = reply_items(text)
    except ValueError as exc:
        return Parsed(unreadable=str(exc))
    parsed = Parsed()
    for index, raw_item in enumerate(raw):
        excerpt = _excerpt(raw_item)
        item = raw_item
        if isinstance(item, Mapping) and isinstance(item.get("question_type"), str):
            item = {**item, "question_type": _upper(item["question_type"])}
        try:
            generated = _ITEM.validate_python(item)
            clean(as_question(generated))  # the bank's rules: what passes here can be saved
        except ValidationError as exc:
            parsed.dropped.append(Dropped(index, reasons(exc), excerpt))
            continue
        except Invalid as exc:
            parsed.dropped.append(Dropped(index, exc.message, excerpt))
            continue
        parsed.items.append(generated)
        parsed.item_indexes.append(index)
    return parsed


_UNION_MEMBERS = ("MCQ", "MSQ", "NUMERIC", "int", "float")


def reasons(exc: ValidationError) -> str:
    parts: list[str] = []
    for e in exc.errors(include_url=False):
        path = [p for p in e["loc"] if p not in _UNION_MEMBERS]
        loc = ".".join(str(p) for p in path)
        message = e["msg"].removeprefix("Value error, ")
        if path and path[0] in ("answer", "tolerance") and e["type"] in ("int_type", "float_type"):
            message = "must be a JSON number"
        if e["type"] == "missing":
            message = "is missing"
        elif e["type"] == "union_tag_invalid":
            loc, message = "question_type", "must be MCQ, MSQ or NUMERIC"
        elif e["type"] == "union_tag_not_found":
            loc, message = "question_type", "is missing (MCQ, MSQ or NUMERIC)"
        elif e["type"] == "model_attributes_type":
            message = "each question must be a JSON object"
        part = f"{loc}: {message}" if loc else message
        if part not in parts:
            parts.append(part)
    return "; ".join(parts)


def _excerpt(item: Any) -> str:
    text = item.get("question_text") if isinstance(item, Mapping) else None
    if not isinstance(text, str):
        return ""
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:119] + "…"


def _number(value: float | int) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def as_question(
    item: Generated,
    *,
    exam_id: int | None = None,
    positive_marks: float | None = None,
    negative_marks: float | None = None,
) -> dict[str, Any]:
    """A generated item in SmartAIExam's question fields (the documented response, and what
    /admin/questions/add-ajax and the save endpoint take)."""
    question: dict[str, Any] = {
        "exam_id": exam_id,
        "question_text": item.question_text,
        "question_type": item.question_type,
    }
    if isinstance(item, GeneratedNumeric):
        question.update({k: "" for k in OPTION_KEYS[:4]})
        question["correct_answer"] = _number(item.answer)
        question["tolerance"] = float(_number(item.tolerance))
    else:
        question.update(dict(zip(OPTION_KEYS, item.options, strict=False)))
        answer = item.correct_answer
        question["correct_answer"] = answer if isinstance(answer, str) else ",".join(answer)
        question["tolerance"] = None
    question.update(
        {
            "positive_marks": positive_marks,
            "negative_marks": negative_marks,
            "explanation": item.explanation,
            "difficulty": DIFFICULTY_LEVELS[item.difficulty],
            "topic": item.topic,
        }
    )
    return question

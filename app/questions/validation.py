"""One validation for every way a question arrives: the add and edit endpoints, batch-add, the
pages' forms and each import format. Callers hand in a mapping in SmartAIExam's field names
(`question_text`, `option_a`..`option_h` or `options`, `correct_answer`, `image_path`, ...);
`clean()` returns the Question model's keyword arguments or raises `Invalid` naming every bad
field, so an import row, a batch item and a form field fail with the same words.

Types are checked by pydantic (lax: a form's "4" is the number 4; a JSON number is not a
question text), then the rules that span fields (the answer key against the options) here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from app.core.errors import Invalid
from app.questions.images import ImageLinkError, clean_image_url

TYPES = ("MCQ", "MSQ", "NUMERIC")
LETTERS = "ABCDEFGH"
OPTION_KEYS = tuple(f"option_{c}" for c in LETTERS.lower())
_OPTION_KEY_SET = frozenset(OPTION_KEYS)
MIN_OPTIONS, MAX_OPTIONS = 2, len(LETTERS)
MAX_TEXT = 20_000
MAX_OPTION = 5_000
MAX_TAGS, MAX_TAG = 30, 50
MAX_MARKS = 1000  # as the exam's marks (app.exams.fields)
TAG_SEPARATOR = ";"


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):  # pydantic's lax mode takes true as 1
        raise ValueError("Input should be a number, not true/false")
    return value


def _number(value: Any) -> Any:
    return _no_bool(_blank_to_none(value))


def _or(default: Any):
    """Blank (a form's empty field) or null means the default."""

    def pick(value: Any) -> Any:
        return default if value is None or (isinstance(value, str) and not value.strip()) else value

    return pick


def _int_or(default: int):
    pick = _or(default)
    return lambda value: _no_bool(pick(value))


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _lf(value: Any) -> Any:
    """Browsers submit a textarea's line breaks as CRLF; store LF, as the imports do."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _tags(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split(TAG_SEPARATOR)
    return value


def _answer(value: Any) -> Any:
    """Letters as "A,C" or ["A", "C"]; a NUMERIC value as a string or a JSON number."""
    if isinstance(value, bool):
        raise ValueError("Input should be option letters or a number")
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    return value


Text = Annotated[str, BeforeValidator(_or(""))]
LongText = Annotated[str, BeforeValidator(_lf), Field(max_length=MAX_TEXT)]
MAX_NUMERIC_EXPONENT = 30
MAX_ANSWER_CHARS = 200  # Question.correct_answer is String(200)

Marks = Annotated[
    Annotated[Decimal, Field(ge=0, le=MAX_MARKS, decimal_places=2, allow_inf_nan=False)] | None,
    BeforeValidator(_number),
]
Tolerance = Annotated[  # the column is NUMERIC(12, 4): at most 8 digits before the point
    Annotated[Decimal, Field(ge=0, lt=Decimal("1e8"), decimal_places=4, allow_inf_nan=False)]
    | None,
    BeforeValidator(_number),
]


class QuestionFields(BaseModel):
    """Each field's type and range; what depends on the question type is checked after."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    question_text: Annotated[LongText, Field(min_length=1)]
    question_type: Annotated[str, BeforeValidator(_or("MCQ")), BeforeValidator(_upper)] = "MCQ"
    options: list[Annotated[str, BeforeValidator(_lf), Field(max_length=MAX_OPTION)]] = Field(
        default_factory=list
    )
    correct_answer: Annotated[
        str, BeforeValidator(_or("")), BeforeValidator(_answer), Field(max_length=200)
    ] = ""
    tolerance: Tolerance = None
    image_path: Text = ""
    positive_marks: Marks = None
    negative_marks: Marks = None
    explanation: Annotated[LongText, BeforeValidator(_or(""))] = ""
    topic: Annotated[Text, Field(max_length=200)] = ""
    subtopic: Annotated[Text, Field(max_length=200)] = ""
    difficulty: Annotated[int, BeforeValidator(_int_or(3)), Field(ge=1, le=5)] = 3
    source: Annotated[Text, Field(max_length=200)] = ""
    tags: Annotated[list[str], BeforeValidator(_tags)] = Field(default_factory=list)
    section_id: Annotated[Annotated[int, Field(gt=0)] | None, BeforeValidator(_number)] = None
    set_number: Annotated[int, BeforeValidator(_int_or(1)), Field(ge=1, le=1000)] = 1


class Problems:
    """Field errors gathered for one question, located under `prefix` (a batch item)."""

    def __init__(self, prefix: Sequence[str | int] = ()) -> None:
        self.prefix = tuple(prefix)
        self.items: list[dict] = []

    def add(self, field: str, message: str, kind: str = "value_error") -> None:
        self.items.append({"loc": ["body", *self.prefix, field], "msg": message, "type": kind})

    def raise_if_any(self) -> None:
        if self.items:
            raise Invalid(describe(self.items), fields=self.items)


def describe(fields: list[dict]) -> str:
    """'questions[2].correct_answer: MCQ needs ...; question_text is required'."""
    parts = []
    for f in fields:
        loc = [p for p in f["loc"] if p != "body"]
        name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
        parts.append(f"{name} is required" if f["type"] == "missing" else f"{name}: {f['msg']}")
    return "; ".join(parts)


def collect_options(raw: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """`option_a`..`option_h` (blank = absent; no gaps) or an `options` list, as `options`.
    Both may come only when they agree (a `question` object posted back as it was read)."""
    data = {k: v for k, v in raw.items() if k not in _OPTION_KEY_SET}
    lettered = {k: raw[k] for k in OPTION_KEYS if _present(raw.get(k))}
    if "options" in raw and raw["options"] is not None:
        listed = raw["options"]
        agree = isinstance(listed, list) and lettered == {
            k: v for k, v in zip(OPTION_KEYS, listed, strict=False) if _present(v)
        }
        if lettered and not agree:
            problems.add("options", "give either options or option_a..option_h, not both")
        return data
    data.pop("options", None)
    values = []
    for i, key in enumerate(OPTION_KEYS):
        if key not in lettered:
            later = [k for k in OPTION_KEYS[i + 1 :] if k in lettered]
            if later:
                problems.add(key, f"is empty but {later[0]} is set: options must not have gaps")
            break
        values.append(lettered[key])
    data["options"] = values
    return data


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def clean(
    raw: Mapping[str, Any],
    *,
    section_ids: Collection[int] | None = None,
    prefix: Sequence[str | int] = (),
) -> dict[str, Any]:
    """The Question model's fields from one question in SmartAIExam's names, or `Invalid`
    listing every problem. `section_ids`, when given, are the sections of the target exam."""
    problems = Problems(prefix)
    data = collect_options(raw, problems)
    if "image_path" not in data and "image_url" in data:
        data["image_path"] = data["image_url"]
    if data.get("image_path") is None:
        data.pop("image_path", None)
    try:
        fields = QuestionFields.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors(include_url=False):
            loc = [str(p) for p in e["loc"]]
            field = loc[0] if loc else "body"
            if field == "options" and len(loc) > 1:
                field = OPTION_KEYS[int(loc[1])] if int(loc[1]) < MAX_OPTIONS else "options"
            kind, message = e["type"], e["msg"].removeprefix("Value error, ")
            if kind in ("missing", "string_too_short") and field == "question_text":
                kind, message = "missing", "is required"
            elif field in ("positive_marks", "negative_marks") and kind.startswith(
                ("greater", "less")
            ):
                message = f"must be from 0 to {MAX_MARKS}" + (
                    " (the marks deducted for a wrong answer, as a positive number: 1 means -1)"
                    if field == "negative_marks"
                    else ""
                )
            problems.add(field, message, kind)
        problems.raise_if_any()
        raise  # unreachable: every pydantic error was recorded
    problems.raise_if_any()
    out = _check(fields, problems, section_ids)
    problems.raise_if_any()
    return out


def _check(
    f: QuestionFields, problems: Problems, section_ids: Collection[int] | None
) -> dict[str, Any]:
    qtype = f.question_type
    options = list(f.options)
    answer = f.correct_answer
    tolerance = None
    if qtype == "CODING":
        problems.add("question_type", "CODING questions cannot be authored here yet")
    elif qtype not in TYPES:
        problems.add("question_type", "must be MCQ, MSQ or NUMERIC")
    elif qtype == "NUMERIC":
        if options:
            problems.add("options", "NUMERIC questions have no options")
        answer = _numeric_answer(answer, problems)
        tolerance = f.tolerance if f.tolerance is not None else Decimal(0)
    else:
        _check_options(options, problems)
        answer = _letters_answer(qtype, answer, len(options), problems)
    try:
        image = clean_image_url(f.image_path)
    except ImageLinkError as exc:
        problems.add("image_path", str(exc))
        image = ""
    if f.section_id is not None and section_ids is not None and f.section_id not in section_ids:
        problems.add("section_id", "no such section in this exam")
    return {
        "text": f.question_text,
        "question_type": qtype,
        "options": options,
        "correct_answer": answer,
        "tolerance": tolerance,
        "image_url": image,
        "positive_marks": f.positive_marks,
        "negative_marks": f.negative_marks,
        "explanation": f.explanation,
        "topic": f.topic,
        "subtopic": f.subtopic,
        "difficulty": f.difficulty,
        "source": f.source,
        "tags": _clean_tags(f.tags, problems),
        "section_id": f.section_id,
        "set_number": f.set_number,
    }


def _check_options(options: list[str], problems: Problems) -> None:
    if len(options) < MIN_OPTIONS:
        problems.add(
            "options", f"MCQ and MSQ questions need {MIN_OPTIONS} to {MAX_OPTIONS} options"
        )
    elif len(options) > MAX_OPTIONS:
        problems.add("options", f"at most {MAX_OPTIONS} options (A to H)")
    for i, text in enumerate(options[:MAX_OPTIONS]):
        if not text:
            problems.add(OPTION_KEYS[i], "must not be empty")


def _letters_answer(qtype: str, answer: str, count: int, problems: Problems) -> str:
    allowed = LETTERS[: min(count, MAX_OPTIONS)]
    span = f"{allowed[0]}-{allowed[-1]}" if len(allowed) > 1 else allowed or "none"
    letters = [p.strip().upper() for p in answer.replace(";", ",").replace(" ", ",").split(",")]
    letters = [p for p in letters if p]
    if not letters:
        problems.add("correct_answer", "is required", "missing")
        return ""
    bad = [p for p in letters if len(p) != 1 or p not in allowed]
    if bad:
        problems.add("correct_answer", f"{', '.join(bad)} is not an option letter ({span})")
    elif qtype == "MCQ" and len(letters) != 1:
        problems.add("correct_answer", f"MCQ needs exactly one correct letter ({span})")
    elif len(set(letters)) != len(letters):
        problems.add("correct_answer", "letters must be distinct")
    return ",".join(sorted(set(letters)))


def _numeric_answer(answer: str, problems: Problems) -> str:
    if not answer:
        problems.add("correct_answer", "is required", "missing")
        return ""
    try:
        value = Decimal(answer)
    except InvalidOperation:
        problems.add("correct_answer", "NUMERIC needs a number such as 42.5")
        return answer
    if not value.is_finite():
        problems.add("correct_answer", "NUMERIC needs a finite number")
        return answer
    # Checked before formatting: "1e999999999" would expand to a gigabyte of digits.
    if value and not -MAX_NUMERIC_EXPONENT <= value.adjusted() <= MAX_NUMERIC_EXPONENT:
        problems.add(
            "correct_answer",
            f"must be between 1e-{MAX_NUMERIC_EXPONENT} and 1e{MAX_NUMERIC_EXPONENT}",
        )
        return answer
    text = format(value, "f")
    if len(text) > MAX_ANSWER_CHARS:
        problems.add(
            "correct_answer", f"has too many digits (at most {MAX_ANSWER_CHARS} characters)"
        )
        return answer
    return text


def _clean_tags(tags: list[str], problems: Problems) -> list[str]:
    out: list[str] = []
    for tag in (t.strip() for t in tags):
        if tag and tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        problems.add("tags", f"at most {MAX_TAGS} tags")
    if any(TAG_SEPARATOR in t for t in out):
        problems.add("tags", f"a tag must not contain '{TAG_SEPARATOR}' (it separates tags)")
    long = [t for t in out if len(t) > MAX_TAG]
    if long:
        problems.add("tags", f"each tag at most {MAX_TAG} characters ({long[0][:20]}...)")
    return out

"""Checking a sync's answers against the attempt's paper, in SmartAIExam's shape:
`{"101": "A", "102": ["A", "C"], "103": "42.5"}` and `markedForReview: [101, 104]`.

Every problem in one request is reported together and nothing is saved, so a client learns all
it did wrong at once. Values are normalised (letters upper-case and sorted, numbers trimmed), and
an empty value means "not answered" and is dropped.
"""

from __future__ import annotations

from typing import Any

from app.attempts.scoring import NUMBER
from app.core.api import human
from app.core.errors import Invalid

MAX_NUMERIC = 40


def _problem(errors: list[dict], loc: list[Any], message: str) -> None:
    errors.append({"loc": ["body", *loc], "msg": message, "type": "invalid"})


def _letter(value: Any, letters: str) -> str | None:
    if isinstance(value, str) and value.strip().upper() in letters and len(value.strip()) == 1:
        return value.strip().upper()
    return None


def _clean_one(value: Any, entry: dict[str, Any], loc: list[Any], errors: list[dict]) -> Any:
    kind, letters = entry.get("type"), entry.get("letters", "")
    if value is None or (isinstance(value, (str, list)) and not value):
        return None
    if kind == "MCQ":
        letter = _letter(value, letters)
        if letter is None:
            _problem(errors, loc, f"Choose one of {', '.join(letters)}.")
        return letter
    if kind == "MSQ":
        if not isinstance(value, list):
            _problem(errors, loc, f"Send a list of letters among {', '.join(letters)}.")
            return None
        chosen = [_letter(v, letters) for v in value]
        if any(c is None for c in chosen):
            _problem(errors, loc, f"Every choice must be one of {', '.join(letters)}.")
            return None
        return sorted(set(chosen))  # type: ignore[arg-type]
    if kind == "NUMERIC":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            _problem(errors, loc, 'Send the number as a string, e.g. "42.5".')
            return None
        text = str(value).strip()
        if not text:
            return None
        if len(text) > MAX_NUMERIC or not NUMBER.match(text):
            _problem(errors, loc, "Enter a number, e.g. 42.5 or -3.")
            return None
        return text
    _problem(errors, loc, "This question cannot be answered.")
    return None


def clean(
    answers: Any, marked: Any, layout: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], list[int] | None]:
    """The answers and marks to store, or Invalid naming every problem. `marked` None means
    the client did not send it (the stored marks stay)."""
    errors: list[dict] = []
    cleaned: dict[str, Any] = {}
    if not isinstance(answers, dict):
        _problem(errors, ["answers"], "Send answers as an object of question id to answer.")
    else:
        for key, value in answers.items():
            qid = str(key).strip()
            entry = layout.get(qid)
            if entry is None:
                _problem(errors, ["answers", qid], "This question is not in your exam.")
                continue
            answer = _clean_one(value, entry, ["answers", qid], errors)
            if answer is not None:
                cleaned[qid] = answer
    marks: list[int] | None = None
    if marked is not None:
        if not isinstance(marked, list):
            _problem(errors, ["markedForReview"], "Send a list of question ids.")
        else:
            marks = []
            for item in marked:
                qid = str(item).strip()
                if isinstance(item, bool) or qid not in layout:
                    _problem(errors, ["markedForReview"], f"Question {qid} is not in your exam.")
                elif int(qid) not in marks:
                    marks.append(int(qid))
    if errors:
        raise Invalid(human(errors), fields=errors)
    return cleaned, marks

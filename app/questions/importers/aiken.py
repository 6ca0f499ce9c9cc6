"""Moodle's Aiken format (docs.moodle.org, "Aiken format"): single-answer multiple choice.

    What is the correct answer to this question?
    A. Is it this one?
    B) Maybe this answer?
    ANSWER: B

The question, then options `A. text` or `A) text` (one capital letter, `.` or `)`, a space) in
order from A, then `ANSWER: <letter>` ends the question. Blank lines between questions are
optional. As in Moodle, the letters and the word ANSWER must be capitals. Examhall also accepts
a question written over several lines (Moodle wants one line) and no space after `ANSWER:`.
Every question becomes an MCQ; a question that breaks the pattern is refused with the line
number, and reading resumes after its ANSWER line.
"""

from __future__ import annotations

import re

from app.questions.importers.rows import ParsedRow, ParseResult
from app.questions.validation import LETTERS

OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
ANSWER = re.compile(r"^ANSWER:\s*(.*)$")


class _Question:
    def __init__(self, line: int) -> None:
        self.line = line
        self.text: list[str] = []
        self.options: list[str] = []
        self.error: str | None = None

    def fail(self, line: int, reason: str) -> None:
        if self.error is None:
            self.error = f"line {line}: {reason}"


def parse(text: str) -> ParseResult:
    result = ParseResult()
    current: _Question | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if current is None:
            current = _Question(number)
        answer = ANSWER.match(line)
        option = OPTION.match(line)
        if answer:
            result.rows.append(_finish(current, number, answer.group(1).strip()))
            current = None
        elif option:
            expected = LETTERS[len(current.options)] if len(current.options) < 8 else None
            letter = option.group(1)
            if not current.text:
                current.fail(number, f"option {letter} comes before the question text")
            elif expected is None:
                current.fail(number, "more than 8 options (A to H)")
            elif letter != expected:
                current.fail(number, f"expected option {expected}, found {letter}")
            current.options.append(option.group(2).strip())
        elif current.options:
            current.fail(
                number, f"expected an option ('{_next(current)}. text') or 'ANSWER: <letter>'"
            )
        else:
            current.text.append(line)
    if current is not None:
        current.fail(current.line, "the question has no 'ANSWER: <letter>' line")
        result.rows.append(ParsedRow(row=current.line, error=current.error))
    return result


def _next(q: _Question) -> str:
    return LETTERS[len(q.options)] if len(q.options) < len(LETTERS) else "?"


def _finish(q: _Question, number: int, letter: str) -> ParsedRow:
    if not q.text:
        q.fail(number, "ANSWER line without a question")
    elif len(q.options) < 2:
        q.fail(number, "a question needs at least two options (A. and B.) before ANSWER")
    elif not re.fullmatch(r"[A-Z]", letter):
        q.fail(number, f"ANSWER must be one capital letter, found {letter!r}")
    if q.error:
        return ParsedRow(row=q.line, error=q.error)
    data = {
        "question_text": "\n".join(q.text),
        "question_type": "MCQ",
        "options": q.options,
        "correct_answer": letter,
    }
    return ParsedRow(row=q.line, data=data)

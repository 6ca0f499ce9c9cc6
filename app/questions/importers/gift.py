"""Moodle's GIFT format (docs.moodle.org, "GIFT format"), the types Examhall can hold:

- multiple choice `{=right ~wrong ~wrong}` -> MCQ (exactly one `=`);
- multiple answers `{~%50%A ~%50%B ~%-100%C}` (no `=`) -> MSQ, the options with a positive
  weight are correct (Moodle's "multiple answers" mode is exactly "no answer marked =");
- true/false `{T}` `{F}` `{TRUE}` `{FALSE}` -> MCQ with the options True and False;
- numerical `{#3.14:0.01}`, `{#1..5}` (value = the middle, tolerance = half the range),
  `{#1822}`, and `{# =1822:0 =%50%1822:2}` (the full-credit answer is kept) -> NUMERIC.

Also: `::title::` (read and dropped: Examhall questions have no title), `//` comment lines,
`[markdown]`/`[html]`/`[moodle]`/`[plain]` format tags (dropped, text kept as written), per-answer
`#feedback` (dropped), general feedback `####text` -> explanation, `$CATEGORY: a/b` -> topic of
the questions that follow (Moodle's `$course$/` or `$system$/` context and `top/` are left off).
Escapes `\\~ \\= \\# \\{ \\} \\:` give the character; `\\n` is a line break outside LaTeX math
(inside it, `\\neq` and `\\nu` survive, which Moodle would break); `\\\\` stays as typed (a LaTeX
line break).

Refused, naming the line: matching (`=a -> b`), short answer (only `=` answers), essay (`{}`),
missing word (text after the answer block), descriptions (no answer block).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from app.questions.importers.rows import ParsedRow, ParseResult
from app.questions.validation import LETTERS

ESCAPES = {":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004", "}": "\ue005", "~": "\ue006"}
BACKSLASH = "\ue007"
FORMAT_TAG = re.compile(r"^\s*\[(?:html|moodle|plain|markdown)\]\s*", re.IGNORECASE)
TRUE_FALSE = re.compile(r"(TRUE|FALSE|T|F)\s*(?:#.*)?", re.DOTALL)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
TRAILING_PUNCTUATION = re.compile(r"[\s.,;:!?]*")
CONTEXTS = re.compile(r"^\$(?:course|system|module|cat\d*)\$/")


class Reject(Exception):
    """This question cannot be imported; the message says why."""


@dataclass
class Answer:
    correct: bool  # marked with =
    weight: Decimal | None
    text: str


MATH = re.compile(r"\$\$.*?\$\$|\$.*?\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)


def protect(text: str) -> str:
    """Escaped characters become placeholders, so the structure can be read with plain string
    searches; `restore` turns them back into the characters. `\\n` is a line break outside
    LaTeX math only: inside `$...$`, `$$...$$`, `\\(...\\)` or `\\[...\\]` it starts a command
    (`\\neq`, `\\nu`, `\\nabla`), which Moodle would break."""
    text = text.replace("\\\\", BACKSLASH)
    for char, placeholder in ESCAPES.items():
        text = text.replace("\\" + char, placeholder)
    out, last = [], 0
    for math in MATH.finditer(text):
        out.append(text[last : math.start()].replace("\\n", "\n"))
        out.append(math.group(0))
        last = math.end()
    out.append(text[last:].replace("\\n", "\n"))
    return "".join(out)


def restore(text: str) -> str:
    for char, placeholder in ESCAPES.items():
        text = text.replace(placeholder, char)
    return text.replace(BACKSLASH, "\\\\")


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Questions are separated by blank lines; comment lines are dropped. Each block comes with
    the number of its first line that is not a comment."""
    blocks: list[tuple[int, list[str]]] = []
    start, lines = 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if lines:
                blocks.append((start, lines))
            start, lines = 0, []
            continue
        if line.lstrip().startswith("//"):
            continue
        if not lines:
            start = number
        lines.append(line)
    if lines:
        blocks.append((start, lines))
    return blocks


def parse(text: str) -> ParseResult:
    result = ParseResult()
    topic = ""
    for first_line, raw in _blocks(text):
        start, lines = first_line, protect("\n".join(raw)).split("\n")
        head = lines[0].strip()
        if head.upper().startswith("$CATEGORY:"):
            topic = _category(head.split(":", 1)[1])
            start, lines = start + 1, lines[1:]
            if not lines:
                continue
        try:
            data = question(lines)
        except Reject as exc:
            result.rows.append(ParsedRow(row=start, error=f"line {start}: {exc}"))
            continue
        if topic:
            data["topic"] = topic
        result.rows.append(ParsedRow(row=start, data=data))
    return result


def _category(path: str) -> str:
    path = restore(path).strip()
    path = CONTEXTS.sub("", path)
    path = re.sub(r"^top(?:/|$)", "", path)
    return path.strip("/ ")


def question(lines: list[str]) -> dict[str, Any]:
    body = FORMAT_TAG.sub("", "\n".join(line.rstrip() for line in lines).strip(), count=1)
    title = re.match(r"::(.*?)::", body, re.DOTALL)
    if title:  # Moodle writes ::title::[format]text; the format first is read too
        body = FORMAT_TAG.sub("", body[title.end() :], count=1)
    opened = body.find("{")
    if opened < 0:
        raise Reject("no answer block {...}: a description, not a question")
    closed = body.find("}", opened)
    if closed < 0:
        raise Reject("the answer block is not closed: '{' without '}'")
    before, inside, after = body[:opened], body[opened + 1 : closed], body[closed + 1 :]
    if "{" in after:
        raise Reject("more than one answer block")
    if not TRAILING_PUNCTUATION.fullmatch(after):
        raise Reject(
            "missing word questions (text after the answer block) are not supported: "
            "put the answers at the end"
        )
    inside, _, general = inside.partition("####")
    data: dict[str, Any] = {"question_text": restore(before).strip()}
    if general.strip():
        data["explanation"] = restore(FORMAT_TAG.sub("", general, count=1)).strip()
    data.update(answers(inside.strip()))
    return data


def answers(body: str) -> dict[str, Any]:
    if not body:
        raise Reject("essay questions ({} with no answers) are not supported")
    if body.startswith("#"):
        return _numeric(body[1:].strip())
    tf = TRUE_FALSE.fullmatch(body)
    if tf:
        correct = "A" if tf.group(1) in ("T", "TRUE") else "B"
        return {"question_type": "MCQ", "options": ["True", "False"], "correct_answer": correct}
    choices = _choices(body)
    right = [a for a in choices if a.correct]
    wrong = [a for a in choices if not a.correct]
    if right and not wrong and all("->" in a.text for a in right):
        raise Reject("matching questions (=item -> match) are not supported")
    if not wrong:
        raise Reject(
            "short answer questions (only = answers) are not supported: "
            "add wrong options with ~ for a multiple choice question"
        )
    options = [restore(a.text) for a in choices]
    if right:
        if len(right) > 1:
            raise Reject(
                "several answers are marked =, but an MCQ has exactly one correct option; "
                "for several correct options give each a positive weight, e.g. ~%50%"
            )
        letter = LETTERS[choices.index(right[0])] if len(choices) <= len(LETTERS) else "?"
        return {"question_type": "MCQ", "options": options, "correct_answer": letter}
    positive = [i for i, a in enumerate(choices) if a.weight is not None and a.weight > 0]
    if not positive:
        raise Reject("no correct answer: mark one with = or give the correct ones a weight ~%50%")
    letters = ",".join(LETTERS[i] if i < len(LETTERS) else "?" for i in positive)
    return {"question_type": "MSQ", "options": options, "correct_answer": letters}


def _choices(body: str) -> list[Answer]:
    pieces = re.split(r"(?=[=~])", body)
    if pieces[0].strip():
        raise Reject(f"answer text before the first = or ~: {restore(pieces[0]).strip()[:40]!r}")
    out = []
    for piece in pieces[1:]:
        rest = piece[1:]
        weight = WEIGHT.match(rest)
        value = Decimal(weight.group(1)) if weight else None
        if weight:
            rest = rest[weight.end() :]
        text = rest.split("#", 1)[0]
        out.append(Answer(piece[0] == "=", value, FORMAT_TAG.sub("", text, count=1).strip()))
    return out


def _numeric(body: str) -> dict[str, Any]:
    if not body:
        raise Reject("numerical answer block {#} has no value")
    chosen = body
    if body.startswith("="):
        candidates = []
        for piece in re.split(r"(?==)", body)[1:]:
            weight = WEIGHT.match(piece[1:])
            text = piece[1 + (weight.end() if weight else 0) :]
            full = weight is None or Decimal(weight.group(1)) == 100
            candidates.append((full, text))
        full_credit = [text for full, text in candidates if full]
        if not full_credit:
            raise Reject("numerical question without a full-credit (100%) answer")
        chosen = full_credit[0]
    spec = chosen.split("#", 1)[0].strip()
    try:
        if ".." in spec:
            low, high = (Decimal(p.strip()) for p in spec.split("..", 1))
            low, high = min(low, high), max(low, high)
            value, tolerance = (low + high) / 2, (high - low) / 2
        elif ":" in spec:
            raw_value, raw_tolerance = spec.split(":", 1)
            value, tolerance = Decimal(raw_value.strip()), abs(Decimal(raw_tolerance.strip()))
        else:
            value, tolerance = Decimal(spec), Decimal(0)
    except (InvalidOperation, ValueError):
        raise Reject(f"numerical answer {restore(spec)!r} is not a number") from None
    return {
        "question_type": "NUMERIC",
        "correct_answer": format(value.normalize(), "f"),
        "tolerance": format(tolerance.normalize(), "f"),
    }

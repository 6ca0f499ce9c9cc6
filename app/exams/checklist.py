"""What an exam needs before students may see it. Publishing runs this checklist, and so does
every save of an exam that is already published, so a published exam always satisfies it.

`answer_problem` is the rule for "this question has a valid correct answer"; the question pages
use it too, so an exam cannot be published with a question they would have refused.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from app.models import Exam, Question

LETTERS = string.ascii_uppercase
MAX_LISTED = 10  # problems listed per item; the rest are counted


@dataclass
class Item:
    key: str
    label: str
    problems: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "met": self.met, "problems": self.problems}


def option_letters(question: Question) -> str:
    """Letters of the options that have text: a blank option_d is not an option."""
    return "".join(
        LETTERS[i] for i, text in enumerate(question.options or []) if str(text or "").strip()
    )[: len(LETTERS)]


def answer_problem(question: Question) -> str | None:
    """Why this question's correct answer is not valid for its type, or None when it is."""
    kind = (question.question_type or "").upper()
    answer = (question.correct_answer or "").strip().upper()
    if kind in ("MCQ", "MSQ"):
        letters = option_letters(question)
        if len(letters) < 2:
            return "needs at least two options"
        if not answer:
            return "has no correct answer"
        if kind == "MCQ":
            if len(answer) != 1 or answer not in letters:
                return f"correct answer must be one of {', '.join(letters)}"
            return None
        chosen = [p for p in re.split(r"[\s,;]+", answer) if p]
        if not chosen or any(len(p) != 1 or p not in letters for p in chosen):
            return f"correct answers must be letters among {', '.join(letters)}, e.g. A,C"
        return None
    if kind == "NUMERIC":
        try:
            value = Decimal(answer)
        except InvalidOperation:
            return "correct answer must be a number"
        if not value.is_finite():
            return "correct answer must be a number"
        if question.tolerance is not None and question.tolerance < 0:
            return "tolerance must be 0 or more"
        return None
    return f"unknown question type {question.question_type!r}"


def _listed(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LISTED:
        return problems
    return [*problems[:MAX_LISTED], f"and {len(problems) - MAX_LISTED} more"]


def schedule_problems(exam: Exam) -> list[str]:
    problems = []
    if exam.starts_at is None:
        problems.append("Set a start date and time.")
    if not exam.duration_minutes or exam.duration_minutes <= 0:
        problems.append("Set a duration of at least one minute.")
    if exam.starts_at and exam.ends_at:
        if exam.ends_at <= exam.starts_at:
            problems.append("The end must be after the start.")
        elif exam.duration_minutes and exam.duration_minutes > 0:
            window = int((exam.ends_at - exam.starts_at).total_seconds() // 60)
            if exam.duration_minutes > window:
                problems.append(
                    f"The duration ({exam.duration_minutes} min) is longer than the window "
                    f"between start and end ({window} min)."
                )
    return problems


def run(exam: Exam) -> list[Item]:
    questions = list(exam.questions)
    has = Item("has_questions", "Has at least one question")
    if not questions:
        has.problems.append("Add at least one question.")
    answers = Item("answers_valid", "Every question has a valid correct answer")
    for number, question in enumerate(questions, start=1):
        problem = answer_problem(question)
        if problem:
            answers.problems.append(f"Question {number} ({question.question_type}): {problem}.")
    answers.problems = _listed(answers.problems)
    schedule = Item("schedule_valid", "Schedule is valid", schedule_problems(exam))
    return [has, answers, schedule]


def unmet(items: list[Item]) -> list[str]:
    return [p for item in items for p in item.problems]

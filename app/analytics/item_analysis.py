"""Item analysis of an exam, after Moodle's quiz statistics report
(https://docs.moodle.org/dev/Quiz_statistics_calculations).

One attempt per student: the first one they submitted (Moodle's default), so a second try at a
paper the student has already seen does not flatter the questions. For each question:

- facility index F = 100 · (mean mark - lowest possible mark) / (highest - lowest possible
  mark): the mean score as a fraction of the question's range. With negative marking the
  lowest possible mark is -negative_marks, as in Moodle's minimum fraction;
- discrimination index D = 100 · r(x, X), the Pearson correlation between the question's mark
  x and the rest of the test X (the total without this question), Moodle's "discrimination
  index"; undefined (None) when either does not vary;
- how often each option was chosen (MCQ, MSQ), or the most common answers (NUMERIC).

For the exam: mean, median and standard deviation of the totals (sample SD, n - 1, as Moodle),
and Cronbach's alpha (Moodle's "coefficient of internal consistency"):
alpha = k / (k - 1) · (1 - Σ var(x_i) / var(T)), over the questions every included attempt had.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.exams.checklist import LETTERS
from app.extensions import db
from app.models import Attempt, Exam, Question, QuestionResponse, Result
from app.models.attempts import SUBMITTED

TOP_NUMERIC_ANSWERS = 5


# Statistics, on plain numbers -------------------------------------------------------------


def mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def median(xs: list[float]) -> float | None:
    if not xs:
        return None
    ordered = sorted(xs)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def variance(xs: list[float]) -> float | None:
    """Sample variance (n - 1)."""
    if len(xs) < 2:
        return None
    m = sum(xs) / len(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def sd(xs: list[float]) -> float | None:
    v = variance(xs)
    return math.sqrt(v) if v is not None else None


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r; None when fewer than two pairs or either side is constant."""
    if len(xs) != len(ys) or len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def facility(marks: list[float], lowest: float, highest: float) -> float | None:
    if not marks or highest <= lowest:
        return None
    return 100 * (sum(marks) / len(marks) - lowest) / (highest - lowest)


def cronbach_alpha(matrix: list[list[float]]) -> float | None:
    """Rows are students, columns questions (every row complete). None with fewer than two
    questions or two students, or when the totals do not vary."""
    if len(matrix) < 2 or not matrix[0] or len(matrix[0]) < 2:
        return None
    k = len(matrix[0])
    item_var = sum(variance([row[j] for row in matrix]) or 0.0 for j in range(k))
    total_var = variance([sum(row) for row in matrix])
    if not total_var:
        return None
    return k / (k - 1) * (1 - item_var / total_var)


# The exam -------------------------------------------------------------------------------


@dataclass
class OptionCount:
    label: str
    text: str
    count: int
    percent: float
    correct: bool


@dataclass
class ItemStats:
    question_id: int
    number: int
    text: str
    question_type: str
    highest: float
    lowest: float
    attempts: int
    mean_mark: float | None
    sd: float | None
    facility: float | None
    discrimination: float | None
    unanswered: int
    options: list[OptionCount] = field(default_factory=list)


@dataclass
class ExamStats:
    attempts: int
    max_score: float | None
    mean: float | None
    median: float | None
    sd: float | None
    alpha: float | None
    alpha_items: int
    items: list[ItemStats] = field(default_factory=list)


def first_attempt_results(exam_id: int) -> list[Result]:
    """Each student's first submitted attempt's result."""
    first = (
        select(Attempt.user_id, func.min(Attempt.number).label("number"))
        .join(Result, Result.attempt_id == Attempt.id)
        .where(Attempt.exam_id == exam_id, Attempt.status == SUBMITTED)
        .group_by(Attempt.user_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Result)
            .join(Attempt, Attempt.id == Result.attempt_id)
            .join(first, (first.c.user_id == Attempt.user_id) & (first.c.number == Attempt.number))
            .where(Attempt.exam_id == exam_id)
            .order_by(Result.id)
        )
    )


def _chosen(answer: Any) -> list[str]:
    if isinstance(answer, list):
        return [str(a) for a in answer if a]
    return [str(answer)] if answer not in (None, "") else []


def _key(correct_answer: str) -> set[str]:
    return {p for p in correct_answer.replace(";", ",").replace(" ", ",").split(",") if p}


def _options(question: Question | None, rows: list[QuestionResponse]) -> list[OptionCount]:
    n = len(rows) or 1
    if rows and rows[0].question_type in ("MCQ", "MSQ"):
        texts = {}
        if question is not None:
            texts = {
                LETTERS[i]: str(t) for i, t in enumerate(question.options or []) if str(t).strip()
            }
        counts: Counter[str] = Counter(a for r in rows for a in _chosen(r.answer))
        key = _key(rows[-1].correct_answer)
        letters = list(texts) + sorted(set(counts) - set(texts))
        return [
            OptionCount(
                letter,
                texts.get(letter, ""),
                counts[letter],
                100 * counts[letter] / n,
                letter in key,
            )
            for letter in letters
        ]
    answers: Counter[str] = Counter()
    right: set[str] = set()
    for r in rows:
        if r.answer not in (None, ""):
            answers[str(r.answer)] += 1
            if r.is_correct:
                right.add(str(r.answer))
    return [
        OptionCount(value, "", count, 100 * count / n, value in right)
        for value, count in answers.most_common(TOP_NUMERIC_ANSWERS)
    ]


def analyse_exam(exam: Exam) -> ExamStats:
    results = first_attempt_results(exam.id)
    ids = [r.id for r in results]
    rows = (
        list(
            db.session.scalars(
                select(QuestionResponse).where(
                    QuestionResponse.result_id.in_(ids), QuestionResponse.question_id.is_not(None)
                )
            )
        )
        if ids
        else []
    )
    totals = {r.id: float(r.score) for r in results}
    by_question: dict[int, list[QuestionResponse]] = {}
    for row in rows:
        by_question.setdefault(row.question_id, []).append(row)
    questions = {q.id: q for q in exam.questions}
    order = [q.id for q in exam.questions] + sorted(set(by_question) - set(questions))

    items: list[ItemStats] = []
    for number, qid in enumerate((q for q in order if q in by_question), start=1):
        q_rows = by_question[qid]
        marks = [float(r.marks_awarded) for r in q_rows]
        rest = [totals[r.result_id] - float(r.marks_awarded) for r in q_rows]
        highest = max(float(r.positive_marks) for r in q_rows)
        lowest = -max(float(r.negative_marks) for r in q_rows)
        fac = facility(marks, lowest, highest)
        r = correlation(marks, rest)
        question = questions.get(qid)
        items.append(
            ItemStats(
                question_id=qid,
                number=number,
                text=question.text if question is not None else "",
                question_type=q_rows[0].question_type,
                highest=highest,
                lowest=lowest,
                attempts=len(q_rows),
                mean_mark=mean(marks),
                sd=sd(marks),
                facility=fac,
                discrimination=100 * r if r is not None else None,
                unanswered=sum(1 for x in q_rows if x.is_correct is None),
                options=_options(question, q_rows),
            )
        )

    # Alpha needs a complete table: the questions every included attempt answered or skipped.
    common = [qid for qid in by_question if len(by_question[qid]) == len(results)]
    cells = {(row.result_id, row.question_id): float(row.marks_awarded) for row in rows}
    matrix = [[cells[(rid, qid)] for qid in common] for rid in ids] if common else []
    scores = [totals[rid] for rid in ids]
    return ExamStats(
        attempts=len(results),
        max_score=max((float(r.max_score) for r in results), default=None),
        mean=mean(scores),
        median=median(scores),
        sd=sd(scores),
        alpha=cronbach_alpha(matrix),
        alpha_items=len(common),
        items=items,
    )


def _r(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def as_json(exam: Exam, stats: ExamStats) -> dict[str, Any]:
    return {
        "exam": {"id": exam.id, "name": exam.name},
        "summary": {
            "attempts_analysed": stats.attempts,
            "attempts_rule": "first submitted attempt per student",
            "max_score": _r(stats.max_score),
            "mean": _r(stats.mean),
            "median": _r(stats.median),
            "standard_deviation": _r(stats.sd),
            "cronbach_alpha": _r(stats.alpha, 4),
            "alpha_questions": stats.alpha_items,
        },
        "questions": [
            {
                "question_id": i.question_id,
                "number": i.number,
                "question_text": i.text,
                "question_type": i.question_type,
                "attempts": i.attempts,
                "unanswered": i.unanswered,
                "max_mark": _r(i.highest),
                "min_mark": _r(i.lowest),
                "mean_mark": _r(i.mean_mark),
                "standard_deviation": _r(i.sd),
                "facility_index": _r(i.facility),
                "discrimination_index": _r(i.discrimination),
                "options": [
                    {
                        "option": o.label,
                        "text": o.text,
                        "count": o.count,
                        "percent": _r(o.percent, 1),
                        "correct": o.correct,
                    }
                    for o in i.options
                ],
            }
            for i in stats.items
        ],
    }


def as_decimal(value: float | None, places: str = "0.1") -> Decimal | None:
    """For templates: a rounded Decimal, or None."""
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))

"""The SmartAIExam users-analytics figures (000_…, "Analytics, result data, PDF download").

Every figure is over the results of the exams the actor manages (every exam for admins), so a
teacher never sees another teacher's students. Filters are parsed in `filters.py`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Float, Select, and_, case, cast, func, or_, select
from sqlalchemy.orm import joinedload

from app.analytics.filters import DataFilters, ResultFilters, iso
from app.core import roles as R
from app.core.pagination import Page, paginate
from app.exams.access import manageable_clause
from app.extensions import db
from app.models import Exam, QuestionResponse, Result, User
from app.results.services import percent

TOP_PERFORMERS = 10
RECENT_ACTIVITY = 10
BUCKETS = 10  # 0-10 %, 10-20 %, ... 90-100 %


# Queries ----------------------------------------------------------------------------------


def _scope(actor: User) -> ColumnElement[bool]:
    """Results of the exams this actor manages."""
    return Result.exam_id.in_(select(Exam.id).where(manageable_clause(actor)))


def _filtered(actor: User, filters: DataFilters) -> list[ColumnElement[bool]]:
    where = [_scope(actor), filters.window.clause(Result.submitted_at)]
    if filters.exam_id is not None:
        where.append(Result.exam_id == filters.exam_id)
    return where


def stats(actor: User) -> dict[str, int]:
    """The documented four counts. An admin counts every account and exam; a teacher the
    students who sat their exams and the exams they manage."""
    scope = _scope(actor)
    if actor.has_role(R.ADMIN):
        users = db.session.scalar(select(func.count(User.id)))
    else:
        users = db.session.scalar(select(func.count(func.distinct(Result.user_id))).where(scope))
    exams = db.session.scalar(select(func.count(Exam.id)).where(manageable_clause(actor)))
    results = db.session.scalar(select(func.count(Result.id)).where(scope))
    responses = db.session.scalar(
        select(func.count(QuestionResponse.id))
        .join(Result, Result.id == QuestionResponse.result_id)
        .where(scope)
    )
    return {
        "total_users": users or 0,
        "total_exams": exams or 0,
        "total_results": results or 0,
        "total_responses": responses or 0,
    }


def _fraction() -> ColumnElement[float]:
    """score / max_score as a float (SQLite divides integers as integers)."""
    return case(
        (Result.max_score > 0, cast(Result.score, Float) / cast(Result.max_score, Float)),
        else_=0.0,
    )


def _distribution(where: list[ColumnElement[bool]]) -> list[dict[str, Any]]:
    """Ten buckets of percentage: [0, 10), [10, 20), ... [90, 100]. Compared without division
    (score * 10 against i * max_score) so both databases agree at the edges; a negative score
    counts in the first bucket."""
    columns = []
    for i in range(BUCKETS):
        conds = []
        if i > 0:
            conds.append(Result.score * 10 >= Result.max_score * i)
        if i < BUCKETS - 1:
            conds.append(or_(Result.score * 10 < Result.max_score * (i + 1), Result.max_score <= 0))
        else:
            conds.append(Result.max_score > 0)
        columns.append(func.coalesce(func.sum(case((and_(*conds), 1), else_=0)), 0))
    counts = db.session.execute(select(*columns).where(*where)).one()
    step = 100 // BUCKETS
    return [
        {
            "range": f"{i * step}-{(i + 1) * step}",
            "min": i * step,
            "max": (i + 1) * step,
            "count": int(counts[i]),
        }
        for i in range(BUCKETS)
    ]


NAMES = (joinedload(Result.user), joinedload(Result.exam))


def _result_line(result: Result) -> dict[str, Any]:
    user, exam = result.user, result.exam
    return {
        "result_id": result.id,
        "user_id": result.user_id,
        "username": user.username,
        "full_name": user.full_name,
        "exam_id": result.exam_id,
        "exam_name": exam.name,
        "score": result.score,
        "max_score": result.max_score,
        "percent": percent(result.score, result.max_score),
        "correct": result.correct,
        "wrong": result.wrong,
        "unanswered": result.unanswered,
        "time_taken_seconds": result.time_taken_seconds,
        "submitted_at": result.submitted_at.replace(microsecond=0),
    }


def _top_performers(where: list[ColumnElement[bool]]) -> list[dict[str, Any]]:
    """Each student once, by their best percentage in the filter; ties: the quicker, then the
    earlier result first."""
    ranked = (
        select(
            Result.id,
            func.row_number()
            .over(
                partition_by=Result.user_id,
                order_by=(_fraction().desc(), Result.time_taken_seconds, Result.id),
            )
            .label("n"),
        )
        .where(*where)
        .subquery()
    )
    best = list(
        db.session.scalars(
            select(Result)
            .options(*NAMES)
            .join(ranked, ranked.c.id == Result.id)
            .where(ranked.c.n == 1)
            .order_by(_fraction().desc(), Result.time_taken_seconds, Result.submitted_at)
            .limit(TOP_PERFORMERS)
        )
    )
    return [{"rank": i, **_result_line(r)} for i, r in enumerate(best, start=1)]


def _exam_stats(where: list[ColumnElement[bool]]) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(
            Exam.id,
            Exam.name,
            func.count(Result.id),
            func.count(func.distinct(Result.user_id)),
            func.avg(Result.score),
            func.max(Result.score),
            func.min(Result.score),
            func.max(Result.max_score),
            func.avg(_fraction()),
            func.max(Result.submitted_at),
        )
        .join(Exam, Exam.id == Result.exam_id)
        .where(*where)
        .group_by(Exam.id, Exam.name)
        .order_by(func.count(Result.id).desc(), Exam.name)
    ).all()
    cent, tenth = Decimal("0.01"), Decimal("0.1")
    return [
        {
            "exam_id": exam_id,
            "exam_name": name,
            "total_attempts": count,
            "unique_students": students,
            "average_score": Decimal(str(avg)).quantize(cent),
            "highest_score": Decimal(str(high)).quantize(cent),
            "lowest_score": Decimal(str(low)).quantize(cent),
            "max_score": Decimal(str(top)).quantize(cent),
            "average_percent": (Decimal(str(frac)) * 100).quantize(tenth),
            "last_submitted_at": iso(last),
        }
        for exam_id, name, count, students, avg, high, low, top, frac, last in rows
    ]


def _summary(where: list[ColumnElement[bool]]) -> dict[str, Any]:
    count, students, frac, high, low = db.session.execute(
        select(
            func.count(Result.id),
            func.count(func.distinct(Result.user_id)),
            func.avg(_fraction()),
            func.max(_fraction()),
            func.min(_fraction()),
        ).where(*where)
    ).one()
    tenth = Decimal("0.1")

    def pct(value: Any) -> Decimal | None:
        return None if value is None else (Decimal(str(value)) * 100).quantize(tenth)

    return {
        "total_results": count or 0,
        "unique_students": students or 0,
        "average_percent": pct(frac),
        "highest_percent": pct(high),
        "lowest_percent": pct(low),
    }


def data(actor: User, filters: DataFilters) -> dict[str, Any]:
    where = _filtered(actor, filters)
    recent = list(
        db.session.scalars(
            select(Result)
            .options(*NAMES)
            .where(*where)
            .order_by(Result.submitted_at.desc(), Result.id.desc())
            .limit(RECENT_ACTIVITY)
        )
    )
    return {
        "filters": filters.echo(),
        "summary": _summary(where),
        "score_distribution": _distribution(where),
        "top_performers": _top_performers(where),
        "exam_stats": _exam_stats(where),
        "recent_activity": [_result_line(r) for r in recent],
    }


def results_query(actor: User, filters: ResultFilters) -> Select:
    stmt = (
        select(Result)
        .options(*NAMES)
        .join(User, User.id == Result.user_id)
        .where(_scope(actor), filters.window().clause(Result.submitted_at))
    )
    if filters.exam_id is not None:
        stmt = stmt.where(Result.exam_id == filters.exam_id)
    if filters.user:
        if filters.user.isdigit():
            stmt = stmt.where(Result.user_id == int(filters.user))
        else:
            escaped = filters.user.lower().replace("\\", "\\\\").replace("%", "\\%")
            pattern = "%" + escaped.replace("_", "\\_") + "%"
            stmt = stmt.where(
                or_(
                    func.lower(User.username).like(pattern, escape="\\"),
                    func.lower(User.full_name).like(pattern, escape="\\"),
                    func.lower(User.email).like(pattern, escape="\\"),
                )
            )
    return stmt.order_by(Result.submitted_at.desc(), Result.id.desc())


def results(actor: User, filters: ResultFilters) -> Page:
    page = paginate(results_query(actor, filters), filters.page, filters.per_page)
    return page


def result_lines(page: Page) -> list[dict[str, Any]]:
    return [_result_line(r) for r in page.items]


def manageable_exams(actor: User) -> list[Exam]:
    """For the filters' exam choices."""
    return list(
        db.session.scalars(select(Exam).where(manageable_clause(actor)).order_by(Exam.name))
    )

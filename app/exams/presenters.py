"""How the exam APIs and pages show exams: SmartAIExam's field names (date, start_time, duration,
result_delay) on the institute's clock, beside the UTC timestamps the database keeps."""

from __future__ import annotations

from typing import Any

from flask import current_app

from app.core.jsonprovider import iso
from app.exams import checklist, schedule
from app.models import Exam, Section, User

PROCTORING_FLAGS = ("fullscreen_required", "tab_switch_warnings", "block_copy_paste")


def person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.id, "username": user.username, "full_name": user.full_name}


def proctoring(exam: Exam) -> dict[str, bool]:
    stored = exam.proctoring or {}
    return {flag: bool(stored.get(flag, False)) for flag in PROCTORING_FLAGS}


def exam_summary(exam: Exam, question_count: int | None = None) -> dict[str, Any]:
    count = len(exam.questions) if question_count is None else question_count
    return {
        "id": exam.id,
        "name": exam.name,
        "instructions": exam.instructions,
        "date": schedule.local_date(exam.starts_at),
        "start_time": schedule.local_time(exam.starts_at),
        "end_date": schedule.local_date(exam.ends_at),
        "end_time": schedule.local_time(exam.ends_at),
        "starts_at": iso(exam.starts_at),
        "ends_at": iso(exam.ends_at),
        "timezone": current_app.config["INSTITUTE_TIMEZONE"],
        "duration": exam.duration_minutes,
        "status": exam.status,
        "positive_marks": exam.positive_marks,
        "negative_marks": exam.negative_marks,
        "max_attempts": exam.max_attempts,
        "result_mode": exam.result_mode,
        "result_delay": exam.result_delay_minutes,
        "results_released": exam.results_released,
        "shuffle_questions": exam.shuffle_questions,
        "shuffle_options": exam.shuffle_options,
        "msq_partial_credit": exam.msq_partial_credit,
        "proctoring": proctoring(exam),
        "category_id": exam.category_id,
        "category": {"id": exam.category.id, "name": exam.category.name} if exam.category else None,
        "owner": person(exam.owner),
        "co_owners": [person(u) for u in sorted(exam.co_owners, key=lambda u: u.username)],
        "question_count": count,
        "created_at": iso(exam.created_at),
        "updated_at": iso(exam.updated_at),
    }


def section(sec: Section, counts: dict[int, int]) -> dict[str, Any]:
    return {
        "id": sec.id,
        "name": sec.name,
        "description": sec.description,
        "position": sec.position,
        "question_count": counts.get(sec.id, 0),
    }


def sections(exam: Exam) -> list[dict[str, Any]]:
    counts: dict[int, int] = {}
    for q in exam.questions:
        if q.section_id is not None:
            counts[q.section_id] = counts.get(q.section_id, 0) + 1
    return [section(s, counts) for s in exam.sections]


def exam_detail(exam: Exam) -> dict[str, Any]:
    items = checklist.run(exam)
    return {
        **exam_summary(exam),
        "sections": sections(exam),
        "checklist": [i.as_dict() for i in items],
        "can_publish": all(i.met for i in items),
    }

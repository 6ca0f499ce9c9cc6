"""Exam use cases: create, edit, list, delete, publish, release results. They flush and never
commit; every one that touches an existing exam goes through app.exams.access.

Input arrives cleaned field by field (app.exams.schemas); what needs more than one field (the
schedule, a delayed result mode) or the database (the category) is checked here, and all the
problems of one request are reported together before anything changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.attempts import deadlines
from app.core import storage
from app.core.api import human
from app.core.errors import Invalid
from app.core.pagination import Page, paginate
from app.exams import access, checklist, schedule
from app.exams.access import manageable_exam, require_author
from app.exams.fields import STATUSES
from app.exams.presenters import proctoring
from app.exams.schemas import ExamFieldsIn
from app.extensions import db
from app.models import Category, Exam, Question, User
from app.questions.images import release_unused_images

# Field name in requests -> column, for the fields that are copied as they are.
PLAIN = {
    "name": "name",
    "instructions": "instructions",
    "duration": "duration_minutes",
    "positive_marks": "positive_marks",
    "negative_marks": "negative_marks",
    "max_attempts": "max_attempts",
    "result_mode": "result_mode",
    "result_delay": "result_delay_minutes",
    "shuffle_questions": "shuffle_questions",
    "shuffle_options": "shuffle_options",
    "msq_partial_credit": "msq_partial_credit",
}
REQUIRED = (
    "name",
    "date",
    "start_time",
    "duration",
    "status",
    "instructions",
    "positive_marks",
    "negative_marks",
    "max_attempts",
    "result_mode",
    "result_delay",
)


def field_error(field: str, message: str) -> dict[str, Any]:
    return {"loc": ["body", field], "msg": message, "type": "invalid"}


def raise_fields(errors: list[dict[str, Any]]) -> None:
    if errors:
        raise Invalid(human(errors), fields=errors)


def invalid_field(field: str, message: str) -> Invalid:
    return Invalid(human([field_error(field, message)]), fields=[field_error(field, message)])


# Reading ------------------------------------------------------------------------------------


def visible(actor: User):
    """Exams this actor manages: all for admins, owned or co-owned for teachers and managers."""
    return select(Exam).where(access.manageable_clause(actor))


def _search(stmt, q: str):
    q = (q or "").strip().lower()
    if not q:
        return stmt
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return stmt.where(func.lower(Exam.name).like(pattern, escape="\\"))


def list_exams(
    actor: User,
    q: str = "",
    status: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> tuple[Page, dict[int, int]]:
    """A page of exams, newest change first, and the question count of each."""
    require_author(actor)
    if status and status not in STATUSES:
        raise Invalid(
            "status must be draft, published or archived",
            fields=[
                {
                    "loc": ["query", "status"],
                    "msg": "Choose draft, published or archived.",
                    "type": "invalid",
                }
            ],
        )
    stmt = _search(visible(actor), q)
    if status:
        stmt = stmt.where(Exam.status == status)
    stmt = stmt.options(
        selectinload(Exam.owner), selectinload(Exam.co_owners), selectinload(Exam.category)
    ).order_by(Exam.updated_at.desc(), Exam.id.desc())
    result = paginate(stmt, page, per_page)
    if result.page > result.pages:  # past the end (after a delete, say): show the last page
        result = paginate(stmt, result.pages, per_page)
    ids = [e.id for e in result.items]
    counts = (
        dict(
            db.session.execute(
                select(Question.exam_id, func.count())
                .where(Question.exam_id.in_(ids))
                .group_by(Question.exam_id)
            ).all()
        )
        if ids
        else {}
    )
    return result, counts


def status_counts(actor: User, q: str = "") -> dict[str, int]:
    sub = _search(visible(actor), q).subquery()
    rows = dict(db.session.execute(select(sub.c.status, func.count()).group_by(sub.c.status)).all())
    counts = {s: rows.get(s, 0) for s in STATUSES}
    counts["all"] = sum(rows.values())
    return counts


def get_exam(actor: User, exam_id: int) -> Exam:
    return manageable_exam(actor, exam_id)


# Writing ------------------------------------------------------------------------------------


def _schedule(exam: Exam, sent: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    """New starts_at/ends_at from the local date and time fields, or {} for no change."""
    out: dict[str, Any] = {}
    local_start = schedule.to_local(exam.starts_at)
    if "date" in sent or "start_time" in sent:
        day = sent.get("date") or (local_start.date() if local_start else None)
        at = sent.get("start_time") or (local_start.time() if local_start else None)
        if day is None:
            errors.append(field_error("date", "Enter the start date too."))
        elif at is None:
            errors.append(field_error("start_time", "Enter the start time too."))
        else:
            try:
                out["starts_at"] = schedule.to_utc(day, at)
            except schedule.NonexistentLocalTime as err:
                errors.append(field_error("start_time", f"{err}: clocks skip it."))
    uses_parts = "end_date" in sent or "end_time" in sent
    if "ends_at" in sent and uses_parts:
        errors.append(
            field_error("ends_at", "Send either ends_at or end_date and end_time, not both.")
        )
    elif "ends_at" in sent:
        out["ends_at"] = schedule.aware_to_utc(sent["ends_at"]) if sent["ends_at"] else None
    elif uses_parts:
        local_end = schedule.to_local(exam.ends_at)
        day = sent["end_date"] if "end_date" in sent else (local_end.date() if local_end else None)
        at = sent["end_time"] if "end_time" in sent else (local_end.time() if local_end else None)
        if day is None and at is None:
            out["ends_at"] = None  # an open window: no end
        elif at is None:
            errors.append(field_error("end_time", "Enter the end time too, or clear the end date."))
        else:
            if day is None:  # a time alone ends on the day the exam starts
                start = out.get("starts_at") or exam.starts_at
                day = schedule.to_local(start).date() if start else None
            if day is None:
                errors.append(field_error("end_date", "Enter the end date too."))
            else:
                try:
                    out["ends_at"] = schedule.to_utc(day, at)
                except schedule.NonexistentLocalTime as err:
                    errors.append(field_error("end_time", f"{err}: clocks skip it."))
    return out


def _changes(exam: Exam, body: ExamFieldsIn) -> dict[str, Any]:
    """Column values to set, after every cross-field and database check has passed."""
    sent = body.sent()
    errors: list[dict[str, Any]] = []
    for key in REQUIRED:
        if key in sent and sent[key] is None:
            errors.append(field_error(key, "This field cannot be empty."))
    sent = {k: v for k, v in sent.items() if v is not None or k not in REQUIRED}
    changes = {PLAIN[k]: v for k, v in sent.items() if k in PLAIN}
    changes.update(_schedule(exam, sent, errors))
    if sent.get("result_mode") == "delayed" and "result_delay" not in sent:
        errors.append(
            field_error(
                "result_delay", "Required when result_mode is delayed (minutes after submission)."
            )
        )
    if "category_id" in sent:
        cid = sent["category_id"]
        if cid is not None and db.session.get(Category, cid) is None:
            errors.append(field_error("category_id", f"No category with id {cid}."))
        changes["category_id"] = cid
    if sent.get("proctoring") is not None:
        flags = {k: v for k, v in sent["proctoring"].model_dump().items() if v is not None}
        changes["proctoring"] = {
            **proctoring(exam),
            **flags,
        }  # a new dict: JSON columns track assignment
    raise_fields(errors)
    if "status" in sent:
        changes["status"] = sent["status"]
    return changes


def _require_checklist(exam: Exam) -> None:
    items = checklist.run(exam)
    problems = checklist.unmet(items)
    if problems:
        raise Invalid(
            "Cannot publish: " + " ".join(problems),
            code="checklist",
            checklist=[i.as_dict() for i in items],
        )


def _apply(exam: Exam, changes: dict[str, Any]) -> None:
    for column, value in changes.items():
        setattr(exam, column, value)
    if exam.status == "published":  # publishing, or saving an exam that is already live
        _require_checklist(exam)


def create_exam(actor: User, body: ExamFieldsIn) -> Exam:
    require_author(actor)
    exam = Exam(owner_id=actor.id, status="draft", proctoring={}, questions=[], sections=[])
    changes = _changes(exam, body)
    db.session.add(exam)
    _apply(exam, changes)
    db.session.flush()
    return exam


def update_exam(actor: User, exam_id: int, body: ExamFieldsIn) -> Exam:
    """A new duration or end moves the deadlines of students sitting the exam now."""
    exam = manageable_exam(actor, exam_id)
    _apply(exam, _changes(exam, body))
    db.session.flush()
    deadlines.refresh(exam)
    return exam


def delete_exam(actor: User, exam_id: int, confirm_name: str | None = None) -> str:
    """Delete the exam and everything hanging off it. The database does the cascading: sections,
    questions and co-owner rows go with the exam (ON DELETE CASCADE), and so must every later
    table that refers to an exam or a question (attempts, responses, results). Uploaded question
    images are removed from disk once the delete commits."""
    exam = manageable_exam(actor, exam_id)
    if confirm_name is not None and confirm_name.strip() != exam.name:
        raise invalid_field("confirm_name", "Type the exam's name exactly to confirm.")
    images = set(
        db.session.scalars(
            select(Question.image_url).where(
                Question.exam_id == exam.id, Question.image_url.like(storage.URL_PREFIX + "%")
            )
        )
    )
    name = exam.name
    db.session.delete(exam)
    db.session.flush()  # the database cascade removes the questions here
    release_unused_images(images)  # a copy in another exam may still show a picture
    return name


def set_status(actor: User, exam_id: int, status: str) -> Exam:
    """Publish (through the checklist), unpublish back to draft, or archive."""
    exam = manageable_exam(actor, exam_id)
    exam.status = status
    if status == "published":
        _require_checklist(exam)
    db.session.flush()
    return exam


def release_results(actor: User, exam_id: int, released: bool | None = None) -> Exam:
    """Manual result mode only: in instant and delayed mode results come out on their own, so a
    switch would only suggest a control the teacher does not have. Without a value it toggles."""
    exam = manageable_exam(actor, exam_id)
    if exam.result_mode != "manual":
        raise Invalid(
            f"This exam releases results automatically (result_mode is {exam.result_mode}). "
            "Set result_mode to manual to release results by hand."
        )
    exam.results_released = (not exam.results_released) if released is None else released
    db.session.flush()
    return exam

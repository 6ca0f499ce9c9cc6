"""Subject use cases. Authorisation is checked here for every object: admins manage every
subject; a subject's professor edits it and sees its students and analytics; students enrol."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError

from app.core import roles as R
from app.core.errors import Forbidden, Invalid, NotFound
from app.exams import services as exam_services
from app.extensions import db
from app.models import (
    Enrollment,
    Exam,
    PracticeTest,
    Question,
    Subject,
    TutorSession,
    User,
    utcnow,
)

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
OBJECTIVE_TYPES = ("MCQ", "MSQ", "NUMERIC")
# A student counts as active in a subject's analytics when they used its tutor this recently.
ACTIVE_DAYS = 30
UNSET: Any = object()


def get(code: str) -> Subject:
    subject = db.session.scalar(select(Subject).where(Subject.code == code))
    if subject is None:
        raise NotFound("Subject not found")
    return subject


def is_professor_of(user: User, subject: Subject) -> bool:
    return subject.professor_id is not None and subject.professor_id == user.id


def can_manage(user: User, subject: Subject) -> bool:
    """Edit the subject, its guide and bank; see its students and analytics."""
    return user.has_role(R.ADMIN) or is_professor_of(user, subject)


def is_enrolled(user: User, subject: Subject) -> bool:
    return (
        db.session.scalar(
            select(Enrollment.id).where(
                Enrollment.subject_id == subject.id, Enrollment.user_id == user.id
            )
        )
        is not None
    )


def listing(professor_username: str | None = None) -> Select:
    stmt = select(Subject).order_by(Subject.code)
    if professor_username:
        stmt = stmt.join(User, User.id == Subject.professor_id).where(
            User.username == professor_username
        )
    return stmt


def student_counts(subject_ids: list[int]) -> dict[int, int]:
    if not subject_ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.subject_id, func.count())
        .where(Enrollment.subject_id.in_(subject_ids))
        .group_by(Enrollment.subject_id)
    )
    return {subject_id: count for subject_id, count in rows}


def enrolled(user: User) -> list[Subject]:
    return list(
        db.session.scalars(
            select(Subject)
            .join(Enrollment, Enrollment.subject_id == Subject.id)
            .where(Enrollment.user_id == user.id)
            .order_by(Subject.code)
        )
    )


def taught(user: User) -> list[Subject]:
    return list(
        db.session.scalars(
            select(Subject).where(Subject.professor_id == user.id).order_by(Subject.code)
        )
    )


def codes_for(user: User) -> list[str]:
    """The Backend document's `subjects` of a user: what they are enrolled in, and for a
    professor what they teach."""
    enrolled_codes = select(Subject.code).join(Enrollment).where(Enrollment.user_id == user.id)
    taught_codes = select(Subject.code).where(Subject.professor_id == user.id)
    return sorted(set(db.session.scalars(enrolled_codes.union(taught_codes))))


def _professor(username: str | None) -> User | None:
    if not username:
        return None
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not R.is_staff(user.roles):
        raise Invalid(
            f"No professor named {username}",
            code="unknown_professor",
            fields=[
                {
                    "loc": ["body", "professor_id"],
                    "msg": f"no professor named {username}",
                    "type": "value_error.professor",
                }
            ],
        )
    return user


def _check_code(code: str) -> str:
    code = code.strip()
    if not CODE.match(code):
        raise Invalid(
            "A subject id is 1-40 letters, digits, '.', '_' or '-'",
            fields=[
                {
                    "loc": ["body", "subject_id"],
                    "msg": "must be 1-40 letters, digits, '.', '_' or '-'",
                    "type": "value_error.str.regex",
                }
            ],
        )
    return code


def create(
    actor: User,
    *,
    code: str,
    name: str,
    description: str = "",
    professor: str | None = None,
    guide: str = "",
) -> Subject:
    if not actor.has_role(R.ADMIN):
        raise Forbidden()
    code = _check_code(code)
    if db.session.scalar(select(Subject.id).where(Subject.code == code)) is not None:
        raise Invalid("Subject already exists", code="subject_exists")
    subject = Subject(
        code=code,
        name=name.strip(),
        description=description.strip(),
        guide=guide,
        professor=_professor(professor),
    )
    db.session.add(subject)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # created by a concurrent request since the check above
        raise Invalid("Subject already exists", code="subject_exists") from None
    return subject


def update(
    actor: User,
    subject: Subject,
    *,
    name: str | None = None,
    description: str | None = None,
    guide: str | None = None,
    professor: str | None = UNSET,
    bank_exam_ids: list[int] | None = None,
) -> Subject:
    if not can_manage(actor, subject):
        raise Forbidden()
    if professor is not UNSET:
        if not actor.has_role(R.ADMIN):
            raise Forbidden("Only an admin can change a subject's professor")
        subject.professor = _professor(professor)
    if name is not None:
        subject.name = name.strip()
    if description is not None:
        subject.description = description.strip()
    if guide is not None:
        subject.guide = guide
    if bank_exam_ids is not None:
        subject.bank_exams = _bank(actor, subject, set(bank_exam_ids))
    db.session.flush()
    return subject


def bank_choices(actor: User) -> list[Exam]:
    """Exams this user may put in a subject's bank: those they manage (all for an admin), since
    the bank shows their questions to students."""
    return list(db.session.scalars(exam_services.visible(actor).order_by(Exam.name)))


def _bank(actor: User, subject: Subject, wanted: set[int]) -> list[Exam]:
    """The new bank: the exams chosen among those the actor manages, plus the linked exams the
    actor cannot see (another teacher's), which stay."""
    allowed = {e.id: e for e in bank_choices(actor)}
    if not wanted <= set(allowed):
        raise Forbidden("You can only add exams you manage to a subject's practice bank")
    kept = [e for e in subject.bank_exams if e.id not in allowed]
    return kept + [allowed[i] for i in sorted(wanted)]


def delete(actor: User, subject: Subject) -> None:
    if not actor.has_role(R.ADMIN):
        raise Forbidden()
    db.session.delete(subject)
    db.session.flush()


def enroll(actor: User, subject: Subject) -> Enrollment:
    if not actor.has_role(R.STUDENT):
        raise Invalid("Student role required", code="student_required")
    if is_enrolled(actor, subject):
        raise Forbidden("Student already enrolled", code="already_enrolled")
    enrollment = Enrollment(subject=subject, user_id=actor.id)
    db.session.add(enrollment)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # a double click: the other request enrolled them
        raise Forbidden("Student already enrolled", code="already_enrolled") from None
    return enrollment


def bank_questions(subject: Subject) -> list[Question]:
    """The objective questions of the subject's bank exams: the tutor grades these exactly."""
    exam_ids = [e.id for e in subject.bank_exams]
    if not exam_ids:
        return []
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.exam_id.in_(exam_ids), Question.question_type.in_(OBJECTIVE_TYPES))
            .order_by(Question.id)
        )
    )


def scope_for(actor: User, code: str | None) -> list[Subject]:
    """The subjects whose students a professor may list: theirs (every subject for an admin),
    or the one asked for, when they may see it."""
    if code:
        subject = get(code)
        if not can_manage(actor, subject):
            raise Forbidden("Not this subject's professor")
        return [subject]
    if actor.has_role(R.ADMIN):
        return list(db.session.scalars(select(Subject)))
    return taught(actor)


@dataclass
class StudentRow:
    user: User
    codes: list[str]


def professor_students(actor: User, code: str | None, skip: int, limit: int) -> list[StudentRow]:
    subjects = scope_for(actor, code)
    if not subjects:
        return []
    ids = [s.id for s in subjects]
    stmt = (
        select(User)
        .where(User.id.in_(select(Enrollment.user_id).where(Enrollment.subject_id.in_(ids))))
        .order_by(User.username)
        .offset(max(0, skip))
        .limit(min(100, max(1, limit)))
    )
    users = list(db.session.scalars(stmt))
    codes: dict[int, list[str]] = {u.id: [] for u in users}
    if users:
        rows = db.session.execute(
            select(Enrollment.user_id, Subject.code)
            .join(Subject, Subject.id == Enrollment.subject_id)
            .where(Enrollment.user_id.in_(codes))
            .order_by(Subject.code)
        )
        for user_id, subject_code in rows:
            codes[user_id].append(subject_code)
    return [StudentRow(u, codes[u.id]) for u in users]


@dataclass
class Progress:
    user: User
    test_count: int
    average_score: Decimal | None
    last_activity: datetime | None


@dataclass
class Analytics:
    subject: Subject
    total_students: int
    active_students: int
    average_test_score: Decimal | None
    progress: list[Progress]


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return (sum(values) / len(values)).quantize(Decimal("0.1"))


def analytics(actor: User, subject: Subject) -> Analytics:
    """Per enrolled student: finished practice tests (count, mean percent) and the last time
    they used the subject's tutor."""
    if not can_manage(actor, subject):
        raise Forbidden("Not this subject's professor")
    students = list(
        db.session.scalars(
            select(User)
            .join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.subject_id == subject.id)
            .order_by(User.username)
        )
    )
    scores: dict[int, list[Decimal]] = {}
    last: dict[int, datetime] = {}
    for user_id, score, finished in db.session.execute(
        select(PracticeTest.user_id, PracticeTest.score, PracticeTest.finished_at).where(
            PracticeTest.subject_id == subject.id, PracticeTest.status == "finished"
        )
    ):
        scores.setdefault(user_id, []).append(Decimal(score))
        if finished and (user_id not in last or finished > last[user_id]):
            last[user_id] = finished
    for user_id, active in db.session.execute(
        select(TutorSession.user_id, func.max(TutorSession.last_active))
        .where(TutorSession.subject_id == subject.id)
        .group_by(TutorSession.user_id)
    ):
        if active and (user_id not in last or active > last[user_id]):
            last[user_id] = active
    since = utcnow() - timedelta(days=ACTIVE_DAYS)
    progress = [
        Progress(u, len(scores.get(u.id, [])), _mean(scores.get(u.id, [])), last.get(u.id))
        for u in students
    ]
    enrolled_ids = {u.id for u in students}
    all_scores = [s for uid, vals in scores.items() if uid in enrolled_ids for s in vals]
    return Analytics(
        subject=subject,
        total_students=len(students),
        active_students=sum(1 for p in progress if p.last_activity and p.last_activity >= since),
        average_test_score=_mean(all_scores),
        progress=progress,
    )

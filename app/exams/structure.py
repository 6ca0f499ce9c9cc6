"""An exam's sections and co-owners. Sections are ordered by `position` (1, 2, 3, … with no
gaps, rewritten on every change, so ordering never depends on ids); deleting one keeps its
questions in the exam, outside any section. Co-owners manage the exam like its owner, but only
the owner or an admin chooses them (a co-owner may still remove themself)."""

from __future__ import annotations

from sqlalchemy import func, select, update

from app.core import roles as R
from app.core.errors import Forbidden, Invalid, NotFound
from app.exams.access import manageable_exam
from app.exams.services import invalid_field
from app.extensions import db
from app.models import Exam, Question, Section, User

MAX_SECTIONS = 100


def _section(exam: Exam, section_id: int) -> Section:
    for sec in exam.sections:
        if sec.id == section_id:
            return sec
    raise NotFound("Section not found")


def _renumber(exam: Exam, ordered: list[Section]) -> None:
    for position, sec in enumerate(ordered, start=1):
        sec.position = position
    exam.sections.sort(key=lambda s: s.position)


def add_section(actor: User, exam_id: int, name: str, description: str = "") -> Section:
    exam = manageable_exam(actor, exam_id)
    if len(exam.sections) >= MAX_SECTIONS:
        raise Invalid(f"An exam has at most {MAX_SECTIONS} sections.")
    sec = Section(name=name, description=description or "", position=len(exam.sections) + 1)
    exam.sections.append(sec)
    db.session.flush()
    return sec


def edit_section(
    actor: User, exam_id: int, section_id: int, name: str | None, description: str | None
) -> Section:
    exam = manageable_exam(actor, exam_id)
    sec = _section(exam, section_id)
    if name is not None:
        sec.name = name
    if description is not None:
        sec.description = description
    db.session.flush()
    return sec


def move_section(
    actor: User,
    exam_id: int,
    section_id: int | None,
    direction: str | None,
    order: list[int] | None,
) -> Exam:
    """One place up or down, or a whole new order (every section id exactly once)."""
    exam = manageable_exam(actor, exam_id)
    current = list(exam.sections)
    if order is not None:
        if sorted(order) != sorted(s.id for s in current):
            raise invalid_field("order", "List every section of this exam exactly once.")
        by_id = {s.id: s for s in current}
        _renumber(exam, [by_id[i] for i in order])
    else:
        if direction not in ("up", "down") or section_id is None:
            raise invalid_field("direction", "Choose up or down.")
        sec = _section(exam, section_id)
        i = current.index(sec)
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(current):
            current[i], current[j] = current[j], current[i]
        _renumber(exam, current)
    db.session.flush()
    return exam


def delete_section(actor: User, exam_id: int, section_id: int) -> str:
    exam = manageable_exam(actor, exam_id)
    sec = _section(exam, section_id)
    # The foreign key would set this too (ON DELETE SET NULL); doing it here keeps questions
    # already loaded in this session in step with the database.
    db.session.execute(
        update(Question).where(Question.section_id == sec.id).values(section_id=None)
    )
    for q in exam.questions:
        if q.section_id == sec.id:
            q.section_id = None
    exam.sections.remove(sec)
    _renumber(exam, list(exam.sections))
    db.session.flush()
    return sec.name


# Co-owners ----------------------------------------------------------------------------------


def _require_owner(actor: User, exam: Exam) -> None:
    if not (actor.has_role(R.ADMIN) or exam.owner_id == actor.id):
        raise Forbidden("Only the exam's owner or an admin can change its co-owners")


def add_co_owner(actor: User, exam_id: int, username: str) -> User:
    exam = manageable_exam(actor, exam_id)
    _require_owner(actor, exam)
    name = username.strip()
    user = db.session.scalar(select(User).where(func.lower(User.username) == name.lower()))
    if user is None:
        raise invalid_field("username", f"No user named {name}.")
    if not user.has_role(R.TEACHER, R.MANAGER, R.ADMIN):
        raise invalid_field(
            "username",
            f"{user.username} is not a teacher: only teachers, managers and admins can co-own exams.",
        )
    if user.id == exam.owner_id:
        raise invalid_field("username", f"{user.username} already owns this exam.")
    if user not in exam.co_owners:
        exam.co_owners.append(user)
    db.session.flush()
    return user


def remove_co_owner(actor: User, exam_id: int, username: str) -> User:
    exam = manageable_exam(actor, exam_id)
    name = username.strip().lower()
    user = next((u for u in exam.co_owners if u.username.lower() == name), None)
    if user is None:
        raise invalid_field("username", f"{username.strip()} is not a co-owner of this exam.")
    if user.id != actor.id:  # leaving is always allowed
        _require_owner(actor, exam)
    exam.co_owners.remove(user)
    db.session.flush()
    return user

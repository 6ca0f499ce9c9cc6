"""Question use cases. Every function takes the acting user first and checks, through
`app.exams.access`, that they may manage the exam the question belongs to (teachers: their own
and co-owned exams; admins: all; everyone else 403). They flush and never commit.

Question data is a mapping in SmartAIExam's field names (`question_text`, `question_type`,
`option_a`..`option_h` or `options`, `correct_answer`, `tolerance`, `image_path`,
`positive_marks`, `negative_marks`, `explanation`, `topic`, `subtopic`, `difficulty`, `source`,
`tags`, `section_id`, `set_number`); `app.questions.validation.clean` is the one validation.

Public functions (names are stable; pages and the JSON views both call them):
- get_question(actor, question_id) -> Question
- list_exam_questions(actor, exam_id) -> list[Question], in exam order
- add_question(actor, exam_id, data) -> Question, appended at the end of the exam
- edit_question(actor, question_id, changes) -> Question; fields left out keep their value
- delete_question(actor, question_id) -> None
- delete_questions(actor, ids) -> int; all or nothing (404 naming unknown ids, 403 if any
  question is in an exam the actor cannot manage)
- batch_add(actor, exam_id, items) -> list[Question]; all or nothing, errors name
  `questions[i].field`
- duplicate_question(actor, question_id) -> Question, placed right after the original
- reorder_questions(actor, exam_id, ordered_ids) -> list[Question]; ids = every question once
- move_question(actor, question_id, index) -> list[Question]; to a 0-based place in the exam
- search_bank(actor, q=, topic=, difficulty=, question_type=, exam_id=, page=, per_page=) -> Page
  across the exams the actor can manage
- bank_topics(actor) -> list[str], the distinct topics of those exams (for filter menus)
- editable(question) -> dict, the data for an edit form (app.questions.presenters)
Helpers for other question modules: section_ids(exam_id), next_position(exam_id),
insert_rows(exam_id, rows) (bulk insert of validated rows).
Import/export: app.questions.importers.service (check, preview_import, commit_import,
import_now) and app.questions.exporters (export_csv); Drive links: app.questions.images.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, func, insert, select, update

from app.core.errors import Forbidden, Invalid, NotFound
from app.core.pagination import Page, paginate
from app.exams.access import can_manage, manageable_clause, manageable_exam, require_author
from app.extensions import db
from app.models import Exam, Question, Section, User
from app.questions.images import release_unused_images
from app.questions.presenters import editable
from app.questions.validation import OPTION_KEYS, TYPES, Problems, clean

MAX_BATCH = 2000
MAX_BULK_DELETE = 1000

__all__ = [
    "add_question",
    "bank_topics",
    "batch_add",
    "delete_question",
    "delete_questions",
    "duplicate_question",
    "edit_question",
    "editable",
    "get_question",
    "list_exam_questions",
    "move_question",
    "reorder_questions",
    "search_bank",
]


# Reading ------------------------------------------------------------------------------------


def get_question(actor: User, question_id: int) -> Question:
    require_author(actor)  # a student learns nothing, not even whether the id exists
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFound("Question not found")
    manageable_exam(actor, question.exam_id)
    return question


def list_exam_questions(actor: User, exam_id: int) -> list[Question]:
    manageable_exam(actor, exam_id)
    return list(db.session.scalars(_in_exam_order(exam_id)))


def _in_exam_order(exam_id: int) -> Select:
    return (
        select(Question).where(Question.exam_id == exam_id).order_by(Question.position, Question.id)
    )


# Writing one --------------------------------------------------------------------------------


def section_ids(exam_id: int) -> set[int]:
    return set(db.session.scalars(select(Section.id).where(Section.exam_id == exam_id)))


def next_position(exam_id: int) -> int:
    last = db.session.scalar(select(func.max(Question.position)).where(Question.exam_id == exam_id))
    return 0 if last is None else last + 1


def add_question(actor: User, exam_id: int, data: Mapping[str, Any]) -> Question:
    exam = manageable_exam(actor, exam_id)
    fields = clean(data, section_ids=section_ids(exam.id))
    question = Question(exam_id=exam.id, position=next_position(exam.id), **fields)
    db.session.add(question)
    db.session.flush()
    return question


def edit_question(actor: User, question_id: int, changes: Mapping[str, Any]) -> Question:
    """A partial update: fields left out keep their value. Option letters given replace those
    letters (a blank one removes it); an `options` list replaces them all. Switching to NUMERIC
    without mentioning options drops the old ones. An `exam_id` naming another exam the actor
    manages moves the question to the end of that exam."""
    question = get_question(actor, question_id)
    target = question.exam_id
    if changes.get("exam_id") not in (None, "", question.exam_id, str(question.exam_id)):
        try:
            target = int(changes["exam_id"])
        except (TypeError, ValueError):
            raise Invalid(
                "exam_id: Input should be a valid integer",
                fields=[{"loc": ["body", "exam_id"], "msg": "Invalid", "type": "int_parsing"}],
            ) from None
        manageable_exam(actor, target)
    data = _merged(question, changes)
    if target != question.exam_id and "section_id" not in changes:
        data["section_id"] = None  # the old exam's section means nothing in the new one
    fields = clean(data, section_ids=section_ids(target))
    if target != question.exam_id:
        question.exam_id = target
        question.position = next_position(target)
    replaced = question.image_url
    for key, value in fields.items():
        setattr(question, key, value)
    db.session.flush()
    if replaced and replaced != question.image_url:
        release_unused_images({replaced})
    return question


def _merged(question: Question, changes: Mapping[str, Any]) -> dict[str, Any]:
    data = editable(question)
    touches_options = "options" in changes or any(k in changes for k in OPTION_KEYS)
    new_type = str(changes.get("question_type") or question.question_type).strip().upper()
    if "options" in changes or (new_type == "NUMERIC" and not touches_options):
        for key in OPTION_KEYS:
            data.pop(key, None)
    if "image_url" in changes and "image_path" not in changes:
        data["image_path"] = changes["image_url"]
    data.update({k: v for k, v in changes.items() if k not in ("exam_id", "image_url")})
    return data


def delete_question(actor: User, question_id: int) -> None:
    question = get_question(actor, question_id)
    image = question.image_url
    db.session.delete(question)
    db.session.flush()
    release_unused_images({image} if image else set())


def duplicate_question(actor: User, question_id: int) -> Question:
    original = get_question(actor, question_id)
    db.session.execute(
        update(Question)
        .where(Question.exam_id == original.exam_id, Question.position > original.position)
        .values(position=Question.position + 1)
        .execution_options(synchronize_session=False)
    )
    copy = Question(
        exam_id=original.exam_id,
        position=original.position + 1,
        **clean(editable(original)),  # the same fields, freshly copied lists
    )
    db.session.add(copy)
    db.session.flush()
    db.session.expire_all()  # positions shifted in SQL
    return copy


# Writing many -------------------------------------------------------------------------------


def delete_questions(actor: User, ids: Sequence[int]) -> int:
    require_author(actor)
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise Invalid("ids: give at least one question id")
    if len(wanted) > MAX_BULK_DELETE:
        raise Invalid(f"ids: at most {MAX_BULK_DELETE} questions at once")
    found = list(db.session.scalars(select(Question).where(Question.id.in_(wanted))))
    missing = sorted(set(wanted) - {q.id for q in found})
    if missing:
        raise NotFound(f"Questions not found: {', '.join(map(str, missing))}", missing_ids=missing)
    exams = {q.exam_id: q.exam for q in found}
    refused = sorted(q.id for q in found if not can_manage(actor, exams[q.exam_id]))
    if refused:
        raise Forbidden(
            "You can only manage your own or co-owned exams: questions "
            f"{', '.join(map(str, refused))} are not in one",
            forbidden_ids=refused,
        )
    images = {q.image_url for q in found if q.image_url}
    for question in found:
        db.session.delete(question)
    db.session.flush()
    release_unused_images(images)
    return len(found)


def batch_add(actor: User, exam_id: int, items: Sequence[Any]) -> list[Question]:
    """All or nothing: every item is validated first, and the error lists every problem as
    `questions[i].field`."""
    exam = manageable_exam(actor, exam_id)
    if not items:
        raise Invalid("questions: give at least one question")
    if len(items) > MAX_BATCH:
        raise Invalid(f"questions: at most {MAX_BATCH} questions at once")
    sections = section_ids(exam.id)
    rows, problems = [], Problems()
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            problems.items.append(
                {"loc": ["body", "questions", i], "msg": "must be an object", "type": "dict_type"}
            )
            continue
        try:
            rows.append(clean(item, section_ids=sections, prefix=("questions", i)))
        except Invalid as exc:
            problems.items.extend(exc.fields)
    problems.raise_if_any()
    start = next_position(exam.id)
    questions = [Question(exam_id=exam.id, position=start + n, **row) for n, row in enumerate(rows)]
    db.session.add_all(questions)
    db.session.flush()
    return questions


def insert_rows(exam_id: int, rows: Iterable[dict[str, Any]]) -> int:
    """Bulk insert of rows from `validation.clean`, appended in order: one executemany, no
    per-row queries and no ORM objects (imports of thousands of questions). The rows get their
    `exam_id` and `position` in place rather than being copied."""
    start = next_position(exam_id)
    values = list(rows)
    for n, row in enumerate(values):
        row["exam_id"], row["position"] = exam_id, start + n
    if values:  # Core, not ORM bulk: the ORM splits the batch wherever a row's None-ness differs
        db.session.execute(insert(Question.__table__), values)
    return len(values)


# Order --------------------------------------------------------------------------------------


def reorder_questions(actor: User, exam_id: int, ordered_ids: Sequence[int]) -> list[Question]:
    manageable_exam(actor, exam_id)
    current = list(db.session.scalars(_in_exam_order(exam_id)))
    ids = list(ordered_ids)
    known = {q.id for q in current}
    if len(ids) != len(set(ids)) or set(ids) != known:
        missing = sorted(known - set(ids))
        extra = sorted(set(ids) - known)
        detail = []
        if missing:
            detail.append(f"missing {', '.join(map(str, missing))}")
        if extra:
            detail.append(f"not in this exam {', '.join(map(str, extra))}")
        if len(ids) != len(set(ids)):
            detail.append("repeated ids")
        raise Invalid(
            "ids must list every question of the exam exactly once (" + "; ".join(detail) + ")"
        )
    return _apply_order(exam_id, ids)


def move_question(actor: User, question_id: int, index: int) -> list[Question]:
    question = get_question(actor, question_id)
    ids = [q.id for q in db.session.scalars(_in_exam_order(question.exam_id))]
    ids.remove(question.id)
    ids.insert(max(0, min(index, len(ids))), question.id)
    return _apply_order(question.exam_id, ids)


def _apply_order(exam_id: int, ids: list[int]) -> list[Question]:
    if ids:
        db.session.execute(
            update(Question), [{"id": qid, "position": n} for n, qid in enumerate(ids)]
        )
    db.session.flush()
    db.session.expire_all()
    return list(db.session.scalars(_in_exam_order(exam_id)))


# The bank -----------------------------------------------------------------------------------


def search_bank(
    actor: User,
    *,
    q: str | None = None,
    topic: str | None = None,
    difficulty: int | Sequence[int] | None = None,
    question_type: str | None = None,
    exam_id: int | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """Questions of every exam the actor can manage, newest exam first, then in exam order.
    `q` matches the question text (substring, case-insensitive); `topic` the whole topic
    (case-insensitive); `difficulty` one level or several."""
    stmt = select(Question).join(Exam).where(manageable_clause(actor))
    if exam_id is not None:
        manageable_exam(actor, exam_id)
        stmt = stmt.where(Question.exam_id == exam_id)
    if q and q.strip():
        pattern = "%" + _escape_like(q.strip()) + "%"
        stmt = stmt.where(Question.text.ilike(pattern, escape="\\"))
    if topic and topic.strip():
        stmt = stmt.where(func.lower(Question.topic) == topic.strip().lower())
    if difficulty is not None:
        levels = [difficulty] if isinstance(difficulty, int) else list(difficulty)
        if any(not 1 <= d <= 5 for d in levels):
            raise Invalid("difficulty: must be between 1 and 5")
        if levels:
            stmt = stmt.where(Question.difficulty.in_(levels))
    if question_type:
        kind = question_type.strip().upper()
        if kind not in TYPES:
            raise Invalid("question_type: must be MCQ, MSQ or NUMERIC")
        stmt = stmt.where(Question.question_type == kind)
    stmt = stmt.order_by(Exam.id.desc(), Question.position, Question.id)
    return paginate(stmt, page, per_page)


def bank_topics(actor: User) -> list[str]:
    stmt = (
        select(Question.topic)
        .join(Exam)
        .where(manageable_clause(actor), Question.topic != "")
        .distinct()
        .order_by(Question.topic)
    )
    return list(db.session.scalars(stmt))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")

"""The services the question pages call directly: duplicate, reorder, move, the bank search and
its topics, the exam's question list. Same permission rule as the JSON endpoints."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import User
from app.questions import services
from tests.questions.conftest import MCQ, MSQ, NUMERIC


@pytest.fixture
def as_user(app) -> Callable:
    """Run a service as a user inside an app context, committing like a request would."""

    def run(user: User, func: Callable, *args, **kwargs):
        with app.app_context():
            try:
                result = func(db.session.get(User, user.id), *args, **kwargs)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            if isinstance(result, list):
                return [getattr(r, "id", r) for r in result]
            if hasattr(result, "items"):  # a Page
                return {"ids": [q.id for q in result.items], "total": result.total}
            return getattr(result, "id", result)

    return run


def test_duplicate_goes_right_after_the_original(as_user, teacher_a, exam_a, add, rows):
    first, second, third = (add(teacher_a, exam_a, d) for d in (MCQ, MSQ, NUMERIC))
    copy = as_user(teacher_a, services.duplicate_question, second)
    order = rows(exam_a)
    assert [r["id"] for r in order] == [first, second, copy, third]
    assert [r["position"] for r in order] == [0, 1, 2, 3]
    original, duplicate = order[1], order[2]
    same = {k for k in original if k not in ("id", "position", "created_at", "updated_at")}
    assert {k: duplicate[k] for k in same} == {k: original[k] for k in same}


def test_reorder_needs_every_question_once(as_user, teacher_a, exam_a, add, rows):
    ids = [add(teacher_a, exam_a) for _ in range(3)]
    assert as_user(teacher_a, services.reorder_questions, exam_a, ids[::-1]) == ids[::-1]
    assert [r["id"] for r in rows(exam_a)] == ids[::-1]
    for bad in (ids[:2], [*ids, ids[0]], [*ids[:2], 999]):
        with pytest.raises(Invalid, match="exactly once"):
            as_user(teacher_a, services.reorder_questions, exam_a, bad)
    assert [r["id"] for r in rows(exam_a)] == ids[::-1]


def test_move_question(as_user, teacher_a, exam_a, add):
    a, b, c = (add(teacher_a, exam_a) for _ in range(3))
    assert as_user(teacher_a, services.move_question, c, 0) == [c, a, b]
    assert as_user(teacher_a, services.move_question, c, 99) == [a, b, c]
    assert as_user(teacher_a, services.move_question, a, -5) == [a, b, c]


def test_others_cannot_duplicate_reorder_or_move(as_user, teacher_a, teacher_b, exam_a, add, rows):
    qid = add(teacher_a, exam_a)
    before = rows()
    with pytest.raises(Forbidden):
        as_user(teacher_b, services.duplicate_question, qid)
    with pytest.raises(Forbidden):
        as_user(teacher_b, services.reorder_questions, exam_a, [qid])
    with pytest.raises(Forbidden):
        as_user(teacher_b, services.move_question, qid, 0)
    assert rows() == before


@pytest.fixture
def bank(teacher_a, teacher_b, exam_a, exam_b, make_exam, add):
    shared = make_exam(teacher_b, "Shared", co_owners=[teacher_a])
    return {
        "a1": add(teacher_a, exam_a, MCQ, topic="Mechanics", difficulty=2),
        "a2": add(teacher_a, exam_a, MSQ, topic="mechanics", difficulty=4),
        "a3": add(teacher_a, exam_a, NUMERIC, topic="Gravity", difficulty=4),
        "b1": add(teacher_b, exam_b, MCQ, topic="Mechanics", question_text="100% sure_ish?"),
        "s1": add(teacher_b, shared, NUMERIC, topic="Optics"),
        "shared": shared,
    }


def test_bank_covers_own_and_co_owned_exams(as_user, teacher_a, bank):
    found = as_user(teacher_a, services.search_bank)
    assert set(found["ids"]) == {bank["a1"], bank["a2"], bank["a3"], bank["s1"]}
    assert found["total"] == 4


def test_admin_bank_covers_everything(as_user, admin, bank):
    assert as_user(admin, services.search_bank)["total"] == 5


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"topic": "MECHANICS"}, {"a1", "a2"}),
        ({"difficulty": 4}, {"a2", "a3"}),
        ({"difficulty": [2, 3]}, {"a1", "s1"}),
        ({"question_type": "numeric"}, {"a3", "s1"}),
        ({"q": "SI base"}, {"a2"}),
        ({"q": "m/s²"}, {"a3", "s1"}),
    ],
)
def test_bank_filters(as_user, teacher_a, bank, filters, expected):
    found = as_user(teacher_a, services.search_bank, **filters)
    assert set(found["ids"]) == {bank[k] for k in expected}


def test_bank_filter_by_exam_and_like_wildcards_are_literal(as_user, teacher_a, teacher_b, bank):
    found = as_user(teacher_a, services.search_bank, exam_id=bank["shared"])
    assert found["ids"] == [bank["s1"]]
    assert as_user(teacher_b, services.search_bank, q="100%")["ids"] == [bank["b1"]]
    assert as_user(teacher_b, services.search_bank, q="_")["ids"] == [bank["b1"]]
    assert as_user(teacher_b, services.search_bank, q="%")["ids"] == [bank["b1"]]


def test_bank_paginates(as_user, teacher_a, bank):
    page = as_user(teacher_a, services.search_bank, page=2, per_page=3)
    assert page["total"] == 4 and len(page["ids"]) == 1


def test_bank_refusals(as_user, teacher_a, student, exam_b, bank):
    with pytest.raises(Forbidden):
        as_user(teacher_a, services.search_bank, exam_id=exam_b)
    with pytest.raises(NotFound):
        as_user(teacher_a, services.search_bank, exam_id=999)
    with pytest.raises(Forbidden):
        as_user(student, services.search_bank)
    with pytest.raises(Invalid):
        as_user(teacher_a, services.search_bank, difficulty=7)
    with pytest.raises(Invalid):
        as_user(teacher_a, services.search_bank, question_type="CODING")


def test_bank_topics(as_user, teacher_a, bank):
    assert as_user(teacher_a, services.bank_topics) == [
        "Gravity",
        "Mechanics",
        "Optics",
        "mechanics",
    ]


def test_list_exam_questions(as_user, teacher_a, teacher_b, exam_a, bank):
    assert as_user(teacher_a, services.list_exam_questions, exam_a) == [
        bank["a1"], bank["a2"], bank["a3"],
    ]  # fmt: skip
    with pytest.raises(Forbidden):
        as_user(teacher_b, services.list_exam_questions, exam_a)


def test_student_learns_nothing_about_ids(as_user, student, teacher_a, exam_a, add):
    qid = add(teacher_a, exam_a)
    with pytest.raises(Forbidden):
        as_user(student, services.get_question, qid)
    with pytest.raises(Forbidden):
        as_user(student, services.get_question, 999)


def test_editable_round_trips_through_edit(app, teacher_a, exam_a, add, rows):
    qid = add(teacher_a, exam_a, MSQ, tags=["x"], topic="T")
    before = rows()
    with app.app_context():
        actor = db.session.get(User, teacher_a.id)
        question = services.get_question(actor, qid)
        services.edit_question(actor, qid, services.editable(question))
        db.session.commit()
    after = rows()
    assert [{k: v for k, v in r.items() if k != "updated_at"} for r in after] == [
        {k: v for k, v in r.items() if k != "updated_at"} for r in before
    ]

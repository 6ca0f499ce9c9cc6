"""Every field of a question: missing, wrong type, out of range. Each is 400 in SmartAIExam's
envelope (`{"success": false, "message", "errors": {field: message}}`), names the field, and
writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Question
from tests.questions.conftest import MCQ, MSQ, NUMERIC

DRIVE_FOLDER = "https://drive.google.com/drive/folders/1AbCdEf"
CASES = [
    # (field in errors, base question, changes)
    ("question_text", MCQ, {"question_text": None}),
    ("question_text", MCQ, {"question_text": "   "}),
    ("question_text", MCQ, {"question_text": 123}),
    ("question_text", MCQ, {"question_text": "x" * 20_001}),
    ("question_type", MCQ, {"question_type": "ESSAY"}),
    ("question_type", MCQ, {"question_type": "CODING"}),
    ("question_type", MCQ, {"question_type": 5}),
    ("options", MCQ, {"option_b": "", "option_c": "", "option_d": ""}),  # one option
    (
        "options",
        MCQ,
        {
            "options": [str(i) for i in range(9)],
            "option_a": None,
            "option_b": None,
            "option_c": None,
            "option_d": None,
        },
    ),
    ("options", MCQ, {"options": ["a", "b"]}),  # and option_a..d: not both
    (
        "options",
        MCQ,
        {"options": "a,b", **dict.fromkeys(["option_a", "option_b", "option_c", "option_d"])},
    ),
    ("option_b", MCQ, {"option_b": ""}),  # a gap: option_c is set
    ("option_a", MCQ, {"option_a": 123}),
    ("option_a", MCQ, {"option_a": "x" * 5001}),
    ("correct_answer", MCQ, {"correct_answer": None}),
    ("correct_answer", MCQ, {"correct_answer": "E"}),  # not among A-D
    ("correct_answer", MCQ, {"correct_answer": "A,B"}),  # MCQ: exactly one
    ("correct_answer", MCQ, {"correct_answer": "AB"}),
    ("correct_answer", MCQ, {"correct_answer": True}),
    ("correct_answer", MCQ, {"correct_answer": {"A": 1}}),
    ("correct_answer", MSQ, {"correct_answer": "A,A"}),
    ("correct_answer", MSQ, {"correct_answer": ""}),
    ("correct_answer", NUMERIC, {"correct_answer": "abc"}),
    ("correct_answer", NUMERIC, {"correct_answer": "NaN"}),
    ("correct_answer", NUMERIC, {"correct_answer": "1,000"}),
    ("options", NUMERIC, {"option_a": "1", "option_b": "2"}),
    ("tolerance", NUMERIC, {"tolerance": -0.1}),
    ("tolerance", NUMERIC, {"tolerance": "abc"}),
    ("tolerance", NUMERIC, {"tolerance": "0.00001"}),
    ("positive_marks", MCQ, {"positive_marks": -1}),
    ("positive_marks", MCQ, {"positive_marks": "four"}),
    ("positive_marks", MCQ, {"positive_marks": 1001}),
    ("positive_marks", MCQ, {"positive_marks": 1.234}),
    ("positive_marks", MCQ, {"positive_marks": True}),
    ("negative_marks", MCQ, {"negative_marks": -1}),
    ("negative_marks", MCQ, {"negative_marks": [1]}),
    ("difficulty", MCQ, {"difficulty": 0}),
    ("difficulty", MCQ, {"difficulty": 6}),
    ("difficulty", MCQ, {"difficulty": "hard"}),
    ("difficulty", MCQ, {"difficulty": 2.5}),
    ("image_path", MCQ, {"image_path": "http://example.com/a.png"}),
    ("image_path", MCQ, {"image_path": "javascript:alert(1)"}),
    ("image_path", MCQ, {"image_path": "//evil.example/a.png"}),
    ("image_path", MCQ, {"image_path": DRIVE_FOLDER}),
    ("image_path", MCQ, {"image_path": "https://example.com/" + "a" * 500}),
    ("image_path", MCQ, {"image_path": 5}),
    ("explanation", MCQ, {"explanation": "x" * 20_001}),
    ("topic", MCQ, {"topic": "x" * 201}),
    ("subtopic", MCQ, {"subtopic": 7}),
    ("source", MCQ, {"source": "x" * 201}),
    ("tags", MCQ, {"tags": 5}),
    ("tags", MCQ, {"tags": ["a;b"]}),
    ("tags", MCQ, {"tags": [f"t{i}" for i in range(31)]}),
    ("tags", MCQ, {"tags": ["x" * 51]}),
    ("section_id", MCQ, {"section_id": "first"}),
    ("section_id", MCQ, {"section_id": -1}),
    ("section_id", MCQ, {"section_id": 99_999}),  # not a section of this exam
    ("set_number", MCQ, {"set_number": 0}),
    ("set_number", MCQ, {"set_number": "two"}),
]


@pytest.mark.parametrize(("field", "base", "changes"), CASES)
def test_add_rejects_field(client, bearer, teacher_a, exam_a, rows, field, base, changes):
    body = {"exam_id": exam_a, **base, **changes}
    res = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a))
    assert res.status_code == 400, res.get_json()
    data = res.get_json()
    assert data["success"] is False and field in data["message"]
    assert field in data["errors"], data
    assert rows() == []


# On edit an `options` list replaces the stored letters, so that one case is valid there.
EDIT_CASES = [c for c in CASES[::2] if c[2] != {"options": ["a", "b"]}]


@pytest.mark.parametrize(("field", "base", "changes"), EDIT_CASES)
def test_edit_rejects_field_and_changes_nothing(
    client, bearer, teacher_a, exam_a, add, rows, field, base, changes
):
    qid = add(teacher_a, exam_a, base)
    before = rows()
    res = client.post(f"/admin/questions/edit-ajax/{qid}", json=changes, headers=bearer(teacher_a))
    assert res.status_code == 400, res.get_json()
    assert field in res.get_json()["errors"]
    assert rows() == before


@pytest.mark.parametrize(
    ("exam_id", "status"), [(None, 400), ("abc", 400), (0, 400), (True, 400), (99_999, 404)]
)
def test_add_exam_id(client, bearer, teacher_a, rows, exam_id, status):
    body = {**MCQ} if exam_id is None else {"exam_id": exam_id, **MCQ}
    res = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a))
    assert res.status_code == status
    assert res.get_json()["success"] is False
    assert rows() == []


def test_negative_marks_message_explains_the_sign(client, bearer, teacher_a, exam_a):
    body = {"exam_id": exam_a, **MCQ, "negative_marks": -1}
    res = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a))
    assert "as a positive number: 1 means -1" in res.get_json()["message"]


def test_every_problem_reported_at_once(client, bearer, teacher_a, exam_a):
    body = {"exam_id": exam_a, **MCQ, "difficulty": 9, "positive_marks": "x", "topic": 1}
    res = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a))
    assert set(res.get_json()["errors"]) == {"difficulty", "positive_marks", "topic"}


@pytest.mark.parametrize(
    ("changes", "stored"),
    [
        ({"correct_answer": " b "}, "B"),
        ({"correct_answer": ["C"]}, "C"),
    ],
)
def test_mcq_answer_normalised(client, bearer, teacher_a, exam_a, changes, stored):
    body = {"exam_id": exam_a, **MCQ, **changes}
    res = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a))
    assert res.get_json()["question"]["correct_answer"] == stored


@pytest.mark.parametrize(
    ("answer", "stored"),
    [("42.50", "42.50"), (42.5, "42.5"), ("+7", "7"), ("1e3", "1000"), (-1, "-1")],
)
def test_numeric_answer_normalised(client, bearer, teacher_a, exam_a, answer, stored):
    body = {"exam_id": exam_a, **NUMERIC, "correct_answer": answer, "tolerance": ""}
    q = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a)).get_json()
    assert q["question"]["correct_answer"] == stored and q["question"]["tolerance"] == 0


def test_msq_letters_any_separator(client, bearer, teacher_a, exam_a):
    body = {"exam_id": exam_a, **MSQ, "correct_answer": "d; b c"}
    q = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a)).get_json()
    assert q["question"]["correct_answer"] == "B,C,D"


def test_mcq_tolerance_ignored(client, bearer, teacher_a, exam_a):
    body = {"exam_id": exam_a, **MCQ, "tolerance": "0"}  # forms send every input
    q = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a)).get_json()
    assert q["question"]["tolerance"] is None


def test_latex_and_unicode_stored_as_typed(client, bearer, teacher_a, exam_a):
    text = "मान ज्ञात कीजिए: $$\\int_0^1 x^2\\,dx = \\frac{1}{3}$$ (₹ 5)"
    body = {"exam_id": exam_a, **MCQ, "question_text": text, "option_a": "\\(\\alpha\\)"}
    q = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a)).get_json()
    assert q["question"]["question_text"] == text and q["question"]["option_a"] == "\\(\\alpha\\)"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("correct_answer", "1e300"),  # 301 digits: more than the column holds
        ("correct_answer", "1e999999999"),  # would expand to a gigabyte before any length check
        ("correct_answer", "1e-50"),
        ("tolerance", "123456789"),  # NUMERIC(12, 4) holds 8 digits before the point
    ],
)
def test_numeric_values_outside_what_is_stored_are_400(
    app, client, bearer, teacher_a, exam_a, field, value
):
    body = {"exam_id": exam_a, **NUMERIC, field: value}
    res = client.post("/admin/questions/add-ajax", json=body, headers=bearer(teacher_a))
    assert res.status_code == 400
    assert res.get_json()["success"] is False and field in res.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Question)) == 0

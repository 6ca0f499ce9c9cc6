"""Contract tests for SmartAIExam's question endpoints (000_…, "Admin JSON APIs":
/admin/questions/get, add-ajax, edit-ajax, delete, delete-multiple, batch-add), with the
document's field names and the AI Command Centre's example question."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Question
from tests.questions.conftest import MCQ, MSQ, NUMERIC

DOC_EXAMPLE = {  # 000_…, "AI Command Centre": the question shape
    "question_text": "A block of mass $\\large m$ slides...",
    "option_a": "$\\large \\frac{1}{2}mv^2$",
    "option_b": "$mv$",
    "correct_answer": "A",
    "question_type": "MCQ",
    "positive_marks": 4.0,
    "negative_marks": 1.0,
}
OPTION_KEYS = [f"option_{c}" for c in "abcdefgh"]


def test_add_ajax_documented_fields(client, bearer, teacher_a, exam_a):
    res = client.post(
        "/admin/questions/add-ajax",
        json={"exam_id": exam_a, **DOC_EXAMPLE},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert set(body) == {"success", "question"} and body["success"] is True
    q = body["question"]
    assert q["exam_id"] == exam_a
    assert q["question_text"] == DOC_EXAMPLE["question_text"]  # LaTeX stored as typed
    assert q["option_a"] == "$\\large \\frac{1}{2}mv^2$"
    assert q["option_b"] == "$mv$" and q["option_c"] is None and q["option_h"] is None
    assert q["options"] == ["$\\large \\frac{1}{2}mv^2$", "$mv$"]
    assert q["correct_answer"] == "A" and q["question_type"] == "MCQ"
    assert q["positive_marks"] == 4 and q["negative_marks"] == 1
    assert set(q) == {
        "id", "exam_id", "question_text", *OPTION_KEYS, "options", "correct_answer",
        "question_type", "tolerance", "image_path", "positive_marks", "negative_marks",
        "explanation", "topic", "subtopic", "difficulty", "source", "tags", "section_id",
        "set_number", "position", "created_at", "updated_at",
    }  # fmt: skip


def test_add_ajax_every_field(client, bearer, teacher_a, exam_a, section_id):
    sid = section_id(exam_a, "Optics")
    data = {
        "exam_id": exam_a,
        "question_text": "Pick the primes",
        "question_type": "msq",
        "options": ["2", "4", "5", "9", "11"],
        "correct_answer": ["e", "A", "C"],
        "image_path": "https://drive.google.com/file/d/1AbC_d-EF/view?usp=sharing",
        "positive_marks": "2.5",
        "negative_marks": "0.5",
        "explanation": "2, 5 and 11 have no divisors but 1 and themselves.",
        "topic": "Number theory",
        "subtopic": "Primes",
        "difficulty": 4,
        "source": "NCERT",
        "tags": ["primes", "class 9"],
        "section_id": sid,
        "set_number": 2,
    }
    q = client.post("/admin/questions/add-ajax", json=data, headers=bearer(teacher_a)).get_json()[
        "question"
    ]
    assert q["question_type"] == "MSQ" and q["correct_answer"] == "A,C,E"
    assert q["option_e"] == "11" and q["option_f"] is None
    assert q["image_path"] == "https://drive.google.com/uc?export=view&id=1AbC_d-EF"
    assert (q["positive_marks"], q["negative_marks"]) == (2.5, 0.5)
    assert q["tags"] == ["primes", "class 9"] and q["section_id"] == sid
    assert (q["difficulty"], q["set_number"], q["source"]) == (4, 2, "NCERT")
    assert (q["topic"], q["subtopic"]) == ("Number theory", "Primes")


def test_add_ajax_accepts_a_form(client, web_login, teacher_a, exam_a):
    token = web_login(client, teacher_a)
    form = {
        "exam_id": str(exam_a),
        **{k: str(v) for k, v in NUMERIC.items()},
        "option_a": "",  # a form always sends the option inputs
        "option_b": "",
        "positive_marks": "",
        "negative_marks": "",
        "image_path": "",
        "tags": "units; gravity",
    }
    res = client.post(
        "/admin/questions/add-ajax",
        data=form,
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert res.status_code == 200, res.get_data(as_text=True)
    q = res.get_json()["question"]
    assert q["question_type"] == "NUMERIC" and q["correct_answer"] == "9.8"
    assert q["tolerance"] == 0.05 and q["options"] == []
    assert q["positive_marks"] is None and q["negative_marks"] is None  # the exam's default
    assert q["tags"] == ["units", "gravity"]


def test_add_appends_in_order(client, bearer, teacher_a, exam_a, add):
    first = add(teacher_a, exam_a)
    second = add(teacher_a, exam_a, MSQ)
    res = client.get(f"/admin/questions/get/{second}", headers=bearer(teacher_a))
    assert res.get_json()["question"]["position"] == 1
    res = client.get(f"/admin/questions/get/{first}", headers=bearer(teacher_a))
    assert res.get_json()["question"]["position"] == 0


def test_get_documented_shape(client, bearer, teacher_a, exam_a, add):
    qid = add(teacher_a, exam_a, NUMERIC)
    res = client.get(f"/admin/questions/get/{qid}", headers=bearer(teacher_a))
    assert res.status_code == 200
    body = res.get_json()
    assert set(body) == {"success", "question"} and body["success"] is True
    q = body["question"]
    assert q["id"] == qid and q["question_type"] == "NUMERIC"
    assert q["correct_answer"] == "9.8" and q["tolerance"] == 0.05
    assert q["created_at"].count("T") == 1 and "+" not in q["created_at"]


def test_get_unknown_is_404(client, bearer, teacher_a):
    res = client.get("/admin/questions/get/999", headers=bearer(teacher_a))
    assert res.status_code == 404
    assert res.get_json() == {"success": False, "message": "Question not found"}


def test_edit_ajax_partial_update(client, bearer, teacher_a, exam_a, add):
    qid = add(teacher_a, exam_a)
    res = client.post(
        f"/admin/questions/edit-ajax/{qid}",
        json={"correct_answer": "c", "option_b": "$p = mv$", "difficulty": 5},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 200, res.get_json()
    q = res.get_json()["question"]
    assert q["correct_answer"] == "C" and q["option_b"] == "$p = mv$" and q["difficulty"] == 5
    assert q["question_text"] == MCQ["question_text"] and q["option_d"] == "$0$"  # kept


def test_edit_ajax_change_type_and_options(client, bearer, teacher_a, exam_a, add):
    qid = add(teacher_a, exam_a)
    res = client.post(
        f"/admin/questions/edit-ajax/{qid}",
        json={"question_type": "NUMERIC", "correct_answer": -3, "tolerance": 0},
        headers=bearer(teacher_a),
    )
    q = res.get_json()["question"]
    assert q["question_type"] == "NUMERIC" and q["options"] == [] and q["correct_answer"] == "-3"
    res = client.post(
        f"/admin/questions/edit-ajax/{qid}",
        json={"question_type": "MCQ", "options": ["yes", "no"], "correct_answer": "B"},
        headers=bearer(teacher_a),
    )
    q = res.get_json()["question"]
    assert q["options"] == ["yes", "no"] and q["tolerance"] is None and q["option_c"] is None


def test_edit_ajax_blank_last_option_removes_it(client, bearer, teacher_a, exam_a, add):
    qid = add(teacher_a, exam_a)
    res = client.post(
        f"/admin/questions/edit-ajax/{qid}", json={"option_d": ""}, headers=bearer(teacher_a)
    )
    assert res.get_json()["question"]["options"] == ["$\\large \\frac{1}{2}mv^2$", "$mv$", "$mgh$"]


def test_edit_ajax_moves_to_another_own_exam(
    client, bearer, teacher_a, exam_a, make_exam, add, section_id
):
    other = make_exam(teacher_a, "Anita's second", sections=("Part A",))
    add(teacher_a, other)
    qid = add(teacher_a, exam_a, section_id=section_id(exam_a, "Optics"))
    res = client.post(
        f"/admin/questions/edit-ajax/{qid}", json={"exam_id": other}, headers=bearer(teacher_a)
    )
    moved = res.get_json()["question"]
    assert res.status_code == 200 and moved["exam_id"] == other
    assert moved["section_id"] is None and moved["position"] == 1
    res = client.post(
        f"/admin/questions/edit-ajax/{qid}",
        json={"exam_id": exam_a, "section_id": section_id(other, "Part A")},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 400 and "section_id" in res.get_json()["errors"]


def test_delete(client, bearer, teacher_a, exam_a, add, rows):
    qid = add(teacher_a, exam_a)
    keep = add(teacher_a, exam_a, MSQ)
    res = client.post(f"/admin/questions/delete/{qid}", headers=bearer(teacher_a))
    assert res.status_code == 200 and res.get_json() == {"success": True}
    assert [r["id"] for r in rows()] == [keep]
    res = client.post(f"/admin/questions/delete/{qid}", headers=bearer(teacher_a))
    assert res.status_code == 404


def test_delete_multiple_documented_body(client, bearer, teacher_a, exam_a, add, rows):
    ids = [add(teacher_a, exam_a) for _ in range(3)]
    res = client.post(
        "/admin/questions/delete-multiple", json={"ids": ids[:2]}, headers=bearer(teacher_a)
    )
    assert res.status_code == 200
    assert res.get_json() == {"success": True, "deleted": 2}
    assert [r["id"] for r in rows()] == [ids[2]]


def test_delete_multiple_unknown_ids_404_names_them_and_deletes_nothing(
    client, bearer, teacher_a, exam_a, add, rows
):
    qid = add(teacher_a, exam_a)
    res = client.post(
        "/admin/questions/delete-multiple", json={"ids": [qid, 998, 999]}, headers=bearer(teacher_a)
    )
    assert res.status_code == 404
    body = res.get_json()
    assert body["success"] is False and body["message"] == "Questions not found: 998, 999"
    assert body["missing_ids"] == [998, 999]
    assert len(rows()) == 1


def test_delete_multiple_validation(client, bearer, teacher_a):
    for body in ({}, {"ids": []}, {"ids": "1,2"}, {"ids": [True]}, {"ids": [0]}):
        res = client.post("/admin/questions/delete-multiple", json=body, headers=bearer(teacher_a))
        assert res.status_code == 400, body
        assert res.get_json()["success"] is False and res.get_json()["message"]


def test_batch_add_documented_body(client, bearer, teacher_a, exam_a, rows):
    questions = [DOC_EXAMPLE, MSQ, NUMERIC]
    res = client.post(
        "/admin/questions/batch-add",
        json={"exam_id": exam_a, "questions": questions},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 200, res.get_json()
    body = res.get_json()
    assert body["success"] is True and body["inserted"] == 3
    assert [q["question_type"] for q in body["questions"]] == ["MCQ", "MSQ", "NUMERIC"]
    assert [r["position"] for r in rows(exam_a)] == [0, 1, 2]


def test_batch_add_all_or_nothing_names_index_and_field(client, bearer, teacher_a, exam_a, rows):
    bad_msq = {**MSQ, "correct_answer": "A,Z"}
    bad_numeric = {**NUMERIC, "tolerance": -1}
    res = client.post(
        "/admin/questions/batch-add",
        json={"exam_id": exam_a, "questions": [MCQ, bad_msq, NUMERIC, bad_numeric, "nope"]},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 400
    body = res.get_json()
    assert body["success"] is False
    assert "questions[1].correct_answer: Z is not an option letter (A-D)" in body["message"]
    assert "questions[3].tolerance:" in body["message"]
    assert "questions[4]" in body["message"]
    assert set(body["errors"]) == {
        "questions.1.correct_answer", "questions.3.tolerance", "questions.4",
    }  # fmt: skip
    assert rows() == []


def test_batch_add_validation(client, bearer, teacher_a, exam_a, rows):
    for body in (
        {"questions": [MCQ]},
        {"exam_id": exam_a},
        {"exam_id": exam_a, "questions": []},
        {"exam_id": exam_a, "questions": {"0": MCQ}},
        {"exam_id": "x", "questions": [MCQ]},
    ):
        res = client.post("/admin/questions/batch-add", json=body, headers=bearer(teacher_a))
        assert res.status_code == 400, body
    assert rows() == []


def test_json_body_must_be_an_object(client, bearer, teacher_a, exam_a):
    res = client.post("/admin/questions/add-ajax", json=[1, 2], headers=bearer(teacher_a))
    assert res.status_code == 400 and res.get_json()["success"] is False
    res = client.post(
        "/admin/questions/add-ajax",
        data="{not json",
        content_type="application/json",
        headers=bearer(teacher_a),
    )
    assert res.status_code == 400


def test_delete_cascades_through_exam_relationship(app, teacher_a, exam_a, add):
    qid = add(teacher_a, exam_a)
    with app.app_context():
        assert db.session.scalar(select(Question.id).where(Question.id == qid)) == qid


def test_question_object_posts_back_as_it_is(client, bearer, teacher_a, exam_a, add, rows):
    qid = add(teacher_a, exam_a, MSQ, tags=["x"], image_path="https://example.com/a.png")
    question = client.get(f"/admin/questions/get/{qid}", headers=bearer(teacher_a)).get_json()[
        "question"
    ]
    before = rows()
    res = client.post(f"/admin/questions/edit-ajax/{qid}", json=question, headers=bearer(teacher_a))
    assert res.status_code == 200, res.get_json()
    strip = [{k: v for k, v in r.items() if k != "updated_at"} for r in before]
    assert [{k: v for k, v in r.items() if k != "updated_at"} for r in rows()] == strip
    res = client.post(
        "/admin/questions/batch-add",
        json={"exam_id": exam_a, "questions": [question]},
        headers=bearer(teacher_a),
    )
    copy = res.get_json()["questions"][0]
    same = ("question_text", "options", "correct_answer", "tags", "image_path", "question_type")
    assert {k: copy[k] for k in same} == {k: question[k] for k in same}

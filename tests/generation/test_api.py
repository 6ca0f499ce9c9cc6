"""The documented endpoints (000_…, "AI Command Centre") through the real groq client against
the fake Groq server: the document's example request, the response shape, malformed and
hostile model output, the PDF limits, and who may call them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask

from app.extensions import db
from app.generation import pdftext
from app.models import Exam, GenerationJob
from app.questions.importers.csv_format import COLUMNS
from tests.generation.conftest import make_pdf, mcq, msq, numeric, reply

GENERATE = "/admin/ai-command-centre/generate"
SAVE = "/admin/ai-command-centre/save"
EXPORT = "/admin/ai-command-centre/export-csv"
NOT_CONFIGURED = "AI is not configured on this server"
PDF_TEXT = "Chapter 3. Newton's Laws. Q1. Which law says F = ma? (a) first (b) second"


def ten_questions() -> str:
    return reply(
        *(mcq(f"MCQ {n}: a block of mass $\\large m$ slides...") for n in range(5)),
        *(msq(f"MSQ {n}") for n in range(2)),
        *(numeric(f"NUMERIC {n}") for n in range(3)),
    )


def example_form(exam_id: int = 42, **changes) -> dict:
    """The document's example: multipart form data for mode extract."""
    form = {
        "mode": "extract",
        "exam_id": str(exam_id),
        "difficulty": "Medium",
        "mcq_count": "5",
        "msq_count": "2",
        "numeric_count": "3",
        "pdf_file": (io.BytesIO(make_pdf(PDF_TEXT)), "chapter3.pdf"),
        "topic": "Newton's Laws",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


@pytest.fixture
def exam42(app: Flask, teacher) -> int:
    with app.app_context():
        db.session.add(Exam(id=42, name="Physics mock", owner_id=teacher.id))
        db.session.commit()
    return 42


def test_generate_the_documents_example(client, bearer, teacher, exam42, fake_groq):
    fake_groq.reply(ten_questions())
    response = client.post(GENERATE, data=example_form(), headers=bearer(teacher))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["success"] is True
    assert body["count"] == 10 == len(body["questions"])
    first = body["questions"][0]
    assert {
        k: first[k]
        for k in (
            "exam_id",
            "question_text",
            "option_a",
            "correct_answer",
            "question_type",
            "positive_marks",
            "negative_marks",
        )
    } == {
        "exam_id": 42,
        "question_text": "MCQ 0: a block of mass $\\large m$ slides...",
        "option_a": "Newton's first law",
        "correct_answer": "B",
        "question_type": "MCQ",
        "positive_marks": 4.0,
        "negative_marks": 1.0,
    }
    assert [q["question_type"] for q in body["questions"]] == ["MCQ"] * 5 + ["MSQ"] * 2 + [
        "NUMERIC"
    ] * 3
    assert body["dropped"] == [] and body["repaired"] == 0
    # What the model was sent: the PDF's text as data, JSON mode, the counts asked for.
    [sent] = fake_groq.requests
    assert sent["response_format"] == {"type": "json_object"}
    prompt = sent["messages"][-1]["content"]
    assert "Q1. Which law says F = ma?" in prompt
    assert "5 MCQ, 2 MSQ, 3 NUMERIC" in prompt
    assert "Extract them" in prompt


def test_generate_pure_from_a_topic_needs_no_pdf(client, bearer, teacher, fake_groq):
    fake_groq.reply(reply(mcq(), numeric()))
    form = {"mode": "pure", "topic": "Newton's Laws", "difficulty": "Hard"}
    response = client.post(
        GENERATE, data={**form, "mcq_count": "1", "numeric_count": "1"}, headers=bearer(teacher)
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["count"] == 2
    assert body["questions"][0]["exam_id"] is None
    assert body["questions"][0]["positive_marks"] is None  # the exam's own marks when saved
    prompt = fake_groq.requests[0]["messages"][-1]["content"]
    assert "'Newton's Laws'" in prompt or '"Newton\'s Laws"' in prompt
    assert "Hard difficulty" in prompt


def test_generate_mine_writes_new_questions_from_the_pdf(client, bearer, teacher, fake_groq):
    fake_groq.reply(reply(mcq()))
    form = example_form(mode="mine", exam_id="", mcq_count="1", msq_count="0", numeric_count="0")
    response = client.post(GENERATE, data=form, headers=bearer(teacher))
    assert response.status_code == 200, response.get_json()
    prompt = fake_groq.requests[0]["messages"][-1]["content"]
    assert "Write exactly 1 MCQ new questions" in prompt
    assert PDF_TEXT[:40] in prompt


def test_json_body_works_for_pure(client, bearer, teacher, fake_groq):
    fake_groq.reply(reply(mcq()))
    response = client.post(
        GENERATE, json={"mode": "pure", "topic": "Optics", "mcq_count": 1}, headers=bearer(teacher)
    )
    assert response.status_code == 200
    assert response.get_json()["count"] == 1


def test_malformed_items_are_dropped_with_reasons_and_repaired_once(
    client, bearer, teacher, fake_groq
):
    bad_options = mcq("Three options only", options=["a", "b", "c"])
    bad_answer = numeric("Answer as text", answer="six")
    fake_groq.reply(reply(mcq("good one"), bad_options, bad_answer))
    # The repair fixes the first and not the second.
    fake_groq.reply(reply(mcq("Three options only, fixed"), numeric("Still text", answer="six")))
    response = client.post(
        GENERATE,
        data={"mode": "pure", "topic": "Forces", "mcq_count": "2", "numeric_count": "1"},
        headers=bearer(teacher),
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert [q["question_text"] for q in body["questions"]] == [
        "good one",
        "Three options only, fixed",
    ]
    assert body["repaired"] == 1
    [dropped] = body["dropped"]
    assert dropped["index"] == 2
    assert dropped["question_text"] == "Answer as text"
    assert dropped["reason"] == (
        "answer: must be a JSON number; still malformed after the repair attempt: "
        "answer: must be a JSON number"
    )
    # The repair request carried the validation errors and the bad reply, once.
    assert len(fake_groq.requests) == 2
    repair = fake_groq.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant"
    assert "item 2: options: List should have at least 4 items" in repair[-1]["content"]
    assert "item 3: answer: must be a JSON number" in repair[-1]["content"]


def test_good_output_makes_no_repair_request(client, bearer, teacher, fake_groq):
    fake_groq.reply(reply(mcq()))
    client.post(
        GENERATE,
        data={"mode": "pure", "topic": "Forces", "mcq_count": "1"},
        headers=bearer(teacher),
    )
    assert len(fake_groq.requests) == 1


def test_a_reply_that_is_not_json_is_asked_for_again_once(client, bearer, teacher, fake_groq):
    fake_groq.reply("Sure! Here are your questions:\n1. What is a force?")
    fake_groq.reply(reply(mcq()))
    response = client.post(
        GENERATE,
        data={"mode": "pure", "topic": "Forces", "mcq_count": "1"},
        headers=bearer(teacher),
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert body["count"] == 1 and body["repaired"] == 1
    assert "not valid JSON" in fake_groq.requests[1]["messages"][-1]["content"]


def test_unreadable_even_after_the_repair_is_a_502_and_nothing_more(
    client, bearer, teacher, fake_groq
):
    fake_groq.reply("not json")
    fake_groq.reply("still not json")
    fake_groq.reply(reply(mcq()))  # a third request would get this
    response = client.post(
        GENERATE,
        data={"mode": "pure", "topic": "Forces", "mcq_count": "1"},
        headers=bearer(teacher),
    )
    assert response.status_code == 502
    body = response.get_json()
    assert body["success"] is False
    assert body["message"].startswith("The AI reply could not be read as questions")
    assert len(fake_groq.requests) == 2


def test_more_questions_than_asked_are_dropped_saying_so(client, bearer, teacher, fake_groq):
    fake_groq.reply(reply(mcq("one"), mcq("two"), msq("not asked")))
    response = client.post(
        GENERATE,
        data={"mode": "pure", "topic": "Forces", "mcq_count": "1"},
        headers=bearer(teacher),
    )
    body = response.get_json()
    assert [q["question_text"] for q in body["questions"]] == ["one"]
    assert [d["reason"] for d in body["dropped"]] == [
        "more MCQ questions than the 1 asked for",
        "MSQ questions were not asked for",
    ]
    assert len(fake_groq.requests) == 1  # well-formed extras are not a reason to repair


def test_hostile_markup_comes_back_as_data(client, bearer, teacher, fake_groq):
    hostile = '<script>alert("pwned")</script>What is $x$?'
    fake_groq.reply(reply(mcq(hostile, options=["<b>a</b>", "b", "c", "d"])))
    response = client.post(
        GENERATE,
        data={"mode": "pure", "topic": "Forces", "mcq_count": "1"},
        headers=bearer(teacher),
    )
    assert response.mimetype == "application/json"
    question = response.get_json()["questions"][0]
    assert question["question_text"] == hostile
    assert question["option_a"] == "<b>a</b>"


# Model failures -----------------------------------------------------------------------------


def test_without_a_key_503_with_the_message(client, bearer, teacher, no_ai):
    response = client.post(
        GENERATE,
        data={"mode": "pure", "topic": "Forces", "mcq_count": "1"},
        headers=bearer(teacher),
    )
    assert response.status_code == 503
    assert response.get_json() == {"success": False, "message": NOT_CONFIGURED}


@pytest.mark.parametrize(
    ("queue", "status", "message"),
    [
        (lambda f: f.reply_error(500), 503, "The AI service is unavailable (HTTP 500)."),
        (lambda f: f.reply_error(429), 503, "rate limited"),
        (lambda f: f.reply_malformed(), 502, "could not be read"),
        (lambda f: f.reply_slow(5, reply(mcq())), 504, "did not answer in time"),
    ],
)
def test_model_failures_have_their_status(
    client, bearer, teacher, fake_groq, app, monkeypatch, queue, status, message
):
    monkeypatch.setitem(app.config, "GROQ_TIMEOUT", 0.5)
    queue(fake_groq)
    response = client.post(
        GENERATE,
        data={"mode": "pure", "topic": "Forces", "mcq_count": "1"},
        headers=bearer(teacher),
    )
    assert response.status_code == status
    body = response.get_json()
    assert body["success"] is False and message in body["message"]
    assert len(fake_groq.requests) == 1  # no silent retry


# Who may, and bad requests ------------------------------------------------------------------


def test_students_and_proctors_get_403_and_the_model_is_not_called(
    client, bearer, student, proctor, fake_groq
):
    for user in (student, proctor):
        for path in (GENERATE, SAVE, EXPORT):
            response = client.post(path, json={"questions": [mcq()]}, headers=bearer(user))
            assert response.status_code == 403, path
            assert response.get_json()["success"] is False
    assert fake_groq.requests == []


def test_signed_out_gets_401(client):
    assert client.post(GENERATE, data={"mode": "pure"}).status_code == 401


def test_another_teachers_exam_is_403_and_a_missing_one_404(
    client, bearer, teacher, other_teacher, make_exam, fake_groq
):
    theirs = make_exam(other_teacher, "Not yours")
    form = {"mode": "pure", "topic": "Forces", "mcq_count": "1"}
    refused = client.post(GENERATE, data={**form, "exam_id": theirs}, headers=bearer(teacher))
    assert refused.status_code == 403
    missing = client.post(GENERATE, data={**form, "exam_id": 999}, headers=bearer(teacher))
    assert missing.status_code == 404
    assert fake_groq.requests == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"mode": "quiz"}, "mode: Input should be 'extract', 'mine' or 'pure'"),
        ({"mode": "pure", "topic": ""}, "topic is required for mode pure"),
        ({"mcq_count": "0", "msq_count": "0", "numeric_count": "0"}, "ask for at least one"),
        ({"mcq_count": "21"}, "mcq_count: Input should be less than or equal to 20"),
        ({"mcq_count": "many"}, "mcq_count: Input should be a valid integer"),
        ({"difficulty": "Brutal"}, "difficulty: Input should be 'Easy', 'Medium' or 'Hard'"),
        ({"pdf_file": None}, "pdf_file is required for mode extract"),
        ({"pdf_file": (io.BytesIO(b"just text"), "notes.pdf")}, "pdf_file is not a PDF"),
        ({"pdf_file": (io.BytesIO(make_pdf("")), "scan.pdf")}, "No text could be read"),
    ],
)
def test_bad_requests_are_400_and_the_model_is_not_called(
    client, bearer, teacher, exam42, fake_groq, changes, message
):
    response = client.post(GENERATE, data=example_form(**changes), headers=bearer(teacher))
    assert response.status_code == 400
    body = response.get_json()
    assert body["success"] is False
    assert message in body["message"]
    assert fake_groq.requests == []


def test_pdf_page_and_size_limits_are_400(client, bearer, teacher, exam42, fake_groq, monkeypatch):
    monkeypatch.setattr(pdftext, "MAX_PDF_PAGES", 2)
    pages = make_pdf("page one text", "page two text", "page three text")
    response = client.post(
        GENERATE,
        data=example_form(pdf_file=(io.BytesIO(pages), "long.pdf")),
        headers=bearer(teacher),
    )
    assert response.status_code == 400
    assert response.get_json()["message"] == "pdf_file has 3 pages (at most 2)"
    monkeypatch.setattr(pdftext, "MAX_PDF_BYTES", 500)
    response = client.post(GENERATE, data=example_form(), headers=bearer(teacher))
    assert response.status_code == 400
    assert response.get_json()["message"] == "pdf_file is too large (at most 0 MB)"
    assert fake_groq.requests == []


# Save ---------------------------------------------------------------------------------------


def generated(client, bearer, teacher, exam_id, fake_groq) -> list[dict]:
    fake_groq.reply(reply(mcq(), msq(), numeric()))
    form = {"mode": "pure", "topic": "Forces", "exam_id": exam_id}
    counts = {"mcq_count": "1", "msq_count": "1", "numeric_count": "1"}
    response = client.post(GENERATE, data={**form, **counts}, headers=bearer(teacher))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["questions"]


def test_save_what_generate_returned(client, bearer, teacher, make_exam, fake_groq, saved):
    exam_id = make_exam(teacher)
    questions = generated(client, bearer, teacher, exam_id, fake_groq)
    response = client.post(SAVE, json={"questions": questions}, headers=bearer(teacher))
    assert response.status_code == 200
    assert response.get_json() == {"success": True, "count": 3}
    stored = saved(exam_id)
    assert [(q.question_type, q.correct_answer) for q in stored] == [
        ("MCQ", "B"),
        ("MSQ", "A,C"),
        ("NUMERIC", "6"),
    ]
    assert stored[0].options == mcq()["options"]
    assert stored[0].explanation == mcq()["explanation"]
    assert stored[0].topic == "Newton's Laws" and stored[0].difficulty == 3
    assert float(stored[2].tolerance) == 0.1
    assert float(stored[0].positive_marks) == 4.0


def test_save_is_all_or_nothing_and_names_the_bad_field(
    client, bearer, teacher, make_exam, fake_groq, saved
):
    exam_id = make_exam(teacher)
    questions = generated(client, bearer, teacher, exam_id, fake_groq)
    questions[1]["correct_answer"] = "E"
    questions[2]["question_text"] = ""
    response = client.post(SAVE, json={"questions": questions}, headers=bearer(teacher))
    assert response.status_code == 400
    body = response.get_json()
    assert body["success"] is False
    assert "questions[1].correct_answer" in body["message"]
    assert "questions.2.question_text" in body["errors"]
    assert saved(exam_id) == []


def test_save_needs_an_exam_the_teacher_manages(
    client, bearer, teacher, other_teacher, make_exam, saved
):
    theirs = make_exam(other_teacher, "Not yours")
    question = {**_plain_mcq(), "exam_id": theirs}
    refused = client.post(SAVE, json={"questions": [question]}, headers=bearer(teacher))
    assert refused.status_code == 403
    assert saved(theirs) == []
    nowhere = client.post(SAVE, json={"questions": [_plain_mcq()]}, headers=bearer(teacher))
    assert nowhere.status_code == 400
    assert nowhere.get_json()["message"] == "questions[0].exam_id is required"
    empty = client.post(SAVE, json={"questions": []}, headers=bearer(teacher))
    assert empty.status_code == 400
    assert client.post(SAVE, json={}, headers=bearer(teacher)).status_code == 400


def test_save_takes_a_top_level_exam_for_items_without_one(
    client, bearer, teacher, make_exam, saved
):
    exam_id = make_exam(teacher)
    body = {"exam_id": exam_id, "questions": [_plain_mcq(), _plain_mcq()]}
    response = client.post(SAVE, json=body, headers=bearer(teacher))
    assert response.get_json() == {"success": True, "count": 2}
    assert len(saved(exam_id)) == 2


def _plain_mcq() -> dict:
    return {
        "question_text": "2 + 2 = ?",
        "question_type": "MCQ",
        "option_a": "3",
        "option_b": "4",
        "option_c": "5",
        "option_d": "22",
        "correct_answer": "B",
    }


# Export -------------------------------------------------------------------------------------


def test_export_csv_in_the_importers_format_and_it_imports_back(
    client, bearer, teacher, make_exam, fake_groq, saved
):
    questions = generated(client, bearer, teacher, None, fake_groq)
    questions[0]["question_text"] = '=HYPERLINK("http://evil")'
    response = client.post(EXPORT, json={"questions": questions}, headers=bearer(teacher))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'  # guarded against formula injection
    # The file imports through the bank's own CSV importer as the same questions.
    exam_id = make_exam(teacher)
    imported = client.post(
        "/admin/questions/import-csv",
        data={"exam_id": exam_id, "file": (io.BytesIO(response.get_data()), "generated.csv")},
        headers=bearer(teacher),
    )
    assert imported.status_code == 200, imported.get_json()
    assert imported.get_json()["inserted"] == 3
    stored = saved(exam_id)
    assert stored[0].text == '=HYPERLINK("http://evil")'
    assert [q.correct_answer for q in stored] == ["B", "A,C", "6"]
    assert stored[1].explanation == msq()["explanation"]


def test_export_refuses_invalid_questions(client, bearer, teacher):
    bad = {**_plain_mcq(), "correct_answer": "Z"}
    response = client.post(EXPORT, json={"questions": [bad]}, headers=bearer(teacher))
    assert response.status_code == 400
    assert "questions[0].correct_answer" in response.get_json()["message"]


def test_generate_writes_nothing(client, bearer, teacher, make_exam, fake_groq, saved, app):
    exam_id = make_exam(teacher)
    generated(client, bearer, teacher, exam_id, fake_groq)
    assert saved(exam_id) == []
    with app.app_context():
        assert db.session.query(GenerationJob).count() == 0


def test_save_request_body_must_be_json_object(client, bearer, teacher):
    response = client.post(
        SAVE, data=json.dumps([1]), content_type="application/json", headers=bearer(teacher)
    )
    assert response.status_code == 400


def test_generation_is_rate_limited_per_account(client, bearer, teacher, fake_groq):
    headers = bearer(teacher)
    statuses = [
        client.post(GENERATE, data={"mode": "pure", "mcq_count": "1"}, headers=headers).status_code
        for _ in range(61)
    ]
    assert statuses[:60] == [400] * 60  # topic missing: refused, but each one counts
    assert statuses[60] == 429
    assert fake_groq.requests == []

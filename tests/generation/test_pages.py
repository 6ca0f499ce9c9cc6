"""The AI command centre page: a generation run as a job with progress, review and edit, save
to an exam or export; hostile model output shown as text; authors only."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import GenerationJob, utcnow
from tests.generation.conftest import make_pdf, mcq, msq, numeric, reply

PAGE = "/admin/ai-command-centre"
RUNS = "/admin/ai-command-centre/runs"
HX = {"HX-Request": "true"}


@pytest.fixture
def signed_in(client, web_login, teacher):
    token = web_login(client, teacher)
    return {**HX, "X-CSRFToken": token}


def start(client, headers, **form) -> int:
    data = {"mode": "pure", "topic": "Newton's Laws", "difficulty": "Medium", "mcq_count": "1"}
    data.update(form)
    response = client.post(RUNS, data=data, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    match = re.search(r"/admin/ai-command-centre/runs/(\d+)", response.get_data(as_text=True))
    assert match, "no progress poller in the answer"
    return int(match.group(1))


def test_teachers_see_the_page_in_the_nav(client, web_login, teacher, fake_groq):
    web_login(client, teacher)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="nav-ai-command-centre"' in dashboard
    html = client.get(PAGE).get_data(as_text=True)
    assert "<h1>AI command centre</h1>" in html
    assert 'data-testid="empty-state"' in html
    assert 'data-testid="ai-not-configured"' not in html


def test_students_get_403_and_no_nav_link(client, web_login, student):
    web_login(client, student)
    assert "nav-ai-command-centre" not in client.get("/dashboard").get_data(as_text=True)
    assert client.get(PAGE).status_code == 403
    token = client.get("/dashboard")  # still signed in
    assert token.status_code == 200


def test_without_a_key_the_page_says_so(client, web_login, teacher, no_ai):
    token = web_login(client, teacher)
    html = client.get(PAGE).get_data(as_text=True)
    assert "AI is not configured on this server" in html
    assert re.search(r'data-testid="generate" disabled', html)
    response = client.post(
        RUNS,
        data={"mode": "pure", "topic": "x", "mcq_count": "1"},
        headers={**HX, "X-CSRFToken": token},
    )
    assert response.status_code == 503
    assert "AI is not configured on this server" in response.get_data(as_text=True)


def test_a_run_shows_progress_then_the_questions_for_review(
    client, signed_in, fake_groq, app: Flask
):
    fake_groq.reply(reply(mcq(), msq(), numeric()))
    run_id = start(client, signed_in, mcq_count="1", msq_count="1", numeric_count="1")
    with app.app_context():
        run = db.session.get(GenerationJob, run_id)
        assert run.status == "done" and run.progress == 100
        assert run.stage == "3 questions ready for review"
    assert fake_groq.requests[0]["stream"] is True  # streamed, for the progress
    html = client.get(f"{RUNS}/{run_id}", headers=signed_in).get_data(as_text=True)
    assert "3 questions to review" in html
    assert html.count('data-testid="generated-question"') == 3
    assert 'hx-trigger="every 1s"' not in html  # finished: polling stops
    assert 'value="Newton&#39;s second law"' in html


def running_run(app: Flask, teacher, **fields) -> int:
    """A run some worker is on, two questions into five."""
    with app.app_context():
        run = GenerationJob(
            owner_id=teacher.id,
            status="running",
            progress=38,
            stage="Writing question 2 of 5",
            params={"mode": "pure", "topic": "x", "mcq_count": 5},
            **fields,
        )
        db.session.add(run)
        db.session.commit()
        return run.id


def test_a_run_whose_worker_died_fails_instead_of_polling_for_ever(
    client, signed_in, app: Flask, teacher
):
    run_id = running_run(app, teacher, created_at=utcnow() - timedelta(minutes=16))
    html = client.get(f"{RUNS}/{run_id}", headers=signed_in).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' not in html
    assert "stopped before it finished" in html
    with app.app_context():
        run = db.session.get(GenerationJob, run_id)
        assert run.status == "failed" and run.finished_at is not None


def test_while_running_the_panel_polls(client, signed_in, app: Flask, teacher):
    run_id = running_run(app, teacher)
    html = client.get(f"{RUNS}/{run_id}", headers=signed_in).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in html
    assert "Writing question 2 of 5" in html
    assert '<progress value="38" max="100"' in html


def test_hostile_markup_is_shown_as_text(client, signed_in, fake_groq):
    hostile = "<script>alert('pwned')</script><img src=x onerror=alert(1)>Which law?"
    fake_groq.reply(reply(mcq(hostile, options=["<b>bold</b>", "b", "c", "d"], topic="<i>t</i>")))
    run_id = start(client, signed_in)
    html = client.get(f"{RUNS}/{run_id}", headers=signed_in).get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert (
        "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
        in html
    )
    assert 'value="&lt;b&gt;bold&lt;/b&gt;"' in html
    assert "<b>bold</b>" not in html and "<i>t</i>" not in html


def test_dropped_items_are_listed_with_their_reason(client, signed_in, fake_groq):
    fake_groq.reply(reply(mcq("kept"), mcq("<b>broken</b>", correct_answer="Z")))
    fake_groq.reply(reply(mcq("<b>broken</b>", correct_answer="Y")))
    run_id = start(client, signed_in, mcq_count="2")
    html = client.get(f"{RUNS}/{run_id}", headers=signed_in).get_data(as_text=True)
    assert "1 question left out" in html
    assert "still malformed after the repair attempt" in html
    assert "&lt;b&gt;broken&lt;/b&gt;" in html and "<b>broken</b>" not in html


def test_a_failed_run_says_why(client, signed_in, fake_groq):
    fake_groq.reply_error(503)
    run_id = start(client, signed_in)
    html = client.get(f"{RUNS}/{run_id}", headers=signed_in).get_data(as_text=True)
    assert "Generation failed: The AI service is unavailable (HTTP 503)." in html


def review_form(**changes) -> dict:
    form = {
        "chosen": ["0", "2"],
        "q-0-question_text": "Which law says F = ma? (edited)",
        "q-0-option_a": "first",
        "q-0-option_b": "second",
        "q-0-option_c": "third",
        "q-0-option_d": "zeroth",
        "q-0-correct_answer": "B",
        "q-0-topic": "Dynamics",
        "q-0-difficulty": "4",
        "q-0-explanation": "F = ma.",
        "q-2-question_text": "Force on 2 kg at 3 m/s^2?",
        "q-2-correct_answer": "6",
        "q-2-tolerance": "0",
        "q-2-topic": "Dynamics",
        "q-2-difficulty": "3",
        "q-2-explanation": "2 x 3",
    }
    form.update(changes)
    return form


def test_save_the_chosen_questions_as_edited(
    client, signed_in, fake_groq, teacher, make_exam, saved
):
    exam_id = make_exam(teacher, "Mechanics test")
    fake_groq.reply(reply(mcq(), msq(), numeric()))
    run_id = start(client, signed_in, mcq_count="1", msq_count="1", numeric_count="1")
    response = client.post(
        f"{RUNS}/{run_id}/save", data=review_form(exam_id=str(exam_id)), headers=signed_in
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Saved 2 questions to Mechanics test." in html
    stored = saved(exam_id)
    assert [q.text for q in stored] == [
        "Which law says F = ma? (edited)",
        "Force on 2 kg at 3 m/s^2?",
    ]
    assert stored[0].options == ["first", "second", "third", "zeroth"]
    assert (stored[0].topic, stored[0].difficulty) == ("Dynamics", 4)
    assert stored[0].positive_marks is None  # the exam's marks apply
    assert (stored[1].question_type, stored[1].correct_answer) == ("NUMERIC", "6")


def test_save_with_a_broken_edit_shows_the_error_and_saves_nothing(
    client, signed_in, fake_groq, teacher, make_exam, saved
):
    exam_id = make_exam(teacher)
    fake_groq.reply(reply(mcq(), msq(), numeric()))
    run_id = start(client, signed_in, mcq_count="1", msq_count="1", numeric_count="1")
    form = review_form(exam_id=str(exam_id), **{"q-0-correct_answer": "F"})
    response = client.post(f"{RUNS}/{run_id}/save", data=form, headers=signed_in)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Some questions need fixing" in html
    assert 'id="e-0-correct_answer"' in html and "F is not an option letter" in html
    assert "(edited)" in html  # the teacher's edits are kept on the page
    assert saved(exam_id) == []


def test_save_needs_a_choice_and_an_exam(client, signed_in, fake_groq, teacher, make_exam):
    fake_groq.reply(reply(mcq()))
    run_id = start(client, signed_in)
    no_exam = client.post(f"{RUNS}/{run_id}/save", data=review_form(), headers=signed_in)
    assert no_exam.status_code == 400
    assert "Choose the exam" in no_exam.get_data(as_text=True)
    exam_id = make_exam(teacher)
    none_chosen = client.post(
        f"{RUNS}/{run_id}/save", data=review_form(chosen=[], exam_id=exam_id), headers=signed_in
    )
    assert none_chosen.status_code == 400
    assert "Choose at least one question" in none_chosen.get_data(as_text=True)


def test_export_the_chosen_questions(client, signed_in, fake_groq):
    fake_groq.reply(reply(mcq(), msq(), numeric()))
    run_id = start(client, signed_in, mcq_count="1", msq_count="1", numeric_count="1")
    headers = {"X-CSRFToken": signed_in["X-CSRFToken"]}
    response = client.post(f"{RUNS}/{run_id}/export-csv", data=review_form(), headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    assert "Which law says F = ma? (edited)" in text
    assert "Which are vector quantities?" not in text  # not chosen


def test_a_run_is_its_owners_only(client, web_login, signed_in, fake_groq, other_teacher, app):
    fake_groq.reply(reply(mcq()))
    run_id = start(client, signed_in)
    other = app.test_client()
    token = web_login(other, other_teacher)
    assert other.get(f"{RUNS}/{run_id}", headers=HX).status_code == 403
    assert other.get(f"{PAGE}?run={run_id}").status_code == 403
    response = other.post(
        f"{RUNS}/{run_id}/save", data=review_form(), headers={**HX, "X-CSRFToken": token}
    )
    assert response.status_code == 403


def test_form_errors_come_back_with_the_form(client, signed_in, fake_groq):
    response = client.post(
        RUNS, data={"mode": "pure", "topic": "", "mcq_count": "1"}, headers=signed_in
    )
    assert response.status_code == 400
    assert "topic is required for mode pure" in response.get_data(as_text=True)
    response = client.post(RUNS, data={"mode": "extract", "mcq_count": "1"}, headers=signed_in)
    assert response.status_code == 400
    assert "pdf_file is required for mode extract" in response.get_data(as_text=True)
    assert fake_groq.requests == []


def test_without_htmx_the_form_redirects_to_the_run(client, signed_in, fake_groq):
    fake_groq.reply(reply(mcq()))
    headers = {"X-CSRFToken": signed_in["X-CSRFToken"]}
    response = client.post(
        RUNS, data={"mode": "pure", "topic": "Forces", "mcq_count": "1"}, headers=headers
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 question to review" in page


def test_a_run_from_a_pdf_reads_it_in_the_request(client, signed_in, fake_groq, app):
    fake_groq.reply(reply(mcq()))
    pdf = make_pdf("Q1. Which law says F = ma? (a) first (b) second (c) third (d) none")
    data = {"mode": "extract", "mcq_count": "1", "pdf_file": (io.BytesIO(pdf), "chapter.pdf")}
    response = client.post(RUNS, data=data, headers=signed_in)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Q1. Which law says F = ma?" in fake_groq.requests[0]["messages"][-1]["content"]
    with app.app_context():
        run = db.session.scalars(select(GenerationJob)).one()
        assert run.params["filename"] == "chapter.pdf" and run.status == "done"


def test_a_bad_pdf_is_refused_before_any_run(client, signed_in, fake_groq, app):
    data = {"mode": "mine", "mcq_count": "1", "pdf_file": (io.BytesIO(b"nope"), "x.pdf")}
    response = client.post(RUNS, data=data, headers=signed_in)
    assert response.status_code == 400
    assert "pdf_file is not a PDF" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(GenerationJob)).all() == []
    assert fake_groq.requests == []


def test_a_run_that_hits_a_bug_fails_instead_of_polling_forever(
    client, signed_in, fake_groq, monkeypatch, caplog
):
    from app.generation import services

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "generate_checked", broken)
    run_id = start(client, signed_in)
    html = client.get(f"{RUNS}/{run_id}", headers=signed_in).get_data(as_text=True)
    assert "Generation failed: Something went wrong on the server. Please try again." in html
    assert 'hx-trigger="every 1s"' not in html
    assert "generation run" in caplog.text and "boom" in caplog.text

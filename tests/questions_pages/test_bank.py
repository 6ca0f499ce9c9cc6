"""The question bank: every question of the exams the teacher manages, filtered by text, topic,
difficulty, type and exam, paginated, with the results block for htmx."""

from __future__ import annotations

import re
from html import unescape

from tests.questions_pages.conftest import BROWSER, hx


def listed(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'data-testid="q-text">([^<]*)<', html)]


def test_bank_searches_only_the_teachers_exams(
    client, signed_in, teacher, other_teacher, make_exam, add_question
):
    mine = make_exam(teacher, name="Mine")
    theirs = make_exam(other_teacher, name="Theirs")
    add_question(
        teacher, mine, question_text="Newton's second law", topic="Mechanics", difficulty=2
    )
    add_question(teacher, mine, question_text="Ohm's law", topic="Electricity", difficulty=4)
    add_question(other_teacher, theirs, question_text="Someone else's law", topic="Mechanics")
    res = client.get("/admin/questions/bank", headers=BROWSER)
    assert res.status_code == 200 and "HX-Request" in res.headers.get("Vary", "")
    html = res.get_data(as_text=True)
    assert "<h1>Question bank</h1>" in html
    assert sorted(listed(html)) == ["Newton's second law", "Ohm's law"]
    assert "Someone else" not in html and "Theirs" not in html
    assert 'for="b-q"' in html and 'for="b-topic"' in html and 'for="b-type"' in html
    assert 'for="b-difficulty"' in html and 'for="b-exam"' in html
    assert '<option value="Electricity">' in html  # topic suggestions


def test_bank_filters_and_htmx_block(client, signed_in, teacher, make_exam, add_question):
    a = make_exam(teacher, name="Exam A")
    b = make_exam(teacher, name="Exam B")
    add_question(teacher, a, question_text="Velocity of a car", topic="Mechanics", difficulty=2)
    add_question(teacher, a, question_text="Current in a wire", topic="Electricity", difficulty=4)
    add_question(
        teacher,
        b,
        question_type="NUMERIC",
        question_text="Velocity of light?",
        correct_answer="3e8",
        option_a=None,
        option_b=None,
        option_c=None,
        option_d=None,
        topic="Optics",
        difficulty=5,
    )

    def search(**params) -> str:
        res = client.get("/admin/questions/bank", query_string=params, headers=hx())
        assert res.status_code == 200
        html = res.get_data(as_text=True)
        assert "<html" not in html and "<h1>" not in html
        return html

    assert sorted(listed(search(q="velocity"))) == ["Velocity of a car", "Velocity of light?"]
    assert listed(search(topic="mechanics")) == ["Velocity of a car"]
    assert listed(search(difficulty=4)) == ["Current in a wire"]
    assert listed(search(type="NUMERIC")) == ["Velocity of light?"]
    assert listed(search(exam_id=b)) == ["Velocity of light?"]
    assert listed(search(q="velocity", type="MCQ")) == ["Velocity of a car"]
    empty = search(q="nothing like this")
    assert 'data-testid="bank-empty"' in empty and "No questions match these filters." in empty
    # Nonsense filters are ignored with a note, not an error page.
    odd = search(difficulty="seven", type="ESSAY")
    assert len(listed(odd)) == 3 and "Difficulty is a level from 1 to 5" in odd


def test_bank_paginates(client, signed_in, teacher, make_exam, add_question):
    exam = make_exam(teacher)
    for i in range(23):
        add_question(teacher, exam, question_text=f"Question number {i:02d}")
    first = client.get("/admin/questions/bank", headers=hx()).get_data(as_text=True)
    assert len(listed(first)) == 20 and "page 1 of 2" in first and 'rel="next"' in first
    second = client.get("/admin/questions/bank?page=2", headers=hx()).get_data(as_text=True)
    assert len(listed(second)) == 3 and 'rel="prev"' in second and 'rel="next"' not in second
    assert 'start="21"' in second
    past = client.get("/admin/questions/bank?page=9", headers=hx()).get_data(as_text=True)
    assert len(listed(past)) == 3  # past the end: the last page


def test_bank_exam_filter_of_someone_elses_exam_is_403(client, signed_in, other_teacher, make_exam):
    theirs = make_exam(other_teacher)
    res = client.get(f"/admin/questions/bank?exam_id={theirs}", headers=BROWSER)
    assert res.status_code == 403


def test_empty_bank(client, signed_in):
    html = client.get("/admin/questions/bank", headers=BROWSER).get_data(as_text=True)
    assert "You have no exams yet, so the bank is empty." in html

"""An exam's question list: the full page for a browser, the panel for htmx, and the actions on
it (duplicate, move, delete, delete selected), each answering with the panel again."""

from __future__ import annotations

import re

from tests.questions_pages.conftest import BROWSER, hx

NUMERIC = {
    "question_type": "NUMERIC",
    "question_text": "g at sea level, in m/s²?",
    "option_a": None,
    "option_b": None,
    "option_c": None,
    "option_d": None,
    "correct_answer": "9.81",
    "tolerance": "0.05",
}


def rows(html: str) -> list[str]:
    """Question ids in the order the page lists them."""
    return re.findall(r'data-testid="question-row" data-question-id="(\d+)"', html)


def test_full_page_for_a_browser(client, signed_in, teacher, make_exam, add_question):
    exam = make_exam(teacher, sections=("Part A",), name="Mechanics mock")
    add_question(teacher, exam, section_id=None)
    add_question(teacher, exam, positive_marks=2, negative_marks=0.5, **NUMERIC, topic="Gravity")
    res = client.get(f"/admin/exams/{exam}/questions", headers=BROWSER)
    assert res.status_code == 200 and res.mimetype == "text/html"
    assert "HX-Request" in res.headers.get("Vary", "")
    html = res.get_data(as_text=True)
    assert "<html" in html and "<h1>Questions" in html and "Mechanics mock" in html
    assert 'data-testid="question-count">2 questions' in html
    assert "6 marks in all" in html  # 4 (exam default) + 2
    # Text and options are printed as text for KaTeX to render in the browser.
    assert r"Kinetic energy is $\frac{1}{2}mv^2$." in html
    assert html.count("data-katex") >= 6
    assert "vendor/katex/contrib/auto-render.min.js" in html and "js/katex-render.js" in html
    assert "Answer: <strong data-katex>9.81</strong> ± 0.05" in html
    minus = "\u2212"  # the pages print a real minus sign
    assert f"+2 / {minus}0.5" in html
    assert f'+4 / {minus}1 <span class="muted">(exam default)</span>' in html
    assert 'class="correct"' in html and "Gravity" in html and "Difficulty 2/5" in html
    # Each question's actions; deleting asks first.
    assert html.count('data-testid="edit"') == 2
    assert 'hx-confirm="Delete question 1? This cannot be undone."' in html
    assert 'hx-confirm="Delete the selected questions? This cannot be undone."' in html
    # Adding, importing and exporting are a click away.
    assert f"/admin/exams/{exam}/questions/new?type=MCQ" in html
    assert f"/admin/exams/{exam}/questions/new?type=NUMERIC" in html
    assert f"/admin/exams/{exam}/questions/import" in html
    assert f"/admin/questions/export-csv/{exam}" in html
    # First cannot move up, last cannot move down.
    assert re.search(r'aria-label="Move question 1 up" disabled', html)
    assert re.search(r'aria-label="Move question 2 down" disabled', html)


def test_panel_only_for_htmx(client, signed_in, teacher, make_exam, add_question):
    exam = make_exam(teacher)
    add_question(teacher, exam)
    res = client.get(f"/admin/exams/{exam}/questions", headers=hx())
    assert res.status_code == 200
    assert "HX-Request" in res.headers.get("Vary", "")
    html = res.get_data(as_text=True)
    assert "<html" not in html and "<h1>" not in html
    assert 'data-testid="question-list"' in html and len(rows(html)) == 1


def test_going_back_to_a_pushed_url_gets_the_full_page(
    client, signed_in, teacher, make_exam, add_question
):
    """htmx refetches a pushed URL on Back with HX-Request set and swaps it for the whole body."""
    exam = make_exam(teacher)
    add_question(teacher, exam)
    res = client.get(
        "/admin/questions/bank?q=energy", headers=hx(**{"HX-History-Restore-Request": "true"})
    )
    assert res.status_code == 200 and "<html" in res.get_data(as_text=True)
    assert "HX-History-Restore-Request" in res.headers["Vary"]


def test_json_for_api_clients(client, bearer, teacher, make_exam, add_question):
    exam = make_exam(teacher)
    qid = add_question(teacher, exam)
    res = client.get(f"/admin/exams/{exam}/questions", headers=bearer(teacher))
    assert res.status_code == 200 and res.is_json
    body = res.get_json()
    assert body["success"] is True and [q["id"] for q in body["questions"]] == [qid]
    res = client.get("/admin/questions/bank?type=MCQ", headers=bearer(teacher))
    assert res.get_json()["pagination"]["total"] == 1


def test_empty_state(client, signed_in, teacher, make_exam):
    exam = make_exam(teacher)
    html = client.get(f"/admin/exams/{exam}/questions", headers=BROWSER).get_data(as_text=True)
    assert 'data-testid="questions-empty"' in html and "This exam has no questions yet." in html
    assert "0 questions" in html and 'data-testid="question-list"' not in html


def test_list_is_one_query_for_the_questions(
    app, client, signed_in, teacher, make_exam, add_question
):
    from sqlalchemy import event

    from app.extensions import db

    exam = make_exam(teacher, sections=("A", "B"))
    for _ in range(30):
        add_question(teacher, exam)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        res = client.get(f"/admin/exams/{exam}/questions", headers=hx())
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert res.status_code == 200 and len(rows(res.get_data(as_text=True))) == 30
    on_questions = [s for s in statements if "FROM questions" in s]
    assert len(on_questions) == 1, on_questions
    assert len(statements) <= 6, statements  # user, exam, co-owners, sections, questions


def test_duplicate_places_the_copy_after_the_original(
    client, signed_in, teacher, make_exam, add_question, questions_of
):
    exam = make_exam(teacher)
    first = add_question(teacher, exam, question_text="First")
    add_question(teacher, exam, question_text="Second")
    res = client.post(f"/admin/exams/{exam}/questions/{first}/duplicate", headers=hx(signed_in))
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "Question 1 duplicated: the copy is question 2." in html
    texts = [q["text"] for q in questions_of(exam)]
    assert texts == ["First", "First", "Second"]
    assert len(rows(html)) == 3


def test_move_up_and_down_keeps_focus_on_the_button(
    client, signed_in, teacher, make_exam, add_question, questions_of
):
    exam = make_exam(teacher)
    a = add_question(teacher, exam, question_text="A")
    b = add_question(teacher, exam, question_text="B")
    c = add_question(teacher, exam, question_text="C")
    res = client.post(f"/admin/exams/{exam}/questions/{c}/move/up", headers=hx(signed_in))
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert rows(html) == [str(a), str(c), str(b)]
    assert "Question 3 moved up: it is now question 2." in html
    assert re.search(r'aria-label="Move question 2 up"\s+data-focus-after-swap', html)
    res = client.post(f"/admin/exams/{exam}/questions/{a}/move/down", headers=hx(signed_in))
    assert rows(res.get_data(as_text=True)) == [str(c), str(a), str(b)]
    assert [q["text"] for q in questions_of(exam)] == ["C", "A", "B"]
    # Past the end: refused with a message, nothing changes.
    res = client.post(f"/admin/exams/{exam}/questions/{c}/move/up", headers=hx(signed_in))
    assert res.status_code == 400
    assert "Question 1 is already the first." in res.get_data(as_text=True)
    assert [q["text"] for q in questions_of(exam)] == ["C", "A", "B"]


def test_delete_one(client, signed_in, teacher, make_exam, add_question, questions_of):
    exam = make_exam(teacher)
    a = add_question(teacher, exam, question_text="A")
    add_question(teacher, exam, question_text="B")
    res = client.post(f"/admin/exams/{exam}/questions/{a}/delete", headers=hx(signed_in))
    assert res.status_code == 200
    assert "Question 1 deleted." in res.get_data(as_text=True)
    assert [q["text"] for q in questions_of(exam)] == ["B"]


def test_bulk_delete_selected(client, signed_in, teacher, make_exam, add_question, questions_of):
    exam = make_exam(teacher)
    ids = [add_question(teacher, exam, question_text=t) for t in "ABCD"]
    res = client.post(
        f"/admin/exams/{exam}/questions/delete-selected",
        data={"ids": [ids[0], ids[2]]},
        headers=hx(signed_in),
    )
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "Deleted 2 questions." in html and len(rows(html)) == 2
    assert [q["text"] for q in questions_of(exam)] == ["B", "D"]


def test_bulk_delete_with_nothing_selected(
    client, signed_in, teacher, make_exam, add_question, question_count
):
    exam = make_exam(teacher)
    add_question(teacher, exam)
    res = client.post(f"/admin/exams/{exam}/questions/delete-selected", headers=hx(signed_in))
    assert res.status_code == 400
    assert "Select at least one question first." in res.get_data(as_text=True)
    assert question_count() == 1


def test_bulk_delete_refuses_questions_of_another_exam(
    client, signed_in, teacher, make_exam, add_question, question_count
):
    exam = make_exam(teacher)
    other = make_exam(teacher, name="Other")
    mine = add_question(teacher, exam)
    elsewhere = add_question(teacher, other)
    res = client.post(
        f"/admin/exams/{exam}/questions/delete-selected",
        data={"ids": [mine, elsewhere]},
        headers=hx(signed_in),
    )
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert "not in this exam" in html
    assert f'value="{mine}" form="bulk-delete" data-bulk-item checked' in html  # ticks kept
    assert question_count() == 2


def test_plain_form_posts_redirect_with_a_flash(
    client, signed_in, teacher, make_exam, add_question, questions_of
):
    exam = make_exam(teacher)
    a = add_question(teacher, exam, question_text="A")
    res = client.post(
        f"/admin/exams/{exam}/questions/{a}/duplicate",
        data={"csrf_token": signed_in},
        headers=BROWSER,
    )
    assert res.status_code == 303
    assert res.headers["Location"].endswith(f"/admin/exams/{exam}/questions")
    page = client.get(res.headers["Location"], headers=BROWSER).get_data(as_text=True)
    assert "Question 1 duplicated" in page
    assert len(questions_of(exam)) == 2


def test_actions_need_the_csrf_token(
    client, signed_in, teacher, make_exam, add_question, question_count
):
    exam = make_exam(teacher)
    a = add_question(teacher, exam)
    res = client.post(f"/admin/exams/{exam}/questions/{a}/delete", headers=hx())
    assert res.status_code == 400
    assert question_count() == 1


def test_question_of_another_exam_in_the_url_is_404(
    client, signed_in, teacher, make_exam, add_question, question_count
):
    exam = make_exam(teacher)
    other = make_exam(teacher, name="Other")
    q = add_question(teacher, other)
    res = client.post(f"/admin/exams/{exam}/questions/{q}/delete", headers=hx(signed_in))
    assert res.status_code == 404
    assert question_count() == 1

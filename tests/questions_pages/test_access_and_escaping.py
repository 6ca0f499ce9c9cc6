"""Who may see and change the question pages (the owner, a co-owner, an admin; another teacher
and students get 403, anonymous visitors are sent to sign in), and question text is always
shown as text: a script or an onerror attribute in a question never reaches the page as HTML."""

from __future__ import annotations

import io

import pytest

from app.extensions import db
from app.models import Exam, User
from tests.questions_pages.conftest import BROWSER, hx

XSS_TEXT = "<script>alert(1)</script> and <img src=x onerror=alert(2)> in $x^2$"
XSS_OPTION = '<img src=x onerror="alert(3)">'


def page_paths(exam: int, question: int) -> list[str]:
    return [
        f"/admin/exams/{exam}/questions",
        f"/admin/exams/{exam}/questions/new",
        f"/admin/questions/{question}/edit",
        f"/admin/exams/{exam}/questions/import",
        f"/admin/questions/bank?exam_id={exam}",
    ]


def action_posts(exam: int, question: int) -> list[tuple[str, dict]]:
    return [
        (f"/admin/exams/{exam}/questions/{question}/duplicate", {}),
        (f"/admin/exams/{exam}/questions/{question}/move/down", {}),
        (f"/admin/exams/{exam}/questions/{question}/delete", {}),
        (f"/admin/exams/{exam}/questions/delete-selected", {"ids": [question]}),
        (
            f"/admin/exams/{exam}/questions/new",
            {"question_text": "x", "option_a": "a", "option_b": "b", "correct": "A"},
        ),
        (
            f"/admin/questions/{question}/edit",
            {"question_text": "x", "option_a": "a", "option_b": "b", "correct": "A"},
        ),
        (
            f"/admin/exams/{exam}/questions/import",
            {"format": "aiken", "file": (io.BytesIO(b"Q?\nA. a\nB. b\nANSWER: A\n"), "q.txt")},
        ),
        (f"/admin/exams/{exam}/questions/import/commit", {"token": "x"}),
    ]


@pytest.fixture
def owned(teacher, make_exam, add_question) -> tuple[int, int]:
    exam = make_exam(teacher)
    add_question(teacher, exam, question_text="Another one")
    return exam, add_question(teacher, exam, question_text="Mine")


@pytest.mark.parametrize("who", ["other_teacher", "student"])
def test_others_get_403_and_change_nothing(request, client, web_login, owned, questions_of, who):
    exam, question = owned
    token = web_login(client, request.getfixturevalue(who))
    for path in page_paths(exam, question):
        res = client.get(path, headers=BROWSER)
        assert res.status_code == 403, path
        assert "Tina" not in res.get_data(as_text=True)
        assert client.get(path, headers=hx()).status_code == 403, path
    for path, data in action_posts(exam, question):
        res = client.post(path, data={"csrf_token": token, **data}, headers=hx())
        assert res.status_code == 403, path
    assert [q["text"] for q in questions_of(exam)] == ["Another one", "Mine"]


def test_student_gets_403_on_the_bank(client, web_login, student):
    web_login(client, student)
    assert client.get("/admin/questions/bank", headers=BROWSER).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, owned):
    exam, _ = owned
    res = client.get(f"/admin/exams/{exam}/questions", headers=BROWSER)
    assert res.status_code == 302 and "/login?next=" in res.headers["Location"]


def test_unknown_exam_is_404(client, signed_in):
    assert client.get("/admin/exams/999/questions", headers=BROWSER).status_code == 404
    assert client.get("/admin/questions/999/edit", headers=BROWSER).status_code == 404


def test_co_owner_and_admin_may_manage(app, client, web_login, make_user, owned, other_teacher):
    exam, question = owned
    with app.app_context():
        row = db.session.get(Exam, exam)
        row.co_owners.append(db.session.get(User, other_teacher.id))
        db.session.commit()
    token = web_login(client, other_teacher)
    assert client.get(f"/admin/exams/{exam}/questions", headers=BROWSER).status_code == 200
    res = client.post(f"/admin/exams/{exam}/questions/{question}/duplicate", headers=hx(token))
    assert res.status_code == 200
    admin = make_user("ada", roles=("admin",))
    admin_client = app.test_client()
    web_login(admin_client, admin)
    assert admin_client.get(f"/admin/questions/{question}/edit", headers=BROWSER).status_code == 200


def test_question_text_is_escaped_everywhere(client, signed_in, teacher, make_exam, add_question):
    exam = make_exam(teacher)
    qid = add_question(
        teacher,
        exam,
        question_text=XSS_TEXT,
        option_a=XSS_OPTION,
        explanation="<b onmouseover=alert(4)>x</b>",
        topic="<i>t</i>",
        tags=["<svg onload=alert(5)>"],
    )
    pages = [
        client.get(f"/admin/exams/{exam}/questions", headers=BROWSER),
        client.get(f"/admin/exams/{exam}/questions", headers=hx()),
        client.get(f"/admin/questions/{qid}/edit", headers=BROWSER),
        client.get("/admin/questions/bank", headers=BROWSER),
        client.get("/admin/questions/bank?q=script", headers=hx()),
    ]
    for res in pages:
        assert res.status_code == 200
        html = res.get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<img src=x onerror" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
        assert '<img src=x onerror="alert(3)">' not in html
        assert "<svg onload" not in html
    editor = pages[2].get_data(as_text=True)
    assert "&lt;b onmouseover=alert(4)&gt;x&lt;/b&gt;</textarea>" in editor


def test_escaped_in_the_import_preview_and_validation_errors(client, signed_in, teacher, make_exam):
    exam = make_exam(teacher)
    aiken = f"{XSS_TEXT}\nA. {XSS_OPTION}\nB. ok\nANSWER: A\n".encode()
    res = client.post(
        f"/admin/exams/{exam}/questions/import",
        data={
            "csrf_token": signed_in,
            "format": "aiken",
            "file": (io.BytesIO(aiken), "<b>x</b>.txt"),
        },
        content_type="multipart/form-data",
        headers=hx(),
    )
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<b>x</b>" not in html
    bad = client.post(
        f"/admin/exams/{exam}/questions/new",
        data={
            "csrf_token": signed_in,
            "question_text": XSS_TEXT,
            "option_a": XSS_OPTION,
            "correct": "A",
        },
        headers=hx(),
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "<script>alert(1)</script>" not in html and '<img src=x onerror="alert(3)">' not in html

"""The subject pages: a student's subjects and enrolment, professors' students and analytics,
and subject management with the teaching guide's sanitised Markdown preview."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Subject

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def hx(token: str) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRFToken": token, **BROWSER}


def test_nav_links_by_role(app, make_user, web_login):
    for username, roles, shown, hidden in (
        ("stu", ("student",), "My subjects", ("My students", ">Subjects<")),
        ("prof", ("teacher",), "My students", ("My subjects", ">Subjects<")),
        ("root", ("admin",), ">Subjects<", ("My subjects",)),
    ):
        client = app.test_client()  # its own cookies
        web_login(client, make_user(username, roles=roles))
        html = client.get("/dashboard", headers=BROWSER).get_data(as_text=True)
        assert shown in html, username
        for label in hidden:
            assert label not in html, (username, label)


def test_my_subjects_and_enrol(client, make_user, web_login, make_subject):
    ana = make_user("prof_ana", roles=("teacher",), full_name="Ana García")
    gabriel = make_user("gabriel")
    make_subject("INF001", "Algorithms", ana)
    make_subject("MAT002", "Linear Algebra", ana, students=(gabriel,))
    token = web_login(client, gabriel)
    html = client.get("/learn/subjects", headers=BROWSER).get_data(as_text=True)
    assert 'data-testid="enrolled-MAT002"' in html
    assert 'data-testid="available-INF001"' in html and 'data-testid="enroll-INF001"' in html
    res = client.post("/learn/subjects/INF001/enroll", headers=hx(token))
    assert res.status_code == 200
    panel = res.get_data(as_text=True)
    assert "<html" not in panel  # only the panel for htmx
    assert "Successfully enrolled in INF001" in panel
    assert 'data-testid="enrolled-INF001"' in panel
    assert "You are enrolled in every subject on offer." in panel
    again = client.post("/learn/subjects/INF001/enroll", headers=hx(token))
    assert again.status_code == 403 and "Student already enrolled" in again.get_data(as_text=True)


def test_empty_state_for_a_new_institute(client, make_user, web_login):
    web_login(client, make_user("gabriel"))
    html = client.get("/learn/subjects", headers=BROWSER).get_data(as_text=True)
    assert "No subjects have been set up yet." in html


def test_admin_manages_subjects(app, client, make_user, web_login):
    admin = make_user("root", roles=("admin",))
    make_user("prof_ana", roles=("teacher",))
    token = web_login(client, admin)
    assert "No subjects yet." in client.get("/manage/subjects", headers=BROWSER).get_data(
        as_text=True
    )
    bad = client.post(
        "/manage/subjects",
        data={"csrf_token": token, "subject_id": "", "name": "Algorithms"},
        headers=BROWSER,
    )
    assert bad.status_code == 400 and "Give the subject an id" in bad.get_data(as_text=True)
    res = client.post(
        "/manage/subjects",
        data={
            "csrf_token": token,
            "subject_id": "INF001",
            "name": "Algorithms",
            "description": "Sorting and searching",
            "professor_id": "prof_ana",
        },
        headers=BROWSER,
    )
    assert res.status_code == 303 and res.headers["Location"].endswith("/manage/subjects/INF001")
    dup = client.post(
        "/manage/subjects",
        data={"csrf_token": token, "subject_id": "INF001", "name": "Again"},
        headers=BROWSER,
    )
    assert dup.status_code == 400 and "Subject already exists" in dup.get_data(as_text=True)
    # The guide's preview is Markdown, sanitised: markup a guide tries to inject is text.
    preview = client.post(
        "/manage/subjects/preview",
        data={"guide": "# Week 1\n<script>alert(1)</script> [x](javascript:alert(1)) $a_1$"},
        headers=hx(token),
    )
    html = preview.get_data(as_text=True)
    assert "<h1>Week 1</h1>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "$a_1$" in html
    saved = client.post(
        "/manage/subjects/INF001",
        data={
            "csrf_token": token,
            "name": "Algorithms",
            "description": "",
            "guide": "# Teaching Guide",
            "professor_id": "prof_ana",
        },
        headers=BROWSER,
    )
    assert saved.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Subject.guide)) == "# Teaching Guide"
    edit = client.get("/manage/subjects/INF001", headers=BROWSER).get_data(as_text=True)
    assert "<h1>Teaching Guide</h1>" in edit  # the preview of the saved guide
    confirm = client.get("/manage/subjects/INF001/delete", headers=BROWSER)
    assert "This cannot be undone." in confirm.get_data(as_text=True)
    gone = client.post(
        "/manage/subjects/INF001/delete", data={"csrf_token": token}, headers=BROWSER
    )
    assert gone.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Subject)).all() == []


def test_professor_edits_own_guide_and_bank_only(app, client, make_user, web_login, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    juan = make_user("prof_juan", roles=("teacher",))
    make_subject("INF001", "Algorithms", ana, bank=True)  # the bank exam is not ana's
    token = web_login(client, ana)
    page = client.get("/manage/subjects/INF001", headers=BROWSER)
    assert page.status_code == 200
    assert 'name="professor_id"' not in page.get_data(as_text=True)  # admins move subjects
    res = client.post(
        "/manage/subjects/INF001",
        data={"csrf_token": token, "name": "Algorithms", "guide": "Use Python."},
        headers=BROWSER,
    )
    assert res.status_code == 303
    with app.app_context():
        subject = db.session.scalar(select(Subject))
        assert subject.guide == "Use Python."
        assert len(subject.bank_exams) == 1  # another teacher's exam stays in the bank
        exam_id = subject.bank_exams[0].id
    refused = client.post(
        "/manage/subjects/INF001",
        data={"csrf_token": token, "name": "Algorithms", "bank_exam_ids": str(exam_id)},
        headers=BROWSER,
    )
    assert refused.status_code == 403  # only exams she manages may be added
    client.post("/logout", data={"csrf_token": token})
    web_login(client, juan)
    assert client.get("/manage/subjects/INF001", headers=BROWSER).status_code == 403
    assert client.get("/manage/subjects", headers=BROWSER).status_code == 403


def test_professor_pages(client, make_user, web_login, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    gabriel = make_user("gabriel", full_name="Gabriel Francisco")
    make_subject("INF001", "Algorithms", ana, students=(gabriel,))
    make_subject("MAT002", "Linear Algebra")
    web_login(client, ana)
    html = client.get("/teach/students", headers=BROWSER).get_data(as_text=True)
    assert 'data-testid="analytics-INF001"' in html and "MAT002" not in html
    assert "Gabriel Francisco" in html
    page = client.get("/teach/subjects/INF001/analytics", headers=BROWSER)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-testid="total-students">1<' in text and "never" in text
    assert client.get("/teach/subjects/MAT002/analytics", headers=BROWSER).status_code == 403

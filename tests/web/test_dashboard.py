"""Each role's dashboard shows its own section, with real rows or an honest empty state."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import AccessRequest, Exam


def _exam(app: Flask, name: str, owner_id: int | None, status: str, **kw) -> None:
    with app.app_context():
        db.session.add(Exam(name=name, owner_id=owner_id, status=status, **kw))
        db.session.commit()


def test_student_sees_published_exams_only(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    teacher = make_user("tess", roles=("teacher",))
    _exam(
        app,
        "Physics mock 1",
        teacher.id,
        "published",
        duration_minutes=90,
        starts_at=datetime(2030, 3, 1, 9, 30),
        ends_at=datetime(2030, 3, 1, 12, 0),
    )
    _exam(app, "Unfinished draft", teacher.id, "draft")
    web_login(client, make_user("stu"))
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'data-testid="student-section"' in html
    assert 'data-testid="staff-section"' not in html
    assert 'data-testid="admin-section"' not in html
    assert "Physics mock 1" in html
    assert "90 minutes" in html
    # Stored in UTC, shown in the institute's timezone (Asia/Kolkata by default).
    assert app.config["INSTITUTE_TIMEZONE"] == "Asia/Kolkata"
    assert "Opens 01 Mar 2030, 15:00 IST" in html
    assert "Closes 01 Mar 2030, 17:30 IST" in html
    assert "Unfinished draft" not in html
    assert 'data-testid="exams-upcoming"' in html
    assert "Nothing scheduled yet." not in html


def test_teacher_sees_only_their_exams(
    app: Flask, client: FlaskClient, make_user, web_login
) -> None:
    tess = make_user("tess", roles=("teacher",))
    other = make_user("otto", roles=("teacher",))
    _exam(app, "Tess's chemistry test", tess.id, "draft")
    _exam(app, "Otto's biology test", other.id, "published")
    web_login(client, tess)
    html = client.get("/dashboard").get_data(as_text=True)
    assert '<h2 id="exams-h">Your exams</h2>' in html
    assert "Tess&#39;s chemistry test" in html
    assert '<span class="badge badge-draft">draft</span>' in html
    assert "Otto" not in html
    assert 'data-testid="student-section"' not in html


def test_teacher_without_exams_gets_the_empty_state(
    client: FlaskClient, make_user, web_login
) -> None:
    web_login(client, make_user("newt", roles=("teacher",)))
    html = client.get("/dashboard").get_data(as_text=True)
    assert '<p class="empty">You have no exams yet.</p>' in html


def test_admin_sees_counts_and_links(app: Flask, client: FlaskClient, make_user, web_login) -> None:
    admin = make_user("ada", roles=("admin",))
    applicant = make_user("tom")
    with app.app_context():
        db.session.add(
            AccessRequest(
                user_id=applicant.id,
                current_access="user",
                requested_access="user,admin",
                requested_roles=["teacher"],
            )
        )
        db.session.commit()
    web_login(client, admin)
    html = client.get("/dashboard").get_data(as_text=True)
    assert '<p class="stat" data-testid="user-count">2</p>' in html
    assert '<p class="stat" data-testid="pending-count">1</p>' in html
    assert ">Review requests</a>" in html
    assert ">Manage users</a>" in html
    assert '<a href="/admin/accounts"' in html


def test_proctor_dashboard_has_no_authoring_section(client, make_user, web_login):
    web_login(client, make_user("watcher", roles=("proctor",)))
    res = client.get("/dashboard")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert 'data-testid="staff-section"' not in html

"""Contract tests for Backend's professor endpoints (003_…, "Professor Endpoints")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import PracticeTest, Subject, TutorSession, utcnow


def _finished_test(app, user, code, score, days_ago=0):
    with app.app_context():
        subject = db.session.scalar(select(Subject).where(Subject.code == code))
        db.session.add(
            PracticeTest(
                user_id=user.id,
                subject_id=subject.id,
                status="finished",
                question_ids=[],
                answers=[],
                score=Decimal(score),
                finished_at=utcnow() - timedelta(days=days_ago),
            )
        )
        db.session.commit()


def test_professor_students_documented_shape(client, make_user, bearer, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    juan = make_user("prof_juan", roles=("teacher",))
    gabriel = make_user("gabriel", full_name="Gabriel Francisco", email="gabriel@example.com")
    maria = make_user("maria", full_name="Maria García", email="maria@example.com")
    make_user("outsider")
    make_subject("INF001", professor=ana, students=(gabriel, maria))
    make_subject("MAT002", professor=juan, students=(gabriel,))
    res = client.get("/professor/students", headers=bearer(ana))
    assert res.status_code == 200
    assert res.get_json() == [
        {
            "username": "gabriel",
            "full_name": "Gabriel Francisco",
            "email": "gabriel@example.com",
            "enrolled_subjects": ["INF001", "MAT002"],
        },
        {
            "username": "maria",
            "full_name": "Maria García",
            "email": "maria@example.com",
            "enrolled_subjects": ["INF001"],
        },
    ]
    juan_sees = client.get("/professor/students", headers=bearer(juan)).get_json()
    assert [s["username"] for s in juan_sees] == ["gabriel"]
    paged = client.get("/professor/students?limit=1&skip=1", headers=bearer(ana)).get_json()
    assert [s["username"] for s in paged] == ["maria"]
    filtered = client.get("/professor/students?subject_id=INF001", headers=bearer(ana))
    assert len(filtered.get_json()) == 2
    other = client.get("/professor/students?subject_id=MAT002", headers=bearer(ana))
    assert other.status_code == 403 and other.get_json() == {
        "detail": "Not this subject's professor"
    }
    student = client.get("/professor/students", headers=bearer(gabriel))
    assert student.status_code == 403
    assert client.get("/professor/students").status_code == 401


def test_subject_analytics(app, client, make_user, bearer, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    juan = make_user("prof_juan", roles=("teacher",))
    admin = make_user("root", roles=("admin",))
    gabriel, maria, idle = make_user("gabriel"), make_user("maria"), make_user("idle")
    make_subject("INF001", "Algorithms", ana, students=(gabriel, maria, idle))
    _finished_test(app, gabriel, "INF001", "80")
    _finished_test(app, gabriel, "INF001", "85", days_ago=1)
    _finished_test(app, maria, "INF001", "75", days_ago=40)
    res = client.get("/professor/subjects/INF001/analytics", headers=bearer(ana))
    assert res.status_code == 200
    body = res.get_json()
    assert list(body) == [
        "subject_id",
        "name",
        "total_students",
        "active_students",
        "average_test_score",
        "student_progress",
    ]
    assert body["subject_id"] == "INF001" and body["name"] == "Algorithms"
    assert body["total_students"] == 3
    assert body["active_students"] == 1  # maria's last test was 40 days ago; idle never came
    assert body["average_test_score"] == 80  # (80 + 85 + 75) / 3
    progress = {p["username"]: p for p in body["student_progress"]}
    assert progress["gabriel"]["test_count"] == 2
    assert progress["gabriel"]["average_score"] == 82.5
    assert progress["gabriel"]["last_activity"].endswith("Z")
    assert progress["maria"]["average_score"] == 75
    assert progress["idle"] == {
        "username": "idle",
        "test_count": 0,
        "average_score": None,
        "last_activity": None,
    }
    # A tutor conversation counts as activity.
    with app.app_context():
        subject = db.session.scalar(select(Subject).where(Subject.code == "INF001"))
        db.session.add(TutorSession(id="s-1", user_id=idle.id, subject_id=subject.id))
        db.session.commit()
    body = client.get("/professor/subjects/INF001/analytics", headers=bearer(admin)).get_json()
    assert body["active_students"] == 2
    denied = client.get("/professor/subjects/INF001/analytics", headers=bearer(juan))
    assert denied.status_code == 403 and denied.get_json() == {
        "detail": "Not this subject's professor"
    }
    assert (
        client.get("/professor/subjects/INF001/analytics", headers=bearer(gabriel)).status_code
        == 403
    )
    missing = client.get("/professor/subjects/NOPE/analytics", headers=bearer(ana))
    assert missing.status_code == 404 and missing.get_json() == {"detail": "Subject not found"}
    assert client.get("/professor/subjects/INF001/analytics").status_code == 401

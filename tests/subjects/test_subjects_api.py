"""Contract tests for Backend's subject endpoints (003_…, "Subject Endpoints"), with the
document's own example requests."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Enrollment, Subject

CREATE = {
    "subject_id": "INF001",
    "name": "Algorithms",
    "description": "Course on algorithm design and analysis",
    "professor_id": "prof_ana",
}


def test_admin_creates_subject_documented_shape(client, make_user, bearer):
    admin = make_user("root", roles=("admin",))
    make_user("prof_ana", roles=("teacher",))
    res = client.post("/subjects", json=CREATE, headers=bearer(admin))
    assert res.status_code == 201, res.get_json()
    body = res.get_json()
    assert list(body) == ["_id", "name", "description", "professor_id", "created_at"]
    assert body["_id"] == "INF001" and body["professor_id"] == "prof_ana"
    assert body["name"] == "Algorithms"
    assert body["created_at"].endswith("Z")
    again = client.post("/subjects", json=CREATE, headers=bearer(admin))
    assert again.status_code == 400
    assert again.get_json() == {"detail": "Subject already exists"}


def test_create_subject_errors(client, make_user, bearer):
    admin = make_user("root", roles=("admin",))
    prof = make_user("prof_ana", roles=("teacher",))
    student = make_user("gabriel")
    assert client.post("/subjects", json=CREATE).get_json() == {"detail": "Not authenticated"}
    assert client.post("/subjects", json=CREATE, headers=bearer(prof)).status_code == 403
    assert client.post("/subjects", json=CREATE, headers=bearer(student)).status_code == 403
    missing = client.post("/subjects", json={"name": "Algorithms"}, headers=bearer(admin))
    assert missing.status_code == 422
    assert missing.get_json() == {
        "detail": [
            {"loc": ["body", "subject_id"], "msg": "field required", "type": "value_error.missing"}
        ]
    }
    # A professor that does not exist, or is a student, is refused and nothing is created.
    for who in ("nobody", "gabriel"):
        res = client.post("/subjects", json={**CREATE, "professor_id": who}, headers=bearer(admin))
        assert res.status_code == 422, res.get_json()
        assert res.get_json()["detail"][0]["loc"] == ["body", "professor_id"]
    bad_code = client.post(
        "/subjects", json={**CREATE, "subject_id": "INF 001/x"}, headers=bearer(admin)
    )
    assert bad_code.status_code == 422
    assert client.get("/subjects", headers=bearer(admin)).get_json() == []


def test_list_subjects_with_professor_filter_and_paging(client, make_user, bearer, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    juan = make_user("prof_juan", roles=("teacher",))
    gabriel, maria = make_user("gabriel"), make_user("maria")
    make_subject("INF001", "Algorithms", ana, students=(gabriel, maria))
    make_subject(
        "MAT002",
        "Linear Algebra",
        juan,
        "Vector spaces, matrices, and eigenvalues",
        students=(gabriel,),
    )
    res = client.get("/subjects", headers=bearer(gabriel))
    assert res.status_code == 200
    assert res.get_json() == [
        {
            "_id": "INF001",
            "name": "Algorithms",
            "description": "Course on algorithm design and analysis",
            "professor_id": "prof_ana",
            "student_count": 2,
        },
        {
            "_id": "MAT002",
            "name": "Linear Algebra",
            "description": "Vector spaces, matrices, and eigenvalues",
            "professor_id": "prof_juan",
            "student_count": 1,
        },
    ]
    only = client.get("/subjects?professor_id=prof_ana", headers=bearer(gabriel)).get_json()
    assert [s["_id"] for s in only] == ["INF001"]
    page2 = client.get("/subjects?page=2&limit=1", headers=bearer(gabriel)).get_json()
    assert [s["_id"] for s in page2] == ["MAT002"]
    assert client.get("/subjects?page=3&limit=1", headers=bearer(gabriel)).get_json() == []
    bad = client.get("/subjects?limit=0", headers=bearer(gabriel))
    assert bad.status_code == 422 and bad.get_json()["detail"][0]["loc"] == ["query", "limit"]
    assert client.get("/subjects").status_code == 401


def test_update_subject_by_professor_and_admin(app, client, make_user, bearer, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    juan = make_user("prof_juan", roles=("teacher",))
    admin = make_user("root", roles=("admin",))
    student = make_user("gabriel")
    make_subject("INF001", "Algorithms", ana)
    body = {
        "name": "Algorithms and Data Structures",
        "description": "Updated course description",
        "guide": "# Teaching Guide\n...",
    }
    res = client.put("/subjects/INF001", json=body, headers=bearer(ana))
    assert res.status_code == 200
    assert res.get_json() == {
        "_id": "INF001",
        "name": "Algorithms and Data Structures",
        "description": "Updated course description",
        "professor_id": "prof_ana",
        "guide": "# Teaching Guide\n...",
    }
    # Another professor and a student may not; an unknown subject is 404.
    assert client.put("/subjects/INF001", json=body, headers=bearer(juan)).status_code == 403
    assert client.put("/subjects/INF001", json=body, headers=bearer(student)).status_code == 403
    missing = client.put("/subjects/NOPE", json=body, headers=bearer(admin))
    assert missing.status_code == 404 and missing.get_json() == {"detail": "Subject not found"}
    # Only an admin moves a subject to another professor; fields left out stay.
    moved = client.put("/subjects/INF001", json={"professor_id": "prof_juan"}, headers=bearer(ana))
    assert moved.status_code == 403
    moved = client.put(
        "/subjects/INF001", json={"professor_id": "prof_juan"}, headers=bearer(admin)
    )
    assert moved.get_json()["professor_id"] == "prof_juan"
    assert moved.get_json()["guide"] == "# Teaching Guide\n..."
    invalid = client.put("/subjects/INF001", json={"name": ""}, headers=bearer(admin))
    assert invalid.status_code == 422
    assert client.put("/subjects/INF001", json=body).status_code == 401


def test_delete_subject(app, client, make_user, bearer, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    admin = make_user("root", roles=("admin",))
    gabriel = make_user("gabriel")
    make_subject("INF001", professor=ana, students=(gabriel,))
    assert client.delete("/subjects/INF001", headers=bearer(ana)).status_code == 403
    res = client.delete("/subjects/INF001", headers=bearer(admin))
    assert res.status_code == 204 and res.get_data() == b""
    again = client.delete("/subjects/INF001", headers=bearer(admin))
    assert again.status_code == 404 and again.get_json() == {"detail": "Subject not found"}
    with app.app_context():
        assert db.session.scalars(select(Subject)).all() == []
        assert db.session.scalars(select(Enrollment)).all() == []


def test_enroll_and_enrolled(client, make_user, bearer, make_subject):
    ana = make_user("prof_ana", roles=("teacher",))
    gabriel = make_user("gabriel")
    make_subject(
        "INF001", "Algorithms", ana, "Course on algorithm design", guide="# Teaching Guide\n..."
    )
    make_subject("MAT002", "Linear Algebra", ana)
    assert client.get("/subjects/enrolled", headers=bearer(gabriel)).get_json() == []
    res = client.post("/subjects/INF001/enroll", headers=bearer(gabriel))
    assert res.status_code == 200
    assert res.get_json() == {
        "message": "Successfully enrolled in INF001",
        "subject": {"_id": "INF001", "name": "Algorithms", "professor_id": "prof_ana"},
    }
    again = client.post("/subjects/INF001/enroll", headers=bearer(gabriel))
    assert again.status_code == 403 and again.get_json() == {"detail": "Student already enrolled"}
    missing = client.post("/subjects/NOPE/enroll", headers=bearer(gabriel))
    assert missing.status_code == 404 and missing.get_json() == {"detail": "Subject not found"}
    staff = client.post("/subjects/MAT002/enroll", headers=bearer(ana))
    assert staff.status_code == 400 and staff.get_json() == {"detail": "Student role required"}
    assert client.post("/subjects/INF001/enroll").status_code == 401
    assert client.get("/subjects/enrolled", headers=bearer(gabriel)).get_json() == [
        {
            "_id": "INF001",
            "name": "Algorithms",
            "description": "Course on algorithm design",
            "professor_id": "prof_ana",
            "guide": "# Teaching Guide\n...",
        }
    ]
    # The user's `subjects` now lists the enrolment, in the profile and for the professor.
    assert client.get("/users/me", headers=bearer(gabriel)).get_json()["subjects"] == ["INF001"]
    prof = client.get("/users/prof_ana", headers=bearer(ana)).get_json()
    assert prof["subjects"] == ["INF001", "MAT002"]
    assert client.get("/subjects/enrolled").status_code == 401


def test_token_claims_list_subjects(client, make_user, make_subject):
    import jwt

    gabriel = make_user("gabriel")
    make_subject("INF001", students=(gabriel,))
    res = client.post("/token", data={"username": "gabriel", "password": "correct-horse-battery"})
    claims = jwt.decode(res.get_json()["access_token"], options={"verify_signature": False})
    assert claims["sub"] == "gabriel" and claims["subjects"] == ["INF001"]

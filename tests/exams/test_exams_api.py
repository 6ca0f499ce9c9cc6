"""Contract tests for SmartAIExam's exam endpoints (000_…, "Admin JSON APIs": POST /admin/exams,
/admin/exams/edit/<id>, /admin/exams/delete/<id>, /admin/exams/<id>/release-results) and the
list and detail JSON, with the document's field names."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.core import storage
from app.extensions import db
from app.models import Exam, Question, Section, exam_co_owners
from tests.exams.conftest import EXAMPLE, exam_row, png_bytes, snapshot


def test_create_with_the_documented_fields(app, client, bearer, teacher, example, category):
    res = client.post("/admin/exams", json=example, headers=bearer(teacher))
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True and body["message"] == "Exam “Physics Mock 1” created."
    exam = body["exam"]
    assert body["exam_id"] == exam["id"]
    for key in (
        "name",
        "date",
        "start_time",
        "duration",
        "status",
        "instructions",
        "max_attempts",
        "result_mode",
        "result_delay",
        "category_id",
    ):
        assert exam[key] == example[key], key
    assert exam["positive_marks"] == 4 and exam["negative_marks"] == 1
    assert exam["category"] == {"id": category.id, "name": "Physics"}
    assert exam["owner"]["username"] == "anita" and exam["co_owners"] == []
    assert exam["question_count"] == 0 and exam["sections"] == []
    assert exam["timezone"] == "Asia/Kolkata"
    assert exam["starts_at"] == "2025-01-20T04:30:00" and exam["ends_at"] is None
    assert exam["can_publish"] is False
    assert [c["key"] for c in exam["checklist"]] == [
        "has_questions",
        "answers_valid",
        "schedule_valid",
    ]
    row = exam_row(app, exam["id"])
    assert row["owner_id"] == teacher.id and row["status"] == "draft"
    assert row["positive_marks"] == Decimal("4.00") and row["negative_marks"] == Decimal("1.00")
    assert row["duration_minutes"] == 180 and row["result_delay_minutes"] == 0


def test_create_defaults_for_fields_left_out(app, client, bearer, teacher):
    body = {k: EXAMPLE[k] for k in ("name", "date", "start_time", "duration")}
    res = client.post("/admin/exams", json=body, headers=bearer(teacher))
    assert res.status_code == 200
    exam = res.get_json()["exam"]
    assert (exam["status"], exam["result_mode"], exam["instructions"]) == ("draft", "instant", "")
    assert (exam["positive_marks"], exam["negative_marks"], exam["max_attempts"]) == (4, 1, 1)
    assert exam["category_id"] is None
    assert exam["proctoring"] == {
        "fullscreen_required": False,
        "tab_switch_warnings": False,
        "block_copy_paste": False,
    }


def test_create_accepts_a_form_like_smartaiexams_admin(app, client, bearer, teacher, category):
    form = {k: str(v) for k, v in EXAMPLE.items()} | {"category_id": str(category.id)}
    res = client.post("/admin/exams", data=form, headers=bearer(teacher))
    assert res.status_code == 200 and res.is_json
    assert exam_row(app, res.get_json()["exam_id"])["category_id"] == category.id


def test_create_with_extras_end_flags_and_proctoring(app, client, bearer, teacher):
    body = {
        **EXAMPLE,
        "end_date": "2025-01-20",
        "end_time": "18:00",
        "shuffle_questions": True,
        "shuffle_options": True,
        "msq_partial_credit": True,
        "result_mode": "delayed",
        "result_delay": 30,
        "proctoring": {"fullscreen_required": True, "tab_switch_warnings": True},
    }
    exam = client.post("/admin/exams", json=body, headers=bearer(teacher)).get_json()["exam"]
    assert (exam["end_date"], exam["end_time"], exam["ends_at"]) == (
        "2025-01-20",
        "18:00",
        "2025-01-20T12:30:00",
    )
    assert exam["shuffle_questions"] and exam["shuffle_options"] and exam["msq_partial_credit"]
    assert (exam["result_mode"], exam["result_delay"]) == ("delayed", 30)
    assert exam["proctoring"] == {
        "fullscreen_required": True,
        "tab_switch_warnings": True,
        "block_copy_paste": False,
    }


def test_edit_changes_only_the_fields_sent(app, client, bearer, teacher, make_exam):
    exam_id = make_exam(teacher, proctoring={"fullscreen_required": True})
    before = exam_row(app, exam_id)
    res = client.post(
        f"/admin/exams/edit/{exam_id}",
        json={
            "name": "Physics Mock 2",
            "negative_marks": 0.25,
            "proctoring": {"tab_switch_warnings": True},
        },
        headers=bearer(teacher),
    )
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True and body["message"] == "Exam updated."
    assert body["exam"]["name"] == "Physics Mock 2" and body["exam"]["negative_marks"] == 0.25
    after = exam_row(app, exam_id)
    assert after["proctoring"] == {
        "fullscreen_required": True,
        "tab_switch_warnings": True,
        "block_copy_paste": False,
    }
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"name", "negative_marks", "proctoring"}


def test_edit_clears_the_end_and_the_category(app, client, bearer, teacher, make_exam, category):
    exam_id = make_exam(teacher, category_id=category.id, ends_at="2025-01-20T12:30:00")
    assert exam_row(app, exam_id)["ends_at"] is not None
    res = client.post(
        f"/admin/exams/edit/{exam_id}",
        json={"ends_at": None, "category_id": None},
        headers=bearer(teacher),
    )
    assert res.status_code == 200
    row = exam_row(app, exam_id)
    assert row["ends_at"] is None and row["category_id"] is None


def test_edit_unknown_exam_is_404(client, bearer, teacher):
    res = client.post("/admin/exams/edit/999", json={"name": "x"}, headers=bearer(teacher))
    assert res.status_code == 404
    assert res.get_json() == {"success": False, "message": "Exam not found"}


def test_delete_removes_questions_sections_and_co_owners(
    app, client, bearer, teacher, teacher_b, make_exam, add_questions
):
    exam_id = make_exam(teacher)
    keep = make_exam(teacher, name="Other exam")
    add_questions(exam_id)
    add_questions(keep)
    client.post(
        f"/admin/exams/{exam_id}/sections", json={"name": "Part A"}, headers=bearer(teacher)
    )
    client.post(
        f"/admin/exams/{exam_id}/co-owners/add",
        json={"username": "bharat"},
        headers=bearer(teacher),
    )
    res = client.post(f"/admin/exams/delete/{exam_id}", headers=bearer(teacher))
    assert res.status_code == 200
    assert res.get_json() == {"success": True, "message": "Exam “Physics Mock 1” deleted."}
    with app.app_context():
        assert db.session.get(Exam, exam_id) is None

        def count(model, col):
            return db.session.scalar(select(func.count()).select_from(model).where(col == exam_id))

        assert count(Question, Question.exam_id) == 0
        assert count(Section, Section.exam_id) == 0
        assert count(exam_co_owners, exam_co_owners.c.exam_id) == 0
        assert (
            db.session.scalar(
                select(func.count()).select_from(Question).where(Question.exam_id == keep)
            )
            == 3
        )


def test_delete_with_a_wrong_confirmation_name_changes_nothing(
    app, client, bearer, teacher, make_exam
):
    exam_id = make_exam(teacher)
    before = snapshot(app)
    res = client.post(
        f"/admin/exams/delete/{exam_id}", json={"confirm_name": "Physics"}, headers=bearer(teacher)
    )
    assert res.status_code == 400
    assert res.get_json()["errors"] == {"confirm_name": "Type the exam's name exactly to confirm."}
    assert snapshot(app) == before


def test_release_results_toggles_in_manual_mode(app, client, bearer, teacher, make_exam):
    exam_id = make_exam(teacher, result_mode="manual")
    url = f"/admin/exams/{exam_id}/release-results"
    first = client.post(url, headers=bearer(teacher))
    assert first.status_code == 200
    assert first.get_json() == {"success": True, "released": True, "message": "Results released."}
    second = client.post(url, headers=bearer(teacher)).get_json()
    assert second["released"] is False and exam_row(app, exam_id)["results_released"] is False
    # An explicit value can be repeated safely.
    for _ in range(2):
        assert (
            client.post(url, json={"released": True}, headers=bearer(teacher)).get_json()[
                "released"
            ]
            is True
        )
    assert exam_row(app, exam_id)["results_released"] is True


def test_release_results_refused_outside_manual_mode(app, client, bearer, teacher, make_exam):
    exam_id = make_exam(teacher, result_mode="instant")
    res = client.post(f"/admin/exams/{exam_id}/release-results", headers=bearer(teacher))
    assert res.status_code == 400
    body = res.get_json()
    assert body["success"] is False and "result_mode is instant" in body["message"]
    assert exam_row(app, exam_id)["results_released"] is False


def test_list_paginates_searches_and_filters(client, bearer, teacher, make_exam):
    for i in range(23):
        make_exam(teacher, name=f"Mock {i:02d}")
    make_exam(teacher, name="Chemistry final", status="archived")
    res = client.get("/admin/api/exams", headers=bearer(teacher))
    body = res.get_json()
    assert res.status_code == 200 and body["success"] is True
    assert body["pagination"] == {
        "page": 1,
        "per_page": 20,
        "total": 24,
        "pages": 2,
        "has_next": True,
        "has_prev": False,
    }
    assert body["counts"] == {"draft": 23, "published": 0, "archived": 1, "all": 24}
    assert (
        len(client.get("/admin/api/exams?page=2", headers=bearer(teacher)).get_json()["exams"]) == 4
    )
    found = client.get("/admin/api/exams?q=chem", headers=bearer(teacher)).get_json()["exams"]
    assert [e["name"] for e in found] == ["Chemistry final"]
    archived = client.get("/admin/api/exams?status=archived", headers=bearer(teacher)).get_json()
    assert [e["status"] for e in archived["exams"]] == ["archived"]
    bad = client.get("/admin/api/exams?status=open", headers=bearer(teacher))
    assert bad.status_code == 400 and bad.get_json()["success"] is False


def test_search_treats_wildcards_literally(client, bearer, teacher, make_exam):
    make_exam(teacher, name="100% revision")
    make_exam(teacher, name="Revision 1")
    found = client.get("/admin/api/exams?q=100%25", headers=bearer(teacher)).get_json()["exams"]
    assert [e["name"] for e in found] == ["100% revision"]
    assert client.get("/admin/api/exams?q=_", headers=bearer(teacher)).get_json()["exams"] == []


def test_teachers_list_own_and_co_owned_admins_all(
    client, bearer, teacher, teacher_b, admin, make_exam
):
    mine = make_exam(teacher, name="Mine")
    theirs = make_exam(teacher_b, name="Theirs")
    shared = make_exam(teacher_b, name="Shared")
    client.post(
        f"/admin/exams/{shared}/co-owners/add",
        json={"username": "anita"},
        headers=bearer(teacher_b),
    )

    def names(user):
        return sorted(
            e["name"]
            for e in client.get("/admin/api/exams", headers=bearer(user)).get_json()["exams"]
        )

    assert names(teacher) == ["Mine", "Shared"]
    assert names(teacher_b) == ["Shared", "Theirs"]
    assert names(admin) == ["Mine", "Shared", "Theirs"]
    assert mine and theirs


def test_get_exam_with_sections_co_owners_and_question_count(
    client, bearer, teacher, teacher_b, make_exam, add_questions
):
    exam_id = make_exam(teacher)
    add_questions(exam_id)
    client.post(
        f"/admin/exams/{exam_id}/sections",
        json={"name": "Mechanics", "description": "Part A"},
        headers=bearer(teacher),
    )
    client.post(
        f"/admin/exams/{exam_id}/co-owners/add",
        json={"username": "bharat"},
        headers=bearer(teacher),
    )
    res = client.get(f"/admin/api/exams/{exam_id}", headers=bearer(teacher))
    assert res.status_code == 200
    exam = res.get_json()["exam"]
    assert exam["question_count"] == 3
    assert [
        (s["name"], s["description"], s["position"], s["question_count"]) for s in exam["sections"]
    ] == [("Mechanics", "Part A", 1, 0)]
    assert [u["username"] for u in exam["co_owners"]] == ["bharat"]
    assert exam["can_publish"] is True
    assert client.get("/admin/api/exams/999", headers=bearer(teacher)).status_code == 404


def test_every_exam_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in (
        "/admin/exams",
        "/admin/exams/edit/{exam_id}",
        "/admin/exams/delete/{exam_id}",
        "/admin/exams/{exam_id}/release-results",
        "/admin/api/exams",
        "/admin/api/exams/{exam_id}",
        "/admin/api/categories",
        "/admin/categories/create",
        "/admin/categories/update/{cat_id}",
        "/admin/categories/delete/{cat_id}",
    ):
        assert path in paths, path
    create = paths["/admin/exams"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/x-www-form-urlencoded"} <= set(create)
    assert (
        "multipart/form-data" in paths["/admin/categories/create"]["post"]["requestBody"]["content"]
    )


def test_delete_removes_uploaded_question_images_after_commit(
    app, client, bearer, teacher, make_exam, add_questions
):
    exam_id = make_exam(teacher)
    with app.test_request_context():
        stored = storage.save_image(png_bytes(), "questions")
        db.session.commit()
        path = storage.upload_root() / stored.key
    add_questions(
        exam_id, [{"question_type": "NUMERIC", "correct_answer": "1", "image_url": stored.url}]
    )
    add_questions(
        exam_id,
        [
            {
                "question_type": "NUMERIC",
                "correct_answer": "2",
                "image_url": "https://drive.google.com/uc?id=x",
            }
        ],
    )
    assert path.is_file()
    assert client.post(f"/admin/exams/delete/{exam_id}", headers=bearer(teacher)).status_code == 200
    assert not path.exists()

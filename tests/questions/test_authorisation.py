"""Who may touch which questions: teachers their own and co-owned exams, admins every exam,
students and proctors nothing (403), nobody without credentials (401). A refused request changes
nothing."""

from __future__ import annotations

import io

import pytest

from tests.questions.conftest import MCQ, MSQ

CSV = "question_text,option_a,option_b,correct_answer\nTwo plus two?,4,5,A\n"


def requests(qid: int, exam_id: int, other_qid: int) -> list[tuple[str, str, dict]]:
    """(method, path, request kwargs) for every endpoint, aimed at exam `exam_id`."""
    return [
        ("get", f"/admin/questions/get/{qid}", {}),
        ("post", "/admin/questions/add-ajax", {"json": {"exam_id": exam_id, **MSQ}}),
        ("post", f"/admin/questions/edit-ajax/{qid}", {"json": {"correct_answer": "B"}}),
        ("post", f"/admin/questions/delete/{qid}", {}),
        ("post", "/admin/questions/delete-multiple", {"json": {"ids": [qid]}}),
        ("post", "/admin/questions/batch-add", {"json": {"exam_id": exam_id, "questions": [MSQ]}}),
        ("get", f"/admin/questions/export-csv/{exam_id}", {}),
        (
            "post",
            "/admin/questions/import-csv",
            {"data": {"exam_id": str(exam_id), "file": (io.BytesIO(CSV.encode()), "q.csv")}},
        ),
        (
            "post",
            "/admin/questions/import",
            {
                "data": {
                    "exam_id": str(exam_id),
                    "format": "csv",
                    "mode": "commit",
                    "file": (io.BytesIO(CSV.encode()), "q.csv"),
                }
            },
        ),
    ]


@pytest.fixture
def setup(teacher_a, teacher_b, exam_a, exam_b, add):
    return {"qa": add(teacher_a, exam_a), "qb": add(teacher_b, exam_b, MSQ)}


@pytest.mark.parametrize("index", range(9))
def test_teacher_b_cannot_touch_teacher_a(client, bearer, teacher_b, exam_a, setup, rows, index):
    before = rows()
    method, path, kwargs = requests(setup["qa"], exam_a, setup["qb"])[index]
    res = getattr(client, method)(path, headers=bearer(teacher_b), **kwargs)
    assert res.status_code == 403, (path, res.get_data(as_text=True))
    body = res.get_json()
    assert body["success"] is False and "own or co-owned" in body["message"]
    assert rows() == before


@pytest.mark.parametrize("role", ["student", "proctor"])
@pytest.mark.parametrize("index", range(9))
def test_students_and_proctors_403(client, bearer, request, exam_a, setup, rows, role, index):
    user = request.getfixturevalue(role)
    before = rows()
    method, path, kwargs = requests(setup["qa"], exam_a, setup["qb"])[index]
    res = getattr(client, method)(path, headers=bearer(user), **kwargs)
    assert res.status_code == 403
    assert res.get_json()["success"] is False
    assert rows() == before


@pytest.mark.parametrize("index", range(9))
def test_unauthenticated_401(client, exam_a, setup, rows, index):
    before = rows()
    method, path, kwargs = requests(setup["qa"], exam_a, setup["qb"])[index]
    res = getattr(client, method)(path, headers={"Accept": "application/json"}, **kwargs)
    assert res.status_code == 401
    assert res.get_json() == {"success": False, "message": "Not authenticated"}
    assert rows() == before


@pytest.mark.parametrize("index", range(9))
def test_admin_manages_every_exam(client, bearer, admin, exam_a, setup, index):
    method, path, kwargs = requests(setup["qa"], exam_a, setup["qb"])[index]
    res = getattr(client, method)(path, headers=bearer(admin), **kwargs)
    assert res.status_code == 200, res.get_data(as_text=True)


def test_co_owner_manages(client, bearer, make_exam, teacher_a, teacher_b, add):
    shared = make_exam(teacher_a, "Shared", co_owners=[teacher_b])
    qid = add(teacher_a, shared)
    res = client.post(
        f"/admin/questions/edit-ajax/{qid}", json={"difficulty": 1}, headers=bearer(teacher_b)
    )
    assert res.status_code == 200


def test_delete_multiple_is_all_or_nothing_across_exams(
    client, bearer, teacher_a, exam_a, setup, add, rows
):
    mine = add(teacher_a, exam_a, MSQ)
    before = rows()
    res = client.post(
        "/admin/questions/delete-multiple",
        json={"ids": [mine, setup["qb"]]},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 403
    body = res.get_json()
    assert str(setup["qb"]) in body["message"] and body["forbidden_ids"] == [setup["qb"]]
    assert rows() == before


def test_edit_cannot_move_into_someone_elses_exam(client, bearer, teacher_a, exam_b, setup, rows):
    before = rows()
    res = client.post(
        f"/admin/questions/edit-ajax/{setup['qa']}",
        json={"exam_id": exam_b},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 403 and rows() == before


def test_session_cookie_needs_csrf(client, web_login, teacher_a, exam_a, rows):
    token = web_login(client, teacher_a)
    body = {"exam_id": exam_a, **MCQ}
    res = client.post(
        "/admin/questions/add-ajax", json=body, headers={"Accept": "application/json"}
    )
    assert res.status_code == 400 and rows() == []
    res = client.post("/admin/questions/add-ajax", json=body, headers={"X-CSRFToken": token})
    assert res.status_code == 200

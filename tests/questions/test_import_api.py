"""/admin/questions/import-csv and the format-agnostic /admin/questions/import (preview with a
token, then commit)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.questions.conftest import SAMPLES

BANK = (SAMPLES / "bank.csv").read_bytes()
BANK_ERRORS = [
    {"row": 6, "reason": "correct_answer: MCQ needs exactly one correct letter (A-B)"},
    {"row": 8, "reason": "section: this exam has no section named 'Thermodynamics'"},
]


def upload(content: bytes, name: str = "questions.csv", **fields: str) -> dict:
    return {**fields, "file": (io.BytesIO(content), name)}


def read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline="")))


# import-csv ----------------------------------------------------------------------------------


def test_import_csv_inserts_valid_rows_and_reports_the_rest(
    client, bearer, teacher_a, exam_a, rows
):
    res = client.post(
        "/admin/questions/import-csv",
        data=upload(BANK, exam_id=str(exam_a)),
        headers=bearer(teacher_a),
    )
    assert res.status_code == 200
    assert res.get_json() == {
        "success": True,
        "preview": False,
        "inserted": 5,
        "skipped": 2,
        "errors": BANK_ERRORS,
        "ignored_columns": [],
    }
    saved = rows(exam_a)
    assert [r["position"] for r in saved] == [0, 1, 2, 3, 4]
    assert saved[0]["text"] == "Kinetic energy of mass $m$ at speed $v$?"
    assert saved[0]["tags"] == ["energy", "class 11"] and saved[0]["section_id"] is not None
    assert saved[2]["image_url"] == "https://drive.google.com/uc?export=view&id=1AbC"
    assert saved[4]["options"] == ["-1", "=SUM(A1:A2)", "+1"]


def test_import_csv_preview_writes_nothing(client, bearer, teacher_a, exam_a, rows, app):
    res = client.post(
        "/admin/questions/import-csv",
        data=upload(BANK, exam_id=str(exam_a), preview="1"),
        headers=bearer(teacher_a),
    )
    body = res.get_json()
    assert body["preview"] is True and body["inserted"] == 0
    assert (body["valid"], body["skipped"], body["errors"]) == (5, 2, BANK_ERRORS)
    assert [q["row"] for q in body["questions"]] == [2, 3, 4, 5, 9]
    assert body["questions"][1]["correct_answer"] == "A,C"
    assert rows() == []


def test_import_csv_appends_after_existing(client, bearer, teacher_a, exam_a, add, rows):
    add(teacher_a, exam_a)
    client.post(
        "/admin/questions/import-csv",
        data=upload(BANK, exam_id=str(exam_a)),
        headers=bearer(teacher_a),
    )
    assert [r["position"] for r in rows(exam_a)] == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"exam_id": "1"}, "file is required"),
        ({"file": (io.BytesIO(BANK), "q.csv")}, "exam_id is required"),
        ({"exam_id": "x", "file": (io.BytesIO(BANK), "q.csv")}, "exam_id"),
        ({"exam_id": "1", "file": (io.BytesIO(b"a,b\n1,2\n"), "q.csv")}, "header (row 1)"),
        ({"exam_id": "1", "file": (io.BytesIO(b"\xff\xfeq\x00"), "q.csv")}, "not UTF-8"),
        ({"exam_id": "1", "file": (io.BytesIO(b""), "q.csv")}, "empty"),
    ],
)
def test_import_csv_refused(client, bearer, teacher_a, exam_a, rows, data, message):
    assert exam_a == 1
    res = client.post("/admin/questions/import-csv", data=data, headers=bearer(teacher_a))
    assert res.status_code == 400
    assert res.get_json()["success"] is False and message in res.get_json()["message"]
    assert rows() == []


# import: preview, then commit -----------------------------------------------------------------


def preview(client, headers, exam_id, content, fmt="csv", name="q.csv"):
    res = client.post(
        "/admin/questions/import",
        data=upload(content, name, exam_id=str(exam_id), format=fmt, mode="preview"),
        headers=headers,
    )
    assert res.status_code == 200, res.get_json()
    return res.get_json()


def test_preview_then_commit_writes_exactly_the_previewed_rows(
    client, bearer, teacher_a, exam_a, rows, app
):
    headers = bearer(teacher_a)
    folder = Path(app.instance_path) / "uploads" / "imports"
    existing = set(folder.iterdir()) if folder.exists() else set()
    shown = preview(client, headers, exam_a, BANK)
    assert set(shown) == {
        "success", "mode", "exam_id", "format", "valid", "skipped", "questions", "errors",
        "ignored_columns", "token", "expires_in",
    }  # fmt: skip
    assert (shown["mode"], shown["format"], shown["valid"], shown["skipped"]) == (
        "preview", "csv", 5, 2,
    )  # fmt: skip
    assert shown["errors"] == BANK_ERRORS and shown["expires_in"] == 3600
    assert rows() == []
    stored = set(folder.iterdir()) - existing
    assert len(stored) == 1
    kept = stored.pop()
    assert kept.suffix == ".csv" and kept.read_bytes() == BANK

    res = client.post(
        "/admin/questions/import", json={"mode": "commit", "token": shown["token"]}, headers=headers
    )
    assert res.status_code == 200
    assert res.get_json() == {
        "success": True,
        "mode": "commit",
        "exam_id": exam_a,
        "format": "csv",
        "inserted": 5,
        "skipped": 2,
        "errors": BANK_ERRORS,
        "ignored_columns": [],
    }
    saved = rows(exam_a)
    previewed = shown["questions"]
    assert [r["text"] for r in saved] == [q["question_text"] for q in previewed]
    assert [r["options"] for r in saved] == [q["options"] for q in previewed]
    assert [r["correct_answer"] for r in saved] == [q["correct_answer"] for q in previewed]
    assert set(folder.iterdir()) == existing  # the kept file is gone

    again = client.post(
        "/admin/questions/import", json={"mode": "commit", "token": shown["token"]}, headers=headers
    )
    assert again.status_code == 400 and "already committed" in again.get_json()["message"]
    assert len(rows()) == 5


def test_commit_as_a_form_with_matching_exam(client, bearer, teacher_a, exam_a, rows):
    shown = preview(client, bearer(teacher_a), exam_a, BANK)
    res = client.post(
        "/admin/questions/import",
        data={"mode": "commit", "token": shown["token"], "exam_id": str(exam_a)},
        headers=bearer(teacher_a),
    )
    assert res.get_json()["inserted"] == 5


def test_commit_for_another_exam_refused(client, bearer, teacher_a, exam_a, make_exam, rows):
    other = make_exam(teacher_a, "Other")
    shown = preview(client, bearer(teacher_a), exam_a, BANK)
    res = client.post(
        "/admin/questions/import",
        json={"mode": "commit", "token": shown["token"], "exam_id": other},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 400 and rows() == []


def test_tampered_token_refused(client, bearer, teacher_a, exam_a, rows):
    token = preview(client, bearer(teacher_a), exam_a, BANK)["token"]
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" + token, "garbage"):
        res = client.post(
            "/admin/questions/import",
            json={"mode": "commit", "token": bad},
            headers=bearer(teacher_a),
        )
        assert res.status_code == 400
        assert res.get_json()["message"] == "The import token is invalid"
    assert rows() == []


def test_expired_token_refused(client, bearer, teacher_a, exam_a, rows, monkeypatch):
    token = preview(client, bearer(teacher_a), exam_a, BANK)["token"]
    import itsdangerous.timed

    later = itsdangerous.timed.time.time() + 3601
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    res = client.post(
        "/admin/questions/import",
        json={"mode": "commit", "token": token},
        headers=bearer(teacher_a),
    )
    assert res.status_code == 400 and "expired" in res.get_json()["message"]
    assert rows() == []


def test_token_of_another_user_refused(client, bearer, teacher_a, admin, exam_a, rows):
    token = preview(client, bearer(teacher_a), exam_a, BANK)["token"]
    res = client.post(
        "/admin/questions/import", json={"mode": "commit", "token": token}, headers=bearer(admin)
    )
    assert res.status_code == 403 and rows() == []


def test_one_step_commit(client, bearer, teacher_a, exam_a, rows):
    res = client.post(
        "/admin/questions/import",
        data=upload(BANK, exam_id=str(exam_a), format="csv", mode="commit"),
        headers=bearer(teacher_a),
    )
    assert res.get_json()["inserted"] == 5 and len(rows()) == 5


@pytest.mark.parametrize(
    ("fmt", "name", "valid", "skipped"),
    [
        ("gift", "moodle_doc.gift", 13, 5),
        ("aiken", "moodle_doc.txt", 2, 0),
        ("aiken", "aiken_mixed.txt", 2, 5),
    ],
)
def test_gift_and_aiken_through_preview_and_commit(
    client, bearer, teacher_a, exam_a, rows, fmt, name, valid, skipped
):
    shown = preview(client, bearer(teacher_a), exam_a, (SAMPLES / name).read_bytes(), fmt, name)
    assert (shown["valid"], shown["skipped"]) == (valid, skipped)
    assert all(e["reason"].startswith("line ") for e in shown["errors"])
    res = client.post(
        "/admin/questions/import",
        json={"mode": "commit", "token": shown["token"]},
        headers=bearer(teacher_a),
    )
    assert res.get_json()["inserted"] == valid and len(rows()) == valid


def test_aiken_answer_not_an_option_names_the_line(client, bearer, teacher_a, exam_a):
    shown = preview(
        client, bearer(teacher_a), exam_a, (SAMPLES / "aiken_mixed.txt").read_bytes(), "aiken"
    )
    assert {"row": 10, "reason": "line 10: correct_answer: E is not an option letter (A-B)"} in (
        shown["errors"]
    )


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"format": "xml", "mode": "preview", "exam_id": "1"}, 400),
        ({"format": "csv", "mode": "later", "exam_id": "1"}, 400),
        ({"format": "csv", "mode": "preview"}, 400),  # no exam_id
        ({"format": "csv", "mode": "preview", "exam_id": "1"}, 400),  # no file
    ],
)
def test_import_refused(client, bearer, teacher_a, exam_a, data, status):
    res = client.post("/admin/questions/import", data=data, headers=bearer(teacher_a))
    assert res.status_code == status and res.get_json()["success"] is False

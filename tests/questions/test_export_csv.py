"""/admin/questions/export-csv: the download, formula injection neutralised, and the round trip
through import-csv that gives back every field."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Section
from app.questions.importers.csv_format import COLUMNS
from tests.questions.conftest import MCQ, MSQ, NUMERIC, SAMPLES

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


# Export --------------------------------------------------------------------------------------


def test_export_csv_download(client, bearer, teacher_a, exam_a, add):
    add(teacher_a, exam_a)
    add(teacher_a, exam_a, NUMERIC, correct_answer="-1.5", positive_marks=2, negative_marks=0.5)
    res = client.get(f"/admin/questions/export-csv/{exam_a}", headers=bearer(teacher_a))
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert res.headers["Content-Disposition"] == (
        f'attachment; filename="exam-{exam_a}-anitas_physics.csv"'
    )
    rows = read_csv(res.data)
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["option_a"] == "$\\large \\frac{1}{2}mv^2$" and rows[0]["tolerance"] == ""
    assert rows[1]["correct_answer"] == "-1.5"  # a number: never guarded
    assert (rows[1]["positive_marks"], rows[1]["negative_marks"]) == ("2", "0.5")
    assert rows[1]["tolerance"] == "0.05"


def test_export_neutralises_formulas(client, bearer, teacher_a, exam_a, add):
    add(
        teacher_a,
        exam_a,
        MCQ,
        question_text='=HYPERLINK("https://evil.example","click")',
        option_a="-1",
        option_b="+1",
        option_c="@SUM(A1)",
        option_d="'=x",
        explanation="=1+1",
        topic="-topic",
        tags=["=cmd", "ok"],
    )
    rows = read_csv(
        client.get(f"/admin/questions/export-csv/{exam_a}", headers=bearer(teacher_a)).data
    )
    row = rows[0]
    assert row["question_text"] == '\'=HYPERLINK("https://evil.example","click")'
    assert [row[f"option_{c}"] for c in "abcd"] == ["'-1", "'+1", "'@SUM(A1)", "''=x"]
    assert (row["explanation"], row["topic"], row["tags"]) == ("'=1+1", "'-topic", "'=cmd; ok")
    for cell in (v for r in rows for v in r.values()):
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell


def test_export_empty_exam_has_the_header(client, bearer, teacher_a, exam_a):
    res = client.get(f"/admin/questions/export-csv/{exam_a}", headers=bearer(teacher_a))
    assert res.data.decode("utf-8-sig") == ",".join(COLUMNS) + "\r\n"


def test_export_unknown_exam_404(client, bearer, teacher_a):
    assert (
        client.get("/admin/questions/export-csv/999", headers=bearer(teacher_a)).status_code == 404
    )


# Round trip ----------------------------------------------------------------------------------

TRICKY = [
    {
        **MCQ,
        "question_text": 'Quotes "x", commas, a line\nbreak, ₹ and मान: $\\sum_{i=1}^n i$',
        "options": ["-1", "=SUM(A1:A3)", "'=already", "+ve", "@home", "a,b", "x\ny", "\\alpha"],
        "option_a": None,
        "option_b": None,
        "option_c": None,
        "option_d": None,
        "correct_answer": "H",
        "image_path": "https://drive.google.com/file/d/1AbC/view?usp=sharing",
        "positive_marks": "3.25",
        "negative_marks": 0,
        "explanation": "=because\n-two lines",
        "topic": "@topic",
        "subtopic": "Sub, topic",
        "difficulty": 5,
        "source": "JEE 2023",
        "tags": ["-neg", "two words", "हिंदी"],
        "section": "Optics",
        "set_number": 3,
    },
    {**MSQ, "section": "Mechanics", "tags": []},
    {**NUMERIC, "correct_answer": "-0.50", "tolerance": "0.0001", "positive_marks": None},
    {**NUMERIC, "correct_answer": "1000", "tolerance": "0"},
]


def test_round_trip_keeps_every_field(
    client, bearer, teacher_a, exam_a, make_exam, add, rows, section_id
):
    for item in TRICKY:
        data = {k: v for k, v in item.items() if k != "section"}
        if "section" in item:
            data["section_id"] = section_id(exam_a, item["section"])
        add(teacher_a, exam_a, data)
    copy = make_exam(teacher_a, "Copy", sections=("Optics", "Mechanics"))  # other order, ids
    exported = client.get(f"/admin/questions/export-csv/{exam_a}", headers=bearer(teacher_a)).data
    res = client.post(
        "/admin/questions/import-csv",
        data=upload(exported, exam_id=str(copy)),
        headers=bearer(teacher_a),
    )
    assert res.get_json() == {
        "success": True,
        "preview": False,
        "inserted": 4,
        "skipped": 0,
        "errors": [],
        "ignored_columns": [],
    }
    ignore = {"id", "exam_id", "section_id", "created_at", "updated_at"}

    def comparable(exam_id: int) -> list[dict]:
        with client.application.app_context():
            names = dict(db.session.execute(select(Section.id, Section.name)).all())
        return [
            {
                **{k: v for k, v in r.items() if k not in ignore},
                "section": names.get(r["section_id"]),
            }
            for r in rows(exam_id)
        ]

    original, imported = comparable(exam_a), comparable(copy)
    assert imported == original
    assert original[0]["image_url"] == "https://drive.google.com/uc?export=view&id=1AbC"
    assert (
        original[0]["positive_marks"] == Decimal("3.25") and original[2]["positive_marks"] is None
    )
    # and exporting the copy gives the same file but for the exam's name
    again = client.get(f"/admin/questions/export-csv/{copy}", headers=bearer(teacher_a)).data
    assert again == exported

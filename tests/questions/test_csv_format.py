"""The CSV format on its own: header, BOM, CRLF, quoted line breaks, Unicode, row numbers, and
the formula-injection guard with its exact inverse."""

from __future__ import annotations

import pytest

from app.core.errors import Invalid
from app.questions.importers import csv_format, parse
from tests.questions.conftest import SAMPLES


def test_sample_bank():
    result = parse("csv", (SAMPLES / "bank.csv").read_bytes())
    assert [r.row for r in result.rows] == [2, 3, 4, 5, 6, 8, 9]  # row 7 is blank: skipped
    first = result.rows[0]
    assert first.data["question_text"] == "Kinetic energy of mass $m$ at speed $v$?"
    assert first.data["option_a"] == "$\\frac{1}{2}mv^2$"
    assert first.data["explanation"] == "Work-energy theorem:\n$W = \\Delta K$"  # CRLF -> LF
    assert first.section == "Mechanics" and first.data["tags"] == "energy; class 11"
    assert result.rows[1].data["question_text"] == "दो अभाज्य संख्याएँ चुनिए"
    assert result.rows[2].data["image_path"] == "https://drive.google.com/open?id=1AbC"
    guarded = result.rows[6].data
    assert (guarded["option_a"], guarded["option_b"], guarded["option_c"]) == (
        "-1",
        "=SUM(A1:A2)",
        "+1",
    )


def test_header_is_required():
    with pytest.raises(Invalid, match=r"header \(row 1\).*missing: question_text, correct"):
        parse("csv", b"What is 2+2?,4,5,A\n")
    with pytest.raises(Invalid, match="missing: correct_answer"):
        parse("csv", b"question_text,option_a\nQ?,x\n")
    with pytest.raises(Invalid, match="missing: question_text, correct_answer"):
        parse("csv", b"a,b\n1,2\n")


def test_header_aliases_case_and_unknown_columns():
    result = parse("csv", b"Question, Type ,Option A,option_b,ANSWER,Marks\nQ?,mcq,x,y,b,4\n")
    assert result.ignored_columns == ["Marks"]
    assert result.rows[0].data == {
        "question_text": "Q?",
        "question_type": "mcq",
        "option_a": "x",
        "option_b": "y",
        "correct_answer": "b",
    }


def test_semicolon_delimited_excel_file():
    result = parse("csv", b"question_text;option_a;option_b;correct_answer\nQ?;1,5;2,5;A\n")
    assert result.rows[0].data["option_a"] == "1,5"


def test_row_numbers_count_records_not_lines():
    text = 'question_text,correct_answer\n"line one\nline two",A\n\n"three\nfour\nfive",B\nlast,C\n'
    assert [r.row for r in parse("csv", text.encode()).rows] == [2, 4, 5]


def test_extra_cells_are_reported_trailing_empty_ones_ignored():
    rows = parse("csv", b"question_text,correct_answer\nQ?,A,,\nQ2?,A,oops\n").rows
    assert rows[0].error is None
    assert rows[1].error == "has 3 cells but the header names 2 columns"


def test_bom_and_no_bom_read_the_same():
    plain = b"question_text,correct_answer\n\xe2\x82\xb9 5?,A\n"
    assert parse("csv", b"\xef\xbb\xbf" + plain).rows[0].data == parse("csv", plain).rows[0].data


def test_not_utf8_is_refused_with_advice():
    with pytest.raises(Invalid, match="CSV UTF-8"):
        parse(
            "csv",
            "question_text,correct_answer\n₹?,A\n".encode("cp1252", errors="replace") + b"\xff",
        )


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "'=x",
        "''-1",
        "'",
        "'plain",
        "plain",
        "",
        "a=b",
    ],
)
def test_guard_round_trips(value):
    guarded = csv_format.guard(value)
    assert csv_format.unguard(guarded) == value
    assert not guarded.startswith(csv_format.RISKY)


def test_hand_typed_apostrophe_is_kept():
    assert csv_format.unguard("'hello") == "'hello"

"""Moodle GIFT: every construct of the format documentation that Examhall can hold, and a clear
refusal, naming the line, for the ones it cannot."""

from __future__ import annotations

import pytest

from app.core.errors import Invalid
from app.questions.importers import gift, parse
from tests.questions.conftest import SAMPLES


def one(text: str) -> dict:
    rows = gift.parse(text).rows
    assert len(rows) == 1, rows
    assert rows[0].error is None, rows[0].error
    return rows[0].data


def refused(text: str) -> str:
    rows = gift.parse(text).rows
    assert len(rows) == 1 and rows[0].data is None, rows
    return rows[0].error


def test_moodle_documentation_sample():
    rows = parse("gift", (SAMPLES / "moodle_doc.gift").read_bytes()).rows
    outcome = {r.row: (r.data["question_type"] if r.data else r.error) for r in rows}
    assert outcome == {
        5: "MCQ",  # Grant's tomb, with per-answer feedback
        17: "MCQ",  # {F}
        19: "MCQ",  # {T}
        21: "MCQ",  # ::Q1:: 1+1=2 {TRUE}
        23: "MSQ",  # weights
        30: "NUMERIC",  # {#1822:5}
        32: "NUMERIC",  # {#3.14159:0.0005}.
        34: "NUMERIC",  # {#3.141..3.142}.
        36: "NUMERIC",  # several numeric answers
        41: "MCQ",  # escaped =
        47: "MCQ",  # title and feedback on one line
        50: "line 50: short answer questions (only = answers) are not supported: "
        "add wrong options with ~ for a multiple choice question",
        52: "line 52: matching questions (=item -> match) are not supported",
        59: "line 59: missing word questions (text after the answer block) are not "
        "supported: put the answers at the end",
        61: "line 61: essay questions ({} with no answers) are not supported",
        63: "line 63: no answer block {...}: a description, not a question",
        67: "MCQ",  # $CATEGORY, [markdown], ####general feedback
        74: "MCQ",  # ::title::[html]
    }


def test_multiple_choice_with_feedback():
    data = one(
        "::Grants tomb::Who is buried in Grant's tomb? {\n=Grant\n~No one\n"
        "#Was true for 12 years\n~Napoleon\n#He was buried in France\n}"
    )
    assert data == {
        "question_text": "Who is buried in Grant's tomb?",
        "question_type": "MCQ",
        "options": ["Grant", "No one", "Napoleon"],
        "correct_answer": "A",
    }


def test_multiple_answers_positive_weights_are_correct():
    data = one("Entombed? {~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Father}")
    assert data["question_type"] == "MSQ" and data["correct_answer"] == "B,C"
    assert data["options"] == ["No one", "Grant", "Grant's wife", "Father"]


def test_single_positive_weight_is_an_msq_with_one_answer():
    assert one("Q? {~%100%yes ~no}")["correct_answer"] == "A"


@pytest.mark.parametrize(
    ("block", "answer"),
    [("{T}", "A"), ("{TRUE}", "A"), ("{F}", "B"), ("{FALSE}", "B"), ("{F#wrong#right}", "B")],
)
def test_true_false(block, answer):
    data = one(f"The sun rises in the East.{block}")
    assert data["options"] == ["True", "False"] and data["correct_answer"] == answer


@pytest.mark.parametrize(
    ("block", "value", "tolerance"),
    [
        ("{#1822:5}", "1822", "5"),
        ("{#3.14159:0.0005}", "3.14159", "0.0005"),
        ("{#3.141..3.142}", "3.1415", "0.0005"),
        ("{#1..5}", "3", "2"),
        ("{#-2}", "-2", "0"),
        ("{#\n=1822:0 # full\n=%50%1822:2 # half\n}", "1822", "0"),
        ("{#=%50%10:1 =12:0}", "12", "0"),
    ],
)
def test_numerical(block, value, tolerance):
    data = one(f"When? {block}")
    assert data["question_type"] == "NUMERIC"
    assert (data["correct_answer"], data["tolerance"]) == (value, tolerance)


def test_escaped_characters():
    data = one("Which answer equals 5? {\n~ \\= 2 + 2\n= \\= 2 + 3\n~ \\= 2 + 4\n}")
    assert data["options"] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"] and data["correct_answer"] == "B"
    data = one("Escapes \\~ \\= \\# \\{ \\} \\: here? {=a\\#b ~c\\~d}")
    assert data["question_text"] == "Escapes ~ = # { } : here?"
    assert data["options"] == ["a#b", "c~d"]


def test_comments_titles_and_format_tags():
    text = "// a comment\n::My title::[markdown]Is **this** bold? {=yes ~no}\n// trailing"
    assert one(text)["question_text"] == "Is **this** bold?"
    assert one("[html]::T::<p>x</p>{=a ~b}")["question_text"] == "<p>x</p>"
    assert one("Q {=[html]<b>a</b> ~[plain]b}")["options"] == ["<b>a</b>", "b"]


def test_general_feedback_is_the_explanation():
    assert one("Q? {=a ~b ####Because a.}")["explanation"] == "Because a."


def test_category_sets_the_topic_of_following_questions():
    rows = gift.parse(
        "Q0? {=a ~b}\n\n$CATEGORY: $course$/top/Physics/Optics\n\nQ1? {=a ~b}\n\n"
        "$CATEGORY: tom/dick/harry\n\nQ2? {#1}"
    ).rows
    assert [r.data.get("topic") for r in rows] == [None, "Physics/Optics", "tom/dick/harry"]


def test_latex_and_unicode_sample():
    rows = parse("gift", (SAMPLES / "latex_unicode.gift").read_bytes()).rows
    assert [r.error for r in rows] == [None] * 5
    first, inequality, fees, ratio, lines = (r.data for r in rows)
    assert first["question_text"] == "$$\\int_0^1 x^2\\,dx$$ का मान ज्ञात कीजिए।"
    assert first["options"][0] == "$\\frac{1}{3}$" and first["topic"] == "Calculus"
    assert inequality["question_text"] == "Is $x \\neq y$ when $x = 2$ and $y = 3$?"
    assert fees["correct_answer"] == "4500" and "₹1,500" in fees["question_text"]
    assert ratio["question_text"] == "Ratio 1:2 written as a fraction is?"
    assert ratio["correct_answer"] == "A,B"
    assert lines["question_text"] == "Line one\nline two: is $a \\neq b$ kept?"


def test_double_backslash_kept_for_latex_line_breaks():
    data = one("Matrix $\\begin\\{matrix\\} a \\\\ b \\end\\{matrix\\}$? {=x ~y}")
    assert data["question_text"] == "Matrix $\\begin{matrix} a \\\\ b \\end{matrix}$?"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Who? {=Grant =Ulysses}", "short answer"),
        ("Two plus two equals {=four =4}.", "short answer"),
        ("Match {=Canada -> Ottawa =Italy -> Rome}", "matching"),
        ("Moodle costs {~lots =nothing} to download.", "missing word"),
        ("Write an essay. {}", "essay"),
        ("Just a description.", "description"),
        ("Q? {=a ~b", "not closed"),
        ("Q? {=a ~b} and {=c ~d}", "more than one answer block"),
        ("Q? {=a =b ~c}", "several answers are marked ="),
        ("Q? {~a ~b}", "no correct answer"),
        ("Q? {~%-50%a ~%0%b}", "no correct answer"),
        ("Q? {#abc}", "'abc' is not a number"),
        ("Q? {#}", "has no value"),
        ("Q? {#=%50%1:1}", "full-credit"),
        ("Q? {junk =a ~b}", "answer text before the first = or ~"),
    ],
)
def test_refused_with_the_line(text, reason):
    error = refused(f"// header comment\n\n{text}")
    assert error.startswith("line 3: ") and reason in error


def test_more_than_eight_options_left_to_validation():
    data = one("Q? {=1 ~2 ~3 ~4 ~5 ~6 ~7 ~8 ~9}")
    assert len(data["options"]) == 9  # the import's validation refuses it (at most 8)


def test_empty_and_non_utf8_files():
    with pytest.raises(Invalid, match="empty"):
        parse("gift", b"  \n\n")
    with pytest.raises(Invalid, match="not UTF-8"):
        parse("gift", "Qué? {=sí ~no}".encode("latin-1"))
    assert gift.parse("// only comments\n").rows == []

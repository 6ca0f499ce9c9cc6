"""Import through the pages: choose a format and a file, see the preview (valid questions drawn,
rejected rows with their row or line number and reason) with nothing written, then commit
exactly the previewed rows and land on the list with "Imported N questions"."""

from __future__ import annotations

import io
import re

from tests.questions_pages.conftest import BROWSER, hx

CSV = (
    "question_text,question_type,option_a,option_b,option_c,correct_answer,topic\n"
    '"Energy is $\\frac{1}{2}mv^2$. Unit?",MCQ,Joule,Newton,Watt,A,Mechanics\n'
    "Broken row with no answer,MCQ,Yes,No,,,\n"
    'Which are vectors?,MSQ,Force,Mass,Velocity,"A,C",Mechanics\n'
    "Bad letter,MCQ,Yes,No,,Q,\n"
)
GIFT = (
    "// Sample from Moodle's documentation\n"
    "::Unit::What is the SI unit of energy? {=Joule ~Newton ~Watt}\n"
    "\n"
    "What is g in m/s²? {#9.8:0.1}\n"
    "\n"
    "Match these {=a -> b =c -> d =e -> f}\n"
)
AIKEN = "What is 2 + 2?\nA. 3\nB. 4\nANSWER: B\n\nNo options here\nANSWER: A\n"


def upload(client, exam: int, token: str, content: str, fmt: str = "csv", name: str = "bank.csv"):
    return client.post(
        f"/admin/exams/{exam}/questions/import",
        data={"csrf_token": token, "format": fmt, "file": (io.BytesIO(content.encode()), name)},
        content_type="multipart/form-data",
        headers=hx(),
    )


def test_import_page(client, signed_in, teacher, make_exam):
    exam = make_exam(teacher)
    res = client.get(f"/admin/exams/{exam}/questions/import", headers=BROWSER)
    assert res.status_code == 200 and "HX-Request" in res.headers.get("Vary", "")
    html = res.get_data(as_text=True)
    assert "<h1>Import questions" in html
    assert 'hx-encoding="multipart/form-data"' in html and 'enctype="multipart/form-data"' in html
    assert 'value="csv" checked' in html and 'value="gift"' in html and 'value="aiken"' in html
    assert '<label for="f-file">File</label>' in html


def test_csv_preview_writes_nothing_then_commit_writes_the_valid_rows(
    client, signed_in, teacher, make_exam, questions_of, question_count
):
    exam = make_exam(teacher)
    res = upload(client, exam, signed_in, CSV)
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<html" not in html and 'data-testid="import-preview"' in html
    assert "Preview of bank.csv" in html
    assert re.search(r'data-testid="valid-count"><strong>2</strong> questions ready', html)
    assert re.search(r'data-testid="rejected-count"><strong>2</strong> rows rejected', html)
    # Rejected rows: the spreadsheet row (header = row 1) and the reason.
    rejected = re.findall(r'<th scope="row" class="num">(\d+)</th><td>([^<]*)</td>', html)
    assert [r for r, _ in rejected] == ["3", "5"]
    assert "correct_answer" in rejected[0][1] and "Q is not an option letter" in rejected[1][1]
    # Valid rows drawn like saved questions, maths left for KaTeX.
    assert html.count('data-testid="valid-row"') == 2
    assert r"Energy is $\frac{1}{2}mv^2$. Unit?" in html
    assert ">Import 2 questions</button>" in html
    assert question_count() == 0  # a preview writes nothing

    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    res = client.post(
        f"/admin/exams/{exam}/questions/import/commit",
        data={"csrf_token": signed_in, "token": token},
        headers=hx(),
    )
    assert res.status_code == 204
    assert res.headers["HX-Redirect"] == f"/admin/exams/{exam}/questions"
    assert [(q["type"], q["answer"]) for q in questions_of(exam)] == [("MCQ", "A"), ("MSQ", "A,C")]
    page = client.get(f"/admin/exams/{exam}/questions", headers=BROWSER).get_data(as_text=True)
    assert "Imported 2 questions. 2 rejected were left out." in page

    # The same preview cannot be committed twice.
    again = client.post(
        f"/admin/exams/{exam}/questions/import/commit",
        data={"csrf_token": signed_in, "token": token},
        headers=hx(),
    )
    assert again.status_code == 400
    assert "already committed" in again.get_data(as_text=True)
    assert question_count() == 2


def test_gift_preview_names_lines(client, signed_in, teacher, make_exam, question_count):
    exam = make_exam(teacher)
    res = upload(client, exam, signed_in, GIFT, fmt="gift", name="bank.gift")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert html.count('data-testid="valid-row"') == 2
    assert "Line 2" in html and "Line 4" in html
    assert "Answer: <strong data-katex>9.8</strong> ± 0.1" in html
    (line, reason) = re.findall(r'<th scope="row" class="num">(\d+)</th><td>([^<]*)</td>', html)[0]
    assert line == "6" and "match" in reason.lower()
    assert ">Line</th>" in html
    assert question_count() == 0


def test_aiken_preview(client, signed_in, teacher, make_exam, question_count):
    exam = make_exam(teacher)
    res = upload(client, exam, signed_in, AIKEN, fmt="aiken", name="bank.txt")
    html = res.get_data(as_text=True)
    assert html.count('data-testid="valid-row"') == 1 and "rejected" in html
    assert question_count() == 0


def test_upload_problems_are_shown_at_the_fields(
    client, signed_in, teacher, make_exam, question_count
):
    exam = make_exam(teacher)
    res = client.post(
        f"/admin/exams/{exam}/questions/import",
        data={"csrf_token": signed_in, "format": "csv"},
        content_type="multipart/form-data",
        headers=hx(),
    )
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert '<small id="e-file" class="field-error">Choose a file to import.</small>' in html
    assert 'aria-invalid="true"' in html
    res = upload(client, exam, signed_in, "", name="empty.csv")
    assert res.status_code == 400 and "The file is empty." in res.get_data(as_text=True)
    latin1 = client.post(
        f"/admin/exams/{exam}/questions/import",
        data={
            "csrf_token": signed_in,
            "format": "csv",
            "file": (io.BytesIO("question_text\ncaf\xe9".encode("latin-1")), "x.csv"),
        },
        content_type="multipart/form-data",
        headers=hx(),
    )
    assert latin1.status_code == 400 and "UTF-8" in latin1.get_data(as_text=True)
    res = upload(client, exam, signed_in, CSV, fmt="xml")
    assert res.status_code == 400 and "Choose the file&#39;s format." in res.get_data(as_text=True)
    assert question_count() == 0


def test_a_forged_token_writes_nothing(client, signed_in, teacher, make_exam, question_count):
    exam = make_exam(teacher)
    res = client.post(
        f"/admin/exams/{exam}/questions/import/commit",
        data={"csrf_token": signed_in, "token": "not-a-token"},
        headers=hx(),
    )
    assert res.status_code == 400 and "invalid" in res.get_data(as_text=True)
    assert question_count() == 0


def test_plain_post_commit_redirects_with_flash(
    client, signed_in, teacher, make_exam, question_count
):
    exam = make_exam(teacher)
    html = upload(client, exam, signed_in, CSV).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    res = client.post(
        f"/admin/exams/{exam}/questions/import/commit",
        data={"csrf_token": signed_in, "token": token},
        headers=BROWSER,
    )
    assert res.status_code == 303 and res.headers["Location"].endswith(
        f"/admin/exams/{exam}/questions"
    )
    assert question_count() == 2

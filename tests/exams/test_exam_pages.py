"""The teachers' exam pages: the list and the editor are each one view for a browser (the full
page), htmx (one block, with Vary: HX-Request) and API clients (JSON); the editor's forms post to
the documented endpoints and get their panel back."""

from __future__ import annotations

import re

import pytest

from tests.exams.conftest import BROWSER, EXAMPLE, exam_row, hx, snapshot


def settings_form(**overrides) -> dict[str, str]:
    """What the editor's settings form posts: every field, ticked boxes only."""
    form = {k: str(v) for k, v in EXAMPLE.items()} | {
        "_form": "settings",
        "category_id": "",
        "end_date": "",
        "end_time": "",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


# The list -----------------------------------------------------------------------------------


def test_list_full_page_for_a_browser(client, signed_in, teacher, make_exam):
    make_exam(teacher)
    res = client.get("/admin/exams", headers=BROWSER)
    assert res.status_code == 200 and res.mimetype == "text/html"
    assert "HX-Request" in res.headers["Vary"]
    html = res.get_data(as_text=True)
    assert "<html" in html and "<h1>Exams</h1>" in html
    assert 'href="/admin/exams/new"' in html and "New exam" in html
    assert 'hx-trigger="input changed delay:400ms, search"' in html and 'for="f-q"' in html
    assert (
        'data-testid="status-tabs"' in html and 'aria-current="page" data-testid="tab-all"' in html
    )
    assert "Physics Mock 1" in html and "2025-01-20 10:00" in html
    assert "<script>" not in html  # the CSP allows no inline script


def test_list_panel_only_for_htmx(client, signed_in, teacher, make_exam):
    make_exam(teacher, name="Algebra")
    make_exam(teacher, name="Biology")
    res = client.get("/admin/exams?q=alg", headers=hx())
    assert res.status_code == 200 and "HX-Request" in res.headers["Vary"]
    html = res.get_data(as_text=True)
    assert "<html" not in html and "<h1>" not in html
    assert "Algebra" in html and "Biology" not in html
    assert 'name="status" value="" form="exam-filters"' in html


def test_list_json_for_api_clients(client, bearer, teacher, make_exam):
    make_exam(teacher)
    res = client.get("/admin/exams?status=draft", headers=bearer(teacher))
    assert res.is_json and res.get_json()["pagination"]["total"] == 1


def test_list_empty_states(client, signed_in):
    html = client.get("/admin/exams", headers=BROWSER).get_data(as_text=True)
    assert 'data-testid="exams-empty"' in html and "You have no exams yet." in html
    filtered = client.get("/admin/exams?status=published", headers=hx()).get_data(as_text=True)
    assert "No exams match these filters." in filtered and "<table" not in filtered


def test_list_status_tabs_and_pagination(client, signed_in, teacher, make_exam):
    for i in range(21):
        make_exam(teacher, name=f"Mock {i:02d}")
    make_exam(teacher, name="Old", status="archived")
    html = client.get("/admin/exams?status=draft&page=2", headers=hx()).get_data(as_text=True)
    assert "page 2 of 2" in html and html.count('data-testid="exam-row"') == 1
    assert 'rel="prev"' in html and "status=draft" in html
    archived = client.get("/admin/exams?status=archived", headers=hx()).get_data(as_text=True)
    assert "Old" in archived and "Mock 00" not in archived
    assert re.search(
        r'data-testid="tab-archived">\s*Archived <span class="badge badge-archived">1<', archived
    )


def test_pages_need_an_author(client, web_login, make_user):
    assert client.get("/admin/exams", headers=BROWSER).status_code == 302  # to the sign-in page
    web_login(client, make_user("learner", roles=("student",)))
    res = client.get("/admin/exams", headers=BROWSER)
    assert res.status_code == 403 and "<html" in res.get_data(as_text=True)
    assert client.get("/admin/exams/new", headers=BROWSER).status_code == 403
    assert client.get("/admin/categories", headers=BROWSER).status_code == 403


def test_nav_shows_exams_and_categories_to_teachers_only(client, signed_in, web_login, make_user):
    html = client.get("/dashboard", headers=BROWSER).get_data(as_text=True)
    assert 'data-testid="nav-exams"' in html and 'data-testid="nav-categories"' in html
    client.post("/logout", data={"csrf_token": signed_in})
    web_login(client, make_user("learner", roles=("student",)))
    html = client.get("/dashboard", headers=BROWSER).get_data(as_text=True)
    assert 'data-testid="nav-exams"' not in html and 'data-testid="nav-categories"' not in html


def test_dashboard_links_exams_to_the_editor(client, signed_in, teacher, make_exam):
    exam_id = make_exam(teacher)
    html = client.get("/dashboard", headers=BROWSER).get_data(as_text=True)
    assert f'href="/admin/exams/{exam_id}"' in html


# Creating from the page ---------------------------------------------------------------------


def test_new_exam_page(client, signed_in, category):
    html = client.get("/admin/exams/new", headers=BROWSER).get_data(as_text=True)
    assert "<h1>New exam" in html
    for name in (
        "name",
        "date",
        "start_time",
        "duration",
        "end_date",
        "end_time",
        "positive_marks",
        "negative_marks",
        "max_attempts",
        "result_mode",
        "result_delay",
        "category_id",
        "shuffle_questions",
        "proctoring_fullscreen_required",
        "proctoring_tab_switch_warnings",
    ):
        assert f'for="f-{name}"' in html and f'id="f-{name}"' in html, name
    assert "Asia/Kolkata (UTC+05:30)" in html
    assert f'<option value="{category.id}">Physics</option>' in html
    assert 'data-shows-for-result-mode="delayed"' in html and "js/exam-editor.js" in html
    assert 'hx-post="/admin/exams"' in html


def test_create_from_the_page_redirects_to_the_editor(app, client, signed_in, teacher):
    res = client.post(
        "/admin/exams",
        data=settings_form(shuffle_questions="on", proctoring_tab_switch_warnings="on"),
        headers=hx(signed_in),
    )
    assert res.status_code == 200
    target = res.headers["HX-Redirect"]
    exam_id = int(target.rsplit("/", 1)[1])
    assert target == f"/admin/exams/{exam_id}"
    row = exam_row(app, exam_id)
    assert row["shuffle_questions"] is True and row["shuffle_options"] is False
    assert row["proctoring"] == {
        "fullscreen_required": False,
        "tab_switch_warnings": True,
        "block_copy_paste": False,
    }


def test_create_from_the_page_shows_errors_next_to_fields(app, client, signed_in):
    before = snapshot(app)
    res = client.post(
        "/admin/exams", data=settings_form(name="", duration="0"), headers=hx(signed_in)
    )
    assert res.status_code == 400  # app.js swaps a 400 in
    html = res.get_data(as_text=True)
    assert "<html" not in html and 'id="settings-panel"' in html
    assert re.search(
        r'id="f-name"[^>]*aria-invalid="true"[^>]*aria-describedby="e-name"', html, re.S
    )
    assert '<small id="e-name" class="field-error">Enter a name.</small>' in html
    assert "Enter a whole number of minutes from 1 to 1440." in html
    assert 'value="0"' in html  # what was typed comes back
    assert "data-error-message" in html
    assert snapshot(app) == before


def test_hidden_empty_delay_is_ignored_unless_delayed(app, client, signed_in):
    res = client.post("/admin/exams", data=settings_form(result_delay=""), headers=hx(signed_in))
    assert res.status_code == 200
    res = client.post(
        "/admin/exams",
        data=settings_form(result_mode="delayed", result_delay=""),
        headers=hx(signed_in),
    )
    assert res.status_code == 400 and "Required when result_mode is delayed" in res.get_data(
        as_text=True
    )


def test_create_with_a_plain_form_post(client, signed_in):
    res = client.post(
        "/admin/exams", data=settings_form() | {"csrf_token": signed_in}, headers=BROWSER
    )
    assert res.status_code == 303 and re.fullmatch(r"/admin/exams/\d+", res.headers["Location"])


# The editor ---------------------------------------------------------------------------------


@pytest.fixture
def exam_id(teacher, make_exam) -> int:
    return make_exam(teacher, result_mode="manual")


def test_editor_full_page(client, signed_in, exam_id):
    res = client.get(f"/admin/exams/{exam_id}", headers=BROWSER)
    assert res.status_code == 200 and "HX-Request" in res.headers["Vary"]
    html = res.get_data(as_text=True)
    assert "<h1>Physics Mock 1" in html
    for panel in (
        "publish-panel",
        "settings-panel",
        "sections-panel",
        "coowners-panel",
        "danger-panel",
    ):
        assert f'id="{panel}"' in html
    assert f'href="/admin/exams/{exam_id}/questions"' in html
    assert 'data-testid="check-has_questions" data-met="false"' in html
    assert 'data-testid="sections-empty"' in html and 'data-testid="coowners-empty"' in html
    assert 'data-confirm-name="Physics Mock 1"' in html
    assert 'data-testid="release-button"' in html  # manual result mode


def test_editor_panels_for_htmx_and_json_for_clients(client, signed_in, bearer, teacher, exam_id):
    res = client.get(f"/admin/exams/{exam_id}?panel=publish", headers=hx())
    html = res.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="publish-panel"') and "<h1>" not in html
    assert 'hx-trigger="exam-settings-saved from:body"' in html
    assert client.get(f"/admin/exams/{exam_id}?panel=nope", headers=hx()).status_code == 400
    as_json = client.get(f"/admin/exams/{exam_id}", headers=bearer(teacher))
    assert as_json.is_json and as_json.get_json()["exam"]["id"] == exam_id


def test_another_teachers_editor_is_403(client, web_login, teacher_b, exam_id):
    web_login(client, teacher_b)
    res = client.get(f"/admin/exams/{exam_id}", headers=BROWSER)
    assert (
        res.status_code == 403
        and "You can only manage your own or co-owned exams" in res.get_data(as_text=True)
    )


def test_save_settings_returns_the_panel_and_signals_the_others(app, client, signed_in, exam_id):
    before = exam_row(app, exam_id)
    res = client.post(
        f"/admin/exams/edit/{exam_id}",
        data=settings_form(name="Renamed", result_mode="manual"),
        headers=hx(signed_in),
    )
    assert res.status_code == 200 and res.headers["HX-Trigger"] == "exam-settings-saved"
    html = res.get_data(as_text=True)
    assert 'data-testid="settings-message"' in html and "Settings saved." in html
    after = exam_row(app, exam_id)
    assert after["name"] == "Renamed" and after["starts_at"] == before["starts_at"]


def test_save_settings_with_errors(app, client, signed_in, exam_id):
    before = snapshot(app)
    res = client.post(
        f"/admin/exams/edit/{exam_id}", data=settings_form(max_attempts="-2"), headers=hx(signed_in)
    )
    assert res.status_code == 400 and "HX-Trigger" not in res.headers
    assert '<small id="e-max_attempts" class="field-error">' in res.get_data(as_text=True)
    assert snapshot(app) == before


def test_publish_from_the_page_shows_what_is_missing(
    app, client, signed_in, exam_id, add_questions
):
    res = client.post(f"/admin/exams/{exam_id}/publish", headers=hx(signed_in))
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert (
        'data-testid="publish-error"' in html
        and "Cannot publish: Add at least one question." in html
    )
    assert 'data-testid="check-has_questions" data-met="false"' in html
    assert exam_row(app, exam_id)["status"] == "draft"
    add_questions(exam_id)
    res = client.post(f"/admin/exams/{exam_id}/publish", headers=hx(signed_in))
    assert res.status_code == 200 and res.headers["HX-Trigger"] == "exam-status-changed"
    html = res.get_data(as_text=True)
    assert (
        "Exam published: students can see it." in html and 'data-testid="unpublish-button"' in html
    )
    assert exam_row(app, exam_id)["status"] == "published"


def test_release_from_the_page(app, client, signed_in, exam_id):
    res = client.post(
        f"/admin/exams/{exam_id}/release-results", data={"released": "true"}, headers=hx(signed_in)
    )
    assert res.status_code == 200 and "Results released." in res.get_data(as_text=True)
    assert exam_row(app, exam_id)["results_released"] is True


def test_plain_form_actions_redirect_back(client, signed_in, exam_id):
    res = client.post(
        f"/admin/exams/{exam_id}/archive", data={"csrf_token": signed_in}, headers=BROWSER
    )
    assert res.status_code == 303 and res.headers["Location"] == f"/admin/exams/{exam_id}"


def test_sections_and_co_owners_from_the_page(client, signed_in, exam_id, teacher_b):
    res = client.post(
        f"/admin/exams/{exam_id}/sections", data={"name": "Mechanics"}, headers=hx(signed_in)
    )
    html = res.get_data(as_text=True)
    assert res.status_code == 200 and html.lstrip().startswith('<section id="sections-panel"')
    assert "Section “Mechanics” added." in html and 'data-testid="section-row"' in html
    res = client.post(
        f"/admin/exams/{exam_id}/co-owners/add", data={"username": "nobody"}, headers=hx(signed_in)
    )
    assert res.status_code == 400 and "No user named nobody." in res.get_data(as_text=True)
    res = client.post(
        f"/admin/exams/{exam_id}/co-owners/add", data={"username": "bharat"}, headers=hx(signed_in)
    )
    assert 'data-testid="coowner"' in res.get_data(as_text=True)


def test_delete_needs_the_typed_name(app, client, signed_in, exam_id):
    res = client.post(
        f"/admin/exams/delete/{exam_id}",
        data={"confirm_name": "physics mock"},
        headers=hx(signed_in),
    )
    assert res.status_code == 400
    html = res.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="danger-panel"')
    assert (
        'aria-describedby="e-confirm_name"' in html
        and "Type the exam&#39;s name exactly to confirm." in html
    )
    assert exam_row(app, exam_id) is not None
    res = client.post(
        f"/admin/exams/delete/{exam_id}",
        data={"confirm_name": "Physics Mock 1"},
        headers=hx(signed_in),
    )
    assert res.status_code == 200 and res.headers["HX-Redirect"] == "/admin/exams"
    assert exam_row(app, exam_id) is None
    assert "Exam “Physics Mock 1” deleted." in client.get("/admin/exams", headers=BROWSER).get_data(
        as_text=True
    )


def test_a_co_owner_leaving_from_the_page_goes_back_to_the_list(
    client, bearer, teacher, web_login, teacher_b, exam_id
):
    client.post(
        f"/admin/exams/{exam_id}/co-owners/add",
        json={"username": "bharat"},
        headers=bearer(teacher),
    )
    token = web_login(client, teacher_b)
    res = client.post(
        f"/admin/exams/{exam_id}/co-owners/remove", data={"username": "bharat"}, headers=hx(token)
    )
    assert res.status_code == 200 and res.headers["HX-Redirect"] == "/admin/exams"

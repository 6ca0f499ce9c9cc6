"""The categories page: the full page for a browser, its panel for htmx (the forms post to the
documented category endpoints and get the panel back), the list as JSON for API clients."""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.exams.conftest import BROWSER, hx, png_bytes


def test_full_page_with_empty_state(client, signed_in):
    res = client.get("/admin/categories", headers=BROWSER)
    assert res.status_code == 200 and "HX-Request" in res.headers["Vary"]
    html = res.get_data(as_text=True)
    assert "<h1>Categories</h1>" in html and 'data-testid="categories-empty"' in html
    assert 'hx-encoding="multipart/form-data"' in html and 'for="new-cat-image"' in html
    assert "at most 5 MB" in html


def test_create_with_a_picture_returns_the_panel_with_a_thumbnail(client, signed_in):
    boundary, body = encode_multipart(
        {"name": "Optics", "image": FileStorage(io.BytesIO(png_bytes()), filename="o.png")}
    )
    res = client.post(
        "/admin/categories/create",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=hx(signed_in),
    )
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<html" not in html and "Category “Optics” created." in html
    assert '<img src="/uploads/categories/' in html and 'class="thumb"' in html


def test_refused_delete_shows_the_reason_in_the_panel(
    client, signed_in, teacher, category, make_exam
):
    make_exam(teacher, category_id=category.id)
    res = client.post(f"/admin/categories/delete/{category.id}", headers=hx(signed_in))
    assert res.status_code == 409
    html = res.get_data(as_text=True)
    assert "data-error-message" in html and "Category has 1 exam; move or delete it first" in html
    page = client.get("/admin/categories", headers=BROWSER).get_data(as_text=True)
    assert "1 exam<" in page and "hx-confirm=" in page


def test_json_for_api_clients(client, bearer, teacher, category):
    res = client.get("/admin/categories", headers=bearer(teacher))
    assert res.is_json and [c["name"] for c in res.get_json()["categories"]] == ["Physics"]

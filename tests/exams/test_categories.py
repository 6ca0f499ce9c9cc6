"""Contract tests for SmartAIExam's category endpoints (000_…, "Admin JSON APIs": GET
/admin/api/categories, POST /admin/categories/create|update/<id>|delete/<id>), the picture checks
(by content, not by name; 5 MB at most), and the /uploads route that serves the pictures."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.core import storage
from app.extensions import db
from app.models import Category
from tests.exams.conftest import png_bytes, snapshot

MB5 = 5 * 1024 * 1024


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/octet-stream")


def stored_path(app, url: str) -> Path:
    with app.test_request_context():
        return storage.upload_root() / storage.key_for_url(url)


def multipart(client, path: str, headers: dict, **fields):
    """A multipart POST built in memory: the test client's own builder spools large bodies to a
    temporary file it never closes (a ResourceWarning, an error here)."""
    boundary, body = encode_multipart(fields)
    return client.post(
        path, data=body, headers=headers, content_type=f"multipart/form-data; boundary={boundary}"
    )


def create(client, headers, name="Mechanics", image=None):
    fields = {"name": name} if image is None else {"name": name, "image": image}
    return multipart(client, "/admin/categories/create", headers, **fields)


def uploads_on_disk(app) -> list[Path]:
    with app.test_request_context():
        root = storage.upload_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_list_documented_shape(client, bearer, teacher, category, make_exam):
    make_exam(teacher, category_id=category.id)
    res = client.get("/admin/api/categories", headers=bearer(teacher))
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True
    [cat] = body["categories"]
    assert cat == {
        "id": category.id,
        "name": "Physics",
        "image_url": "",
        "exam_count": 1,
        "created_at": cat["created_at"],
        "updated_at": cat["updated_at"],
    }


def test_create_without_a_picture_multipart_and_json(app, client, bearer, teacher):
    res = create(client, bearer(teacher))
    assert res.status_code == 200
    body = res.get_json()
    assert body["success"] is True and body["message"] == "Category “Mechanics” created."
    assert body["category"]["name"] == "Mechanics" and body["category"]["image_url"] == ""
    res = client.post(
        "/admin/categories/create", json={"name": "Chemistry"}, headers=bearer(teacher)
    )
    assert res.status_code == 200 and res.get_json()["category"]["name"] == "Chemistry"


def test_create_with_a_png_served_back(app, client, bearer, teacher):
    data = png_bytes()
    res = create(client, bearer(teacher), image=upload(data, "photo.png"))
    assert res.status_code == 200
    url = res.get_json()["category"]["image_url"]
    assert url.startswith("/uploads/categories/") and url.endswith(".png")
    with client.get(url) as served:
        assert served.status_code == 200
        assert served.mimetype == "image/png" and served.data == data
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert "private" in served.headers["Cache-Control"]
        assert "public" not in served.headers["Cache-Control"]


def test_a_png_named_txt_is_stored_as_png(client, bearer, teacher):
    res = create(client, bearer(teacher), image=upload(png_bytes(), "notes.txt"))
    assert res.status_code == 200
    url = res.get_json()["category"]["image_url"]
    assert url.endswith(".png")
    with client.get(url) as served:
        assert served.mimetype == "image/png"


def test_a_jpeg_named_png_is_stored_as_jpeg(client, bearer, teacher):
    url = create(client, bearer(teacher), image=upload(png_bytes(fmt="JPEG"), "x.png")).get_json()[
        "category"
    ]["image_url"]
    assert url.endswith(".jpg")
    with client.get(url) as served:
        assert served.mimetype == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"just some text, not a picture\n",
            "The file is not an image Examhall accepts (PNG, JPEG, GIF or WebP).",
        ),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "The file is not an image Examhall accepts (PNG, JPEG, GIF or WebP).",
        ),
        (
            png_bytes((64, 64), noise=True)[:6000],
            "The image is damaged or incomplete (PNG, JPEG, GIF or WebP expected).",
        ),
        (b"", "The file is empty."),
    ],
)
def test_not_a_picture_is_refused(app, client, bearer, teacher, data, message):
    before = snapshot(app)
    res = create(client, bearer(teacher), image=upload(data, "photo.png"))
    assert res.status_code == 400
    body = res.get_json()
    assert body["success"] is False and body["errors"] == {"image": message}
    assert snapshot(app) == before
    assert uploads_on_disk(app) == []


def test_five_megabytes_and_one_byte_is_refused(app, client, bearer, teacher):
    data = png_bytes()
    big = data + b"\0" * (MB5 + 1 - len(data))  # a PNG with trailing bytes: valid but too large
    assert len(big) == MB5 + 1
    before = snapshot(app)
    res = create(client, bearer(teacher), image=upload(big, "big.png"))
    assert res.status_code == 400 and res.get_json()["errors"] == {
        "image": "The image is larger than 5 MB."
    }
    assert snapshot(app) == before and uploads_on_disk(app) == []
    ok = create(client, bearer(teacher), name="Exactly 5 MB", image=upload(big[:MB5], "ok.png"))
    assert ok.status_code == 200


def test_replacing_the_picture_deletes_the_old_file(app, client, bearer, teacher):
    first = create(client, bearer(teacher), image=upload(png_bytes(), "a.png")).get_json()[
        "category"
    ]
    old = stored_path(app, first["image_url"])
    assert old.is_file()
    res = multipart(
        client,
        f"/admin/categories/update/{first['id']}",
        bearer(teacher),
        image=upload(png_bytes((4, 4), "GIF"), "b.gif"),
    )
    assert res.status_code == 200
    new_url = res.get_json()["category"]["image_url"]
    assert new_url != first["image_url"] and new_url.endswith(".gif")
    assert not old.exists() and stored_path(app, new_url).is_file()
    assert client.get(first["image_url"]).status_code == 404
    assert res.get_json()["category"]["name"] == "Mechanics"  # the name was not sent: kept


def test_a_refused_replacement_keeps_the_old_picture(app, client, bearer, teacher):
    first = create(client, bearer(teacher), image=upload(png_bytes(), "a.png")).get_json()[
        "category"
    ]
    res = multipart(
        client,
        f"/admin/categories/update/{first['id']}",
        bearer(teacher),
        name="",
        image=upload(png_bytes(), "b.png"),
    )
    assert res.status_code == 400 and res.get_json()["errors"] == {"name": "Enter a name."}
    assert uploads_on_disk(app) == [stored_path(app, first["image_url"])]


def test_rename_and_remove_the_picture(app, client, bearer, teacher):
    first = create(client, bearer(teacher), image=upload(png_bytes(), "a.png")).get_json()[
        "category"
    ]
    res = client.post(
        f"/admin/categories/update/{first['id']}",
        json={"name": "Dynamics", "remove_image": True},
        headers=bearer(teacher),
    )
    assert res.status_code == 200
    assert (
        res.get_json()["category"]["name"] == "Dynamics"
        and res.get_json()["category"]["image_url"] == ""
    )
    assert uploads_on_disk(app) == []


def test_names_are_required_short_and_unique(app, client, bearer, teacher, category):
    h = bearer(teacher)
    before = snapshot(app)
    assert create(client, h, name="").get_json()["errors"] == {"name": "Enter a name."}
    assert create(client, h, name="x" * 121).get_json()["errors"] == {
        "name": "Use at most 120 characters."
    }
    dup = create(client, h, name="physics")
    assert (
        dup.status_code == 409
        and dup.get_json()["message"] == "A category named physics already exists."
    )
    assert client.post("/admin/categories/create", json={}, headers=h).status_code == 400
    assert snapshot(app) == before
    res = client.post(
        f"/admin/categories/update/{category.id}", json={"name": "PHYSICS"}, headers=h
    )
    assert res.status_code == 200  # its own name in another case is fine


def test_delete_is_blocked_while_exams_use_it(app, client, bearer, teacher, category, make_exam):
    make_exam(teacher, category_id=category.id)
    make_exam(teacher, name="Second", category_id=category.id)
    before = snapshot(app)
    res = client.post(f"/admin/categories/delete/{category.id}", headers=bearer(teacher))
    assert res.status_code == 409
    assert res.get_json() == {
        "success": False,
        "message": "Category has 2 exams; move or delete them first",
    }
    assert snapshot(app) == before


def test_delete_removes_the_category_and_its_picture(app, client, bearer, teacher):
    cat = create(client, bearer(teacher), image=upload(png_bytes(), "a.png")).get_json()["category"]
    res = client.post(f"/admin/categories/delete/{cat['id']}", headers=bearer(teacher))
    assert res.status_code == 200
    assert res.get_json() == {"success": True, "message": "Category “Mechanics” deleted."}
    with app.app_context():
        assert db.session.get(Category, cat["id"]) is None
    assert uploads_on_disk(app) == []
    assert (
        client.post(f"/admin/categories/delete/{cat['id']}", headers=bearer(teacher)).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["student", "proctor"])
def test_students_and_proctors_cannot_manage_categories(
    app, client, bearer, make_user, category, role
):
    h = bearer(make_user(f"z_{role}", roles=(role,)))
    before = snapshot(app)
    assert create(client, h).status_code == 403
    assert (
        client.post(
            f"/admin/categories/update/{category.id}", json={"name": "x"}, headers=h
        ).status_code
        == 403
    )
    assert client.post(f"/admin/categories/delete/{category.id}", headers=h).status_code == 403
    assert snapshot(app) == before
    assert client.post(f"/admin/categories/delete/{category.id}").status_code == 401


@pytest.mark.parametrize(
    "path",
    [
        "/uploads/../secret_key",
        "/uploads/%2e%2e/secret_key",
        "/uploads/categories/..%2f..%2fsecret_key",
        "/uploads//etc/passwd",
        "/uploads/categories/../../test.db",
        "/uploads/categories/notours.png",
        "/uploads/categories/0123456789abcdef0123456789abcdef.svg",
        "/uploads/",
    ],
)
def test_uploads_never_leave_the_upload_folder(app, client, path):
    (Path(app.instance_path) / "uploads").mkdir(exist_ok=True)
    with client.get(path, follow_redirects=True) as res:  # "//" is merged by a redirect first
        assert res.status_code == 404


def test_a_failed_request_leaves_no_file(app, client, bearer, teacher, category):
    """A picture saved before the request fails (duplicate name) is removed by the rollback."""
    res = create(client, bearer(teacher), name="Physics", image=upload(png_bytes(), "a.png"))
    assert res.status_code == 409
    assert uploads_on_disk(app) == []

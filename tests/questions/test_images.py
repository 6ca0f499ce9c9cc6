"""Google Drive share links become direct image URLs; other image links are checked."""

from __future__ import annotations

import pytest

from app.questions.images import ImageLinkError, clean_image_url, drive_file_id, resolve_drive_link

DIRECT = "https://drive.google.com/uc?export=view&id=1AbC_d-EF9"


@pytest.mark.parametrize(
    "link",
    [
        "https://drive.google.com/file/d/1AbC_d-EF9/view?usp=sharing",
        "https://drive.google.com/file/d/1AbC_d-EF9/view",
        "https://drive.google.com/file/d/1AbC_d-EF9/edit?usp=drivesdk",
        "https://drive.google.com/file/d/1AbC_d-EF9",
        "https://drive.google.com/file/u/0/d/1AbC_d-EF9/view",
        "https://drive.google.com/u/1/uc?id=1AbC_d-EF9&export=download",
        "https://drive.google.com/open?id=1AbC_d-EF9",
        "https://drive.google.com/uc?id=1AbC_d-EF9",
        "https://drive.google.com/uc?id=1AbC_d-EF9&export=download",
        "https://drive.google.com/uc?export=view&id=1AbC_d-EF9",
        "https://docs.google.com/uc?id=1AbC_d-EF9",
        "  https://DRIVE.google.com/file/d/1AbC_d-EF9/view?usp=sharing  ",
    ],
)
def test_drive_links_resolve(link):
    assert drive_file_id(link) == "1AbC_d-EF9"
    assert resolve_drive_link(link) == DIRECT
    assert clean_image_url(link) == DIRECT


@pytest.mark.parametrize(
    "url",
    ["https://example.com/a.png", "https://drive.google.com/drive/folders/1AbC", "/static/x.png"],
)
def test_other_links_unchanged_by_resolution(url):
    assert resolve_drive_link(url) == url


@pytest.mark.parametrize(
    "url",
    ["https://cdn.example.com/q/1.png?v=2", "/uploads/questions/" + "ab" * 16 + ".png", ""],
)
def test_accepted_image_links(url):
    assert clean_image_url(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com/a.png", "https://"),
        ("javascript:alert(1)", "https://"),
        ("data:image/png;base64,AAAA", "https://"),
        ("//example.com/a.png", "https://"),
        ("ftp://example.com/a.png", "https://"),
        ("https://drive.google.com/drive/folders/1AbC", "names no file"),
        ("https://drive.google.com/open?id=", "names no file"),
        ("/path with space.png", "uploaded question image"),
        ("/logout", "uploaded question image"),  # every viewer's browser would GET it
        ("/uploads/categories/" + "cd" * 16 + ".png", "uploaded question image"),
        ("https://example.com/" + "a" * 500, "500"),
    ],
)
def test_refused_image_links(url, reason):
    with pytest.raises(ImageLinkError, match=reason):
        clean_image_url(url)

"""Where a sign-in or a no-JS form sends the browser next: only paths on this site."""

from __future__ import annotations

import pytest

from app.auth.web_session import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
        None,
    ],
)
def test_anything_that_can_leave_the_site_goes_to_the_dashboard(app, target):
    with app.test_request_context():
        assert safe_next(target) == "/dashboard"


@pytest.mark.parametrize("target", ["/result/3", "/exams?page=2#top", "/assistant"])
def test_paths_on_this_site_are_kept(app, target):
    with app.test_request_context():
        assert safe_next(target) == target

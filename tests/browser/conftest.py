"""Browser fixtures: the test app on a real HTTP server in a thread, and Debian's Chromium driven
by Playwright (never a downloaded browser build). Every page records console errors, uncaught
exceptions, CSP violations and failed requests, so a test can assert the page ran cleanly."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

# Runs in every page before its own scripts; CSP violations also reach the console, this keeps
# their details too.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.path.exists(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"browser tests need Debian's Chromium at {CHROMIUM}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class PageProblems:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return self.console_errors + self.page_errors + self.failed_requests


@dataclass
class BrowserPage:
    page: object  # playwright.sync_api.Page
    base_url: str
    problems: PageProblems

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_clean(self, expected: tuple[tuple[int, str], ...] = ()) -> None:
        """No console error, exception, CSP violation or failed request, except the
        `expected` (status, path) answers the test provoked (a 400 for a bad form)."""

        def provoked(problem: str) -> bool:
            return any(
                f"{self.base_url}{path}" in problem and str(status) in problem
                for status, path in expected
            )

        assert [p for p in self.problems.all() if not provoked(p)] == [], self.problems
        assert self.csp_violations() == []


@pytest.fixture
def open_page(browser, live_server: str) -> Iterator[Callable[..., BrowserPage]]:
    """open_page(viewport=PHONE) -> a fresh browser context (own cookies) and page."""
    contexts = []

    def make(viewport: dict[str, int] | None = None) -> BrowserPage:
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server)
        contexts.append(context)
        context.add_init_script(_CSP_LISTENER)
        page = context.new_page()
        problems = PageProblems()
        page.on(
            "console",
            lambda msg: (
                problems.console_errors.append(
                    f"{msg.type}: {msg.text} @ {msg.location.get('url', '')}"
                )
                if msg.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda exc: problems.page_errors.append(str(exc)))
        page.on(
            "response",
            lambda r: (
                problems.failed_requests.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        # ERR_ABORTED is the browser dropping a request because the page navigated on (the
        # favicon, say); a blocked or broken request fails with another reason.
        page.on(
            "requestfailed",
            lambda r: (
                problems.failed_requests.append(f"failed {r.url}: {r.failure}")
                if r.failure != "net::ERR_ABORTED"
                else None
            ),
        )
        return BrowserPage(page=page, base_url=live_server, problems=problems)

    yield make
    for context in contexts:
        context.close()

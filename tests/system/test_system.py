"""Backend's system endpoints (003_…, "System Endpoints") and the API documentation pages."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from app import create_app
from app.config import TestConfig
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def other_app(tmp_path, monkeypatch):
    """Builds extra apps (TestConfig points EXAMHALL_INSTANCE at them; monkeypatch restores it)."""
    monkeypatch.setenv("EXAMHALL_INSTANCE", str(tmp_path))
    built: list[Flask] = []

    def build(name: str = "other", **overrides) -> Flask:
        config = TestConfig(tmp_path / name, database_url=overrides.pop("database_url", None))
        for key, value in overrides.items():
            setattr(config, key, value)
        built.append(create_app(config))
        return built[-1]

    yield build
    for app in built:
        with app.app_context():
            db.engine.dispose()


def samples(text: str, name: str) -> dict[tuple, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name:
                out[tuple(sorted(s.labels.items()))] = s.value
    return out


def request_count(client, method: str, endpoint: str, status: str) -> float:
    text = client.get("/metrics").get_data(as_text=True)
    key = (("endpoint", endpoint), ("method", method), ("status", status))
    return samples(text, "examhall_http_requests_total").get(key, 0.0)


# /health --------------------------------------------------------------------------------------


def test_health_is_ok_when_the_database_answers(client):
    res = client.get("/health")
    assert res.status_code == 200
    assert res.get_json() == {"status": "ok"}


def test_health_is_503_when_the_database_does_not_answer(other_app, tmp_path):
    app = other_app("nodb", database_url=f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    res = app.test_client().get("/health")
    assert res.status_code == 503
    assert res.get_json() == {"status": "error", "detail": "database unavailable"}


# /system/info ---------------------------------------------------------------------------------


def test_system_info_without_groq_key(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "GROQ_API_KEY", None)
    res = client.get("/system/info")
    assert res.status_code == 200
    assert res.get_json() == {
        "version": app.config["APP_VERSION"],
        "llm_provider": "groq",
        "llm_model": app.config["GROQ_MODEL"],
        "status": "ok",
        "llm_configured": False,
    }


def test_system_info_with_groq_key(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "GROQ_API_KEY", "gsk_test_key")
    monkeypatch.setitem(app.config, "GROQ_MODEL", "llama-3.1-8b-instant")
    body = client.get("/system/info").get_json()
    assert body["llm_configured"] is True
    assert body["llm_model"] == "llama-3.1-8b-instant"
    assert "gsk_test_key" not in str(body)


# /metrics -------------------------------------------------------------------------------------


def test_metrics_count_requests_by_route_not_by_path(client):
    res = client.get("/metrics")
    assert res.status_code == 200
    assert res.mimetype == "text/plain"
    before = request_count(client, "GET", "<unmatched>", "404")
    client.get("/no/such/page/123")
    client.get("/no/such/page/456")
    assert request_count(client, "GET", "<unmatched>", "404") == before + 2
    assert client.get("/health").status_code == 200
    text = client.get("/metrics").get_data(as_text=True)
    assert "/no/such/page" not in text  # raw paths never become labels
    latency = samples(text, "examhall_http_request_duration_seconds_count")
    assert latency[(("endpoint", "/health"), ("method", "GET"))] >= 1
    assert "# TYPE examhall_http_request_duration_seconds histogram" in text
    assert "python_info{" in text  # the process and runtime collectors, on this app's registry


def test_metrics_count_exactly_one_per_request(client):
    before = request_count(client, "GET", "/system/info", "200")
    client.get("/system/info")
    assert request_count(client, "GET", "/system/info", "200") == before + 1


def test_each_app_has_its_own_registry(client, other_app):
    second = other_app("second").test_client()  # no "Duplicated timeseries" on a second app
    before = request_count(client, "GET", "/system/info", "200")
    second.get("/system/info")
    assert request_count(second, "GET", "/system/info", "200") == 1
    assert request_count(client, "GET", "/system/info", "200") == before


WORKER = """
import sys
from pathlib import Path
from app import create_app
from app.config import TestConfig
app = create_app(TestConfig(Path(sys.argv[1])))
client = app.test_client()
for _ in range(int(sys.argv[2])):
    assert client.get("/system/info").status_code == 200
"""


def test_metrics_add_up_gunicorn_workers_in_multiprocess_mode(tmp_path, other_app, monkeypatch):
    """Two worker processes write to PROMETHEUS_MULTIPROC_DIR; /metrics sums both."""
    folder = tmp_path / "prom"
    folder.mkdir()
    env = os.environ | {"PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    for n, requests in ((1, 1), (2, 2)):
        subprocess.run(
            [sys.executable, "-c", WORKER, str(tmp_path / f"worker{n}"), str(requests)],
            env=env,
            cwd=ROOT,
            check=True,
            timeout=60,
        )
    assert len(list(folder.glob("*.db"))) >= 2  # one set of files per process
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    scraper = other_app("scraper", PROMETHEUS_MULTIPROC_DIR=str(folder)).test_client()
    assert request_count(scraper, "GET", "/system/info", "200") == 3


# /openapi.json, /docs, /redoc -----------------------------------------------------------------

ASSET_RE = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')


@pytest.mark.parametrize(
    ("path", "assets"),
    [
        (
            "/docs",
            [
                "vendor/swagger-ui/swagger-ui-bundle.js",
                "vendor/swagger-ui/swagger-ui.css",
                "js/swagger-init.js",
            ],
        ),
        ("/redoc", ["vendor/redoc/redoc.standalone.js", "js/redoc-init.js"]),
    ],
)
def test_docs_pages_use_only_local_static_files(client, path, assets):
    res = client.get(path)
    assert res.status_code == 200
    assert res.mimetype == "text/html"
    html = res.get_data(as_text=True)
    urls = ASSET_RE.findall(html)
    for asset in assets:
        assert f"/static/{asset}" in urls
    for url in urls:
        if url.startswith("data:"):  # the empty favicon
            continue
        assert url.startswith("/static/"), f"{path} loads {url} from elsewhere"
        with client.get(url) as asset:  # a static file response holds the file open
            assert asset.status_code == 200, url
    # no inline script: every <script> has a src and an empty body
    assert len(re.findall(r"<script\b[^>]*>\s*</script>", html)) == html.count("<script")
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert 'data-spec-url="/openapi.json"' in html
    assert "http://" not in html and "https://" not in html


def test_docs_pages_keep_a_strict_script_policy(client):
    docs_csp = client.get("/docs").headers["Content-Security-Policy"]
    redoc_csp = client.get("/redoc").headers["Content-Security-Policy"]
    for csp in (docs_csp, redoc_csp):
        assert "script-src 'self';" in csp
        assert "unsafe-eval" not in csp
        assert "img-src 'self' data:;" in csp  # not even images from elsewhere
        assert "frame-ancestors 'none'" in csp
    assert "worker-src 'self' blob:" in redoc_csp  # ReDoc's search worker
    assert "worker-src" not in docs_csp
    assert "worker-src" not in client.get("/health").headers["Content-Security-Policy"]


def test_swagger_ui_is_the_nav_target(app):
    with app.test_request_context():
        from flask import url_for

        assert url_for("system.swagger_ui") == "/docs"

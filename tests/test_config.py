"""Configuration comes from the environment, and .env.example documents all of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.config import Config, ConfigError, _database_url

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_lists_every_variable_the_config_reads():
    source = (ROOT / "app" / "config.py").read_text()
    read = set(re.findall(r'(?:environ\.get|_int|_bool)\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == {"FLASK_ENV"} or read - documented == set()


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.setenv("EXAMHALL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("EXAMHALL_INSTANCE", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        Config()
    assert not (tmp_path / "secret_key").exists()


def test_flask_env_production_also_counts(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASK_ENV", "production")
    monkeypatch.delenv("EXAMHALL_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("EXAMHALL_INSTANCE", str(tmp_path))
    with pytest.raises(ConfigError):
        Config()


def test_development_generates_and_keeps_a_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("EXAMHALL_ENV", raising=False)
    monkeypatch.delenv("FLASK_ENV", raising=False)
    monkeypatch.setenv("EXAMHALL_INSTANCE", str(tmp_path))
    first = Config().SECRET_KEY
    assert len(first) > 40
    assert Config().SECRET_KEY == first  # kept in instance/, not regenerated
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_and_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("EXAMHALL_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    cfg = Config()
    assert cfg.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'examhall.db'}"
    assert cfg.REDIS_URL is None and cfg.RATELIMIT_STORAGE_URI == "memory://"
    assert cfg.SESSION_COOKIE_HTTPONLY and cfg.SESSION_COOKIE_SAMESITE == "Lax"
    assert cfg.PERMANENT_SESSION_LIFETIME.total_seconds() == 3 * 3600
    assert not cfg.SESSION_COOKIE_SECURE
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    cfg = Config()
    assert cfg.SESSION_COOKIE_SECURE and cfg.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/3"


def test_postgres_urls_get_the_psycopg3_driver():
    assert _database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert _database_url("sqlite:///x.db") == "sqlite:///x.db"

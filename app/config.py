"""Settings, all read from the environment so one build runs on a laptop and on the VPS.

Every variable is listed with a comment in `.env.example`; the README's configuration table is
generated from the same names.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = BASE_DIR / "instance"


class ConfigError(RuntimeError):
    """Raised at start-up when the environment cannot give a safe configuration."""


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def is_production() -> bool:
    return "production" in {os.environ.get("FLASK_ENV", ""), os.environ.get("EXAMHALL_ENV", "")}


def _secret_key(instance: Path) -> str:
    """Production must be given a secret; development keeps a generated one in instance/."""
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if is_production():
        raise ConfigError(
            "SECRET_KEY is not set. In production Examhall refuses to start without it: "
            "set SECRET_KEY to a long random string (python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))')."
        )
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Read once per `create_app`; tests subclass it to override."""

    def __init__(self, instance: Path | None = None) -> None:
        self.INSTANCE_PATH = instance or Path(os.environ.get("EXAMHALL_INSTANCE", DEFAULT_INSTANCE))
        self.ENV_NAME = "production" if is_production() else "development"
        self.SECRET_KEY = _secret_key(self.INSTANCE_PATH)
        self.APP_VERSION = os.environ.get("EXAMHALL_VERSION", "0.1.0")
        self.INSTITUTE_NAME = os.environ.get("INSTITUTE_NAME", "Examhall")
        self.INSTITUTE_TIMEZONE = os.environ.get("INSTITUTE_TIMEZONE", "Asia/Kolkata")
        self.DEMO_DATA = _bool("EXAMHALL_DEMO", True)

        self.SQLALCHEMY_DATABASE_URI = _database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{self.INSTANCE_PATH / 'examhall.db'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        # The Redis pub/sub channel Socket.IO processes share; one per installation on a Redis.
        self.SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL") or "flask-socketio"
        self.RATELIMIT_HEADERS_ENABLED = True

        self.PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
        # Links in e-mails are built from this, since jobs run outside any request.
        self.BASE_URL = os.environ.get(
            "BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}"
        )
        self.PROXY_COUNT = _int("PROXY_COUNT", 0)
        secure = self.PREFERRED_URL_SCHEME == "https"
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=3)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = secure
        self.SESSION_COOKIE_NAME = "examhall_session"
        self.REMEMBER_COOKIE_SECURE = secure
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the 3 h session
        self.WTF_CSRF_CHECK_DEFAULT = False  # core.security decides which requests need it
        self.WTF_CSRF_HEADERS = ["X-CSRFToken", "X-CSRF-Token"]
        self.MAX_CONTENT_LENGTH = _int("MAX_UPLOAD_MB", 25) * 1024 * 1024
        # Uploaded images (categories, questions); default instance/uploads. On several hosts,
        # point every web process at one shared directory.
        self.UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or None

        self.JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or self.SECRET_KEY
        self.JWT_ACCESS_TOKEN_EXPIRES = timedelta(seconds=_int("JWT_ACCESS_SECONDS", 3600))
        self.REFRESH_TOKEN_EXPIRES = timedelta(days=_int("JWT_REFRESH_DAYS", 30))
        self.JWT_TOKEN_LOCATION = ["headers"]
        self.JWT_ERROR_MESSAGE_KEY = "message"

        # argon2id cost: OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), about 20 ms a
        # verification on a small VPS core, so a class signing in at once is not queued behind
        # the hash. Stored hashes with other parameters are upgraded at their next sign-in.
        self.ARGON2_TIME_COST = _int("ARGON2_TIME_COST", 2)
        self.ARGON2_MEMORY_KIB = _int("ARGON2_MEMORY_KIB", 19456)
        self.ARGON2_PARALLELISM = _int("ARGON2_PARALLELISM", 1)

        self.LOGIN_MAX_FAILURES = 3
        self.LOGIN_LOCKOUT = timedelta(minutes=15)
        self.PASSWORD_RESET_MAX_AGE = 3600

        self.MAIL_FROM = os.environ.get("MAIL_FROM", "Examhall <no-reply@examhall.local>")
        self.SMTP_HOST = os.environ.get("SMTP_HOST") or None
        self.SMTP_PORT = _int("SMTP_PORT", 587)
        self.SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
        self.SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
        # STARTTLS on the submission port (587); with SMTP_SSL, TLS from the first byte (465).
        # Either way the server's certificate is verified (SMTP_CA_FILE for a private CA), and
        # Examhall refuses to send rather than fall back to plaintext.
        self.SMTP_STARTTLS = _bool("SMTP_STARTTLS", True)
        self.SMTP_SSL = _bool("SMTP_SSL", False)
        self.SMTP_CA_FILE = os.environ.get("SMTP_CA_FILE") or None
        self.SMTP_TIMEOUT = _int("SMTP_TIMEOUT", 20)
        self.MAIL_DIR = self.INSTANCE_PATH / "mail"

        self.GOOGLE_CLIENT_ID = os.environ.get("GOOGLE_CLIENT_ID") or None
        self.GOOGLE_CLIENT_SECRET = os.environ.get("GOOGLE_CLIENT_SECRET") or None
        self.OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "https://accounts.google.com")
        self.OIDC_JWKS_URL = os.environ.get(
            "OIDC_JWKS_URL", "https://www.googleapis.com/oauth2/v3/certs"
        )
        self.OIDC_DISCOVERY_URL = os.environ.get(
            "OIDC_DISCOVERY_URL", self.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
        )

        self.GROQ_API_KEY = os.environ.get("GROQ_API_KEY") or None
        self.GROQ_MODEL = os.environ.get("GROQ_MODEL", "llama-3.3-70b-versatile")
        # Any OpenAI-compatible server: the client calls {base}/openai/v1/chat/completions.
        self.GROQ_BASE_URL = os.environ.get("GROQ_BASE_URL") or "https://api.groq.com"
        self.GROQ_TIMEOUT = float(os.environ.get("GROQ_TIMEOUT") or 60)
        # The subject tutor (Backend /chat) waits this long for the model, as its document says.
        self.TUTOR_TIMEOUT = float(os.environ.get("TUTOR_TIMEOUT") or 120)
        self.TUTOR_PRACTICE_QUESTIONS = int(os.environ.get("TUTOR_PRACTICE_QUESTIONS") or 5)

        self.JOBS_SYNC = False  # tests run in-process jobs inline, after the commit
        self.PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


def _database_url(url: str) -> str:
    """Heroku-style and bare postgres URLs get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class TestConfig(Config):
    """A throwaway instance folder and in-process everything unless the test asks otherwise."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(
        self, instance: Path, database_url: str | None = None, redis_url: str | None = None
    ):
        super().__init__(instance)
        self.TESTING = True
        self.ENV_NAME = "test"
        self.MAIL_DIR = instance / "mail"
        self.SQLALCHEMY_DATABASE_URI = _database_url(
            database_url or f"sqlite:///{instance / 'test.db'}"
        )
        self.REDIS_URL = redis_url
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.JOBS_SYNC = True
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_KIB = 8
        self.ARGON2_PARALLELISM = 1
        self.SMTP_HOST = None
        self.DEMO_DATA = True  # read only by `flask demo seed --if-empty`

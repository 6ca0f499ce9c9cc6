"""Application factory: configuration, extensions, blueprints, error handlers and CLI, wired by
named steps. It never creates tables or migrates; `flask db upgrade` (the release process) does."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.attempts.views.fast_sync import FastSync
from app.blueprints import BLUEPRINTS
from app.chat.events import register_events as register_chat_events
from app.cli import register_cli
from app.config import Config
from app.core.application import Examhall
from app.core.auth import user_for_session
from app.core.database import register_database
from app.core.error_handlers import register_error_handlers
from app.core.jsonprovider import ExamhallJSONProvider
from app.core.security import register_security
from app.core.sessions import CookieSessions
from app.core.socketio_path import SocketIOOnItsPath
from app.core.transaction import register_transaction
from app.extensions import csrf, db, htmx, jwt, limiter, login_manager, migrate, oauth, socketio
from app.models import User
from app.system.metrics import register_metrics
from app.web.context import register_template_context

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Config | None = None) -> Flask:
    config = config or Config()
    app = Examhall(__name__, instance_path=str(config.INSTANCE_PATH))
    app.config.from_object(config)
    register_logging(app)
    register_fast_paths(app)
    register_proxy(app)
    register_metrics(app)
    register_extensions(app)
    register_database(app)
    register_security(app)
    register_transaction(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_context(app)
    register_cli(app)
    return app


def register_logging(app: Flask) -> None:
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def register_fast_paths(app: Flask) -> None:
    """Innermost, so ProxyFix and Socket.IO's path check still come first."""
    app.wsgi_app = FastSync(app, app.wsgi_app)  # type: ignore[method-assign]


def register_proxy(app: Flask) -> None:
    """Behind nginx, trust its X-Forwarded-For and -Proto so lockout and logs see the client's
    address and https. Never X-Forwarded-Host: the README's nginx does not set it, so a client
    could; links that leave the site are built from BASE_URL."""
    hops = int(app.config.get("PROXY_COUNT", 0) or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    app.json = ExamhallJSONProvider(app)
    app.session_interface = CookieSessions()
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "web_auth.login_page"
    login_manager.session_protection = "basic"
    jwt.init_app(app)
    limiter.init_app(app)
    # Every limit here is a per-route @limiter.limit, which checks itself. The global
    # before_request check exists only for default and app-wide limits, which Examhall does not
    # set, and it cost a fifth of a small request (bench/README.md).
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    csrf.init_app(app)
    htmx.init_app(app)
    oauth.init_app(app)
    socketio.init_app(
        app,
        message_queue=app.config.get("REDIS_URL"),
        async_mode="threading",
        channel=app.config.get("SOCKETIO_CHANNEL") or "flask-socketio",
    )
    app.wsgi_app = SocketIOOnItsPath(socketio.sockio_mw)  # type: ignore[method-assign]
    register_chat_events(socketio)

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        return user_for_session(session_id)


def register_blueprints(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)

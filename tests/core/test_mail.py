"""Outgoing mail over real SMTP (aiosmtpd on loopback), and the file fallback without SMTP_HOST."""

from __future__ import annotations

import email
import logging
import shutil
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

RESET_LINK = "/reset-password/"


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.logins: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == ("mailer", "mail-pass"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    """A plain (no TLS) SMTP server on loopback that accepts AUTH, and the app pointed at it."""
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    yield inbox
    controller.stop()


@pytest.fixture
def mail_dir(app):
    folder = app.config["MAIL_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def request_reset(client, address: str) -> None:
    res = client.post("/api/request-password-reset", json={"email": address})
    assert res.status_code == 200


def test_password_reset_is_delivered_over_smtp(app, client, make_user, smtp, mail_dir):
    make_user("mailme", email="mailme@example.com", full_name="Mail Me")
    request_reset(client, "mailme@example.com")
    [envelope] = smtp.envelopes
    assert envelope.mail_from == "no-reply@examhall.local"
    assert envelope.rcpt_tos == ["mailme@example.com"]
    msg = email.message_from_bytes(envelope.content, policy=policy.default)
    assert msg["To"] == "mailme@example.com"
    assert msg["From"] == app.config["MAIL_FROM"]
    assert msg["Subject"] == f"Reset your {app.config['INSTITUTE_NAME']} password"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    link = next(w for w in text.split() if RESET_LINK in w)
    assert link.startswith(app.config["BASE_URL"].rstrip("/") + RESET_LINK)
    assert f'href="{link}"' in html
    assert smtp.logins == []  # no SMTP_USERNAME, no AUTH
    assert not list(mail_dir.glob("*.eml"))  # sent, not written to disk


def test_smtp_login_when_credentials_are_configured(app, client, make_user, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_USERNAME", "mailer")
    monkeypatch.setitem(app.config, "SMTP_PASSWORD", "mail-pass")
    make_user("mailme", email="mailme@example.com")
    request_reset(client, "mailme@example.com")
    assert smtp.logins == [("mailer", "mail-pass")]
    assert len(smtp.envelopes) == 1


def test_unknown_address_sends_nothing(client, smtp):
    request_reset(client, "nobody@example.com")
    assert smtp.envelopes == []


def test_without_smtp_host_the_mail_is_written_to_mail_dir_and_logged(
    app, client, make_user, mail_dir, caplog
):
    assert app.config["SMTP_HOST"] is None
    make_user("filed", email="filed@example.com")
    with caplog.at_level(logging.INFO, logger="app.core.mail"):
        request_reset(client, "filed@example.com")
    [path] = mail_dir.glob("*.eml")
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert msg["To"] == "filed@example.com"
    assert RESET_LINK in msg.get_body(("plain",)).get_content()
    assert RESET_LINK in msg.get_body(("html",)).get_content()
    assert any(
        "filed@example.com" in r.getMessage() and str(path) in r.getMessage()
        for r in caplog.records
    )

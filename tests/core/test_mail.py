"""Outgoing mail over real SMTP (aiosmtpd on loopback), and the file fallback without SMTP_HOST.

The TLS tests use a throwaway self-signed certificate for localhost/127.0.0.1: STARTTLS against a
server that requires it, implicit TLS (SMTP_SSL), a server without STARTTLS (refused, nothing
sent) and certificates that do not verify (refused)."""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import logging
import shutil
import socket
import ssl
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.core import mail

RESET_LINK = "/reset-password/"


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes: list = []
        self.logins: list[tuple[str, str]] = []
        # per delivered message / per AUTH: the TLS version of the connection, None in plaintext
        self.data_tls: list[str | None] = []
        self.auth_tls: list[str | None] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        self.data_tls.append(tls_version(server))
        return "250 Message accepted for delivery"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        self.auth_tls.append(tls_version(server))
        return AuthResult(success=(login, password) == ("mailer", "mail-pass"))


def tls_version(server) -> str | None:
    """The TLS version of the server's side of the connection (after STARTTLS or implicit TLS)."""
    ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
    return ssl_object.version() if ssl_object is not None else None


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


def make_cert(folder: Path, name: str, ip: str | None) -> tuple[Path, Path]:
    """A self-signed certificate (its own CA) for `name` (and `ip`), with its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    sans: list[x509.GeneralName] = [x509.DNSName(name)]
    if ip:
        sans.append(x509.IPAddress(ipaddress.ip_address(ip)))
    now = dt.datetime.now(dt.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    folder = tmp_path_factory.mktemp("smtp-certs")
    return {
        "localhost": make_cert(folder, "localhost", "127.0.0.1"),
        "other": make_cert(folder, "mail.example.test", None),  # valid, for another host
    }


def server_context(cert: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*cert)
    return ctx


@pytest.fixture
def tls_smtp(app, monkeypatch, certs):
    """Start an SMTP server on loopback with the given TLS mode ("starttls", "implicit" or
    "none"), point the app at it by the name "localhost", and return its inbox. The server
    requires STARTTLS before MAIL/AUTH, and AUTH only over TLS; the app sends as "mailer"."""
    controllers: list[Controller] = []

    def start(mode: str, cert: str = "localhost") -> Inbox:
        inbox = Inbox()
        kwargs: dict = {"authenticator": inbox.authenticate, "auth_require_tls": True}
        if mode == "starttls":
            kwargs |= {"tls_context": server_context(certs[cert]), "require_starttls": True}
        elif mode == "implicit":
            # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; this connection is TLS
            # from the first byte (the handler records the TLS version at AUTH to prove it)
            kwargs |= {"ssl_context": server_context(certs[cert]), "auth_require_tls": False}
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **kwargs)
        controller.start()
        controllers.append(controller)
        monkeypatch.setitem(app.config, "SMTP_HOST", "localhost")
        monkeypatch.setitem(app.config, "SMTP_PORT", controller.port)
        monkeypatch.setitem(app.config, "SMTP_STARTTLS", True)
        monkeypatch.setitem(app.config, "SMTP_SSL", mode == "implicit")
        monkeypatch.setitem(app.config, "SMTP_CA_FILE", str(certs["localhost"][0]))
        monkeypatch.setitem(app.config, "SMTP_USERNAME", "mailer")
        monkeypatch.setitem(app.config, "SMTP_PASSWORD", "mail-pass")
        return inbox

    yield start
    for controller in controllers:
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


def test_starttls_is_negotiated_before_auth_and_data(app, client, make_user, tls_smtp, mail_dir):
    inbox = tls_smtp("starttls")
    make_user("secure", email="secure@example.com")
    request_reset(client, "secure@example.com")
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["secure@example.com"]
    assert (
        RESET_LINK
        in email.message_from_bytes(envelope.content, policy=policy.default)
        .get_body(("plain",))
        .get_content()
    )
    # the server requires STARTTLS before MAIL and offers AUTH only over TLS; both happened on TLS
    assert inbox.logins == [("mailer", "mail-pass")]
    assert inbox.auth_tls[0] and inbox.auth_tls[0].startswith("TLSv1.")
    assert inbox.data_tls[0] and inbox.data_tls[0].startswith("TLSv1.")
    assert not list(mail_dir.glob("*.eml"))


def test_starttls_without_credentials_still_encrypts(app, tls_smtp, monkeypatch):
    inbox = tls_smtp("starttls")
    monkeypatch.setitem(app.config, "SMTP_USERNAME", None)
    with app.app_context():
        mail.send("plain@example.com", "Hello", "over TLS")
    assert inbox.logins == []
    assert len(inbox.envelopes) == 1
    assert inbox.data_tls[0] is not None


def test_implicit_tls_with_smtp_ssl(app, tls_smtp):
    inbox = tls_smtp("implicit")
    with app.app_context():
        mail.send("implicit@example.com", "Hello", "over implicit TLS")
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["implicit@example.com"]
    assert inbox.logins == [("mailer", "mail-pass")]
    assert inbox.auth_tls[0] is not None
    assert inbox.data_tls[0] is not None


def test_server_without_starttls_gets_nothing(app, tls_smtp):
    inbox = tls_smtp("none")
    with app.app_context(), pytest.raises(mail.MailError, match="does not offer STARTTLS"):
        mail.send("leak@example.com", "Secret", "must not go in plaintext")
    assert inbox.envelopes == []
    assert inbox.logins == []  # the password never went over the wire either


def test_reset_request_still_answers_200_when_the_mail_cannot_be_sent(
    app, client, make_user, tls_smtp, mail_dir, caplog
):
    """The job fails (logged with its traceback), the documented 200 stands, and no plaintext
    fall-back or file copy happens."""
    inbox = tls_smtp("none")
    make_user("unlucky", email="unlucky@example.com")
    with caplog.at_level(logging.ERROR, logger="app.core.jobs"):
        res = client.post("/api/request-password-reset", json={"email": "unlucky@example.com"})
    assert res.status_code == 200
    assert res.get_json()["success"] is True
    assert inbox.envelopes == []
    assert not list(mail_dir.glob("*.eml"))
    failed = [r for r in caplog.records if "send_password_reset_email failed" in r.getMessage()]
    assert failed
    assert failed[0].exc_info[0] is mail.MailError


def test_untrusted_certificate_is_refused(app, tls_smtp, monkeypatch):
    """Without SMTP_CA_FILE the system trust store does not know the self-signed certificate."""
    inbox = tls_smtp("starttls")
    monkeypatch.setitem(app.config, "SMTP_CA_FILE", None)
    with app.app_context(), pytest.raises(ssl.SSLCertVerificationError):
        mail.send("nobody@example.com", "Hello", "not to an unverified server")
    assert inbox.envelopes == []
    assert inbox.logins == []


def test_untrusted_certificate_is_refused_with_implicit_tls(app, tls_smtp, monkeypatch):
    inbox = tls_smtp("implicit")
    monkeypatch.setitem(app.config, "SMTP_CA_FILE", None)
    with app.app_context(), pytest.raises(ssl.SSLCertVerificationError):
        mail.send("nobody@example.com", "Hello", "not to an unverified server")
    assert inbox.envelopes == []


def test_certificate_for_another_host_is_refused(app, tls_smtp, monkeypatch, certs):
    """A trusted certificate that names another host fails the host name check."""
    inbox = tls_smtp("starttls", cert="other")
    monkeypatch.setitem(app.config, "SMTP_CA_FILE", str(certs["other"][0]))
    with app.app_context(), pytest.raises(ssl.SSLCertVerificationError, match="match"):
        mail.send("nobody@example.com", "Hello", "not to the wrong host")
    assert inbox.envelopes == []


def test_plaintext_only_when_starttls_is_explicitly_off(app, tls_smtp, monkeypatch):
    """SMTP_STARTTLS=0 is the explicit opt-out (a relay on loopback); then no TLS is attempted."""
    inbox = tls_smtp("none")
    monkeypatch.setitem(app.config, "SMTP_STARTTLS", False)
    monkeypatch.setitem(app.config, "SMTP_USERNAME", None)
    with app.app_context():
        mail.send("local@example.com", "Hello", "plain relay")
    assert inbox.data_tls == [None]

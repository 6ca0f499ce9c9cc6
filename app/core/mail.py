"""Outgoing mail. With SMTP_HOST set it goes over SMTP; without it (the embedded default) each
message is written to instance/mail/ as an .eml file and logged, so nothing is silently dropped.

Over SMTP the connection is always encrypted unless SMTP_STARTTLS is explicitly turned off:
SMTP_SSL for implicit TLS (port 465), otherwise STARTTLS, which is required - a server that does
not offer it gets nothing, never a plaintext fall-back. The server's certificate and host name
are always verified, against SMTP_CA_FILE when set (a private CA) or the system trust store."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from app.models import utcnow

log = logging.getLogger(__name__)


class MailError(RuntimeError):
    """The mail could not be sent safely; nothing was transmitted."""


def build(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="examhall.local")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    return msg


def send(to: str, subject: str, text: str, html: str | None = None) -> None:
    cfg = current_app.config
    msg = build(to, subject, text, html)
    if not cfg.get("SMTP_HOST"):
        folder = cfg["MAIL_DIR"]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{utcnow():%Y%m%dT%H%M%S%f}-{to.replace('@', '_at_')}.eml"
        path.write_bytes(bytes(msg))
        log.info("mail to %s (%s) written to %s", to, subject, path)
        return
    with _connect(cfg) as smtp:
        if cfg.get("SMTP_USERNAME"):
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
        smtp.send_message(msg)
    log.info("mail to %s (%s) sent via %s", to, subject, cfg["SMTP_HOST"])


def _tls_context(cfg) -> ssl.SSLContext:
    """Certificate and host name verified; SMTP_CA_FILE replaces the system trust store."""
    return ssl.create_default_context(cafile=cfg.get("SMTP_CA_FILE") or None)


def _connect(cfg) -> smtplib.SMTP:
    """An SMTP connection that is encrypted before any credentials or message go over it
    (unless SMTP_STARTTLS is off and SMTP_SSL is not set)."""
    host, port, timeout = cfg["SMTP_HOST"], cfg["SMTP_PORT"], cfg["SMTP_TIMEOUT"]
    if cfg.get("SMTP_SSL"):
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context(cfg))
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        smtp.ehlo()
        if cfg.get("SMTP_STARTTLS"):
            if not smtp.has_extn("starttls"):
                raise MailError(
                    f"SMTP server {host}:{port} does not offer STARTTLS; refusing to send in "
                    "plaintext (use SMTP_SSL=1 for implicit TLS, or fix the relay)"
                )
            smtp.starttls(context=_tls_context(cfg))
            smtp.ehlo()
    except BaseException:
        smtp.close()
        raise
    return smtp

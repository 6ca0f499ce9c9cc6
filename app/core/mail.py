"""Outgoing mail. With SMTP_HOST set it goes over SMTP; without it (the embedded default) each
message is written to instance/mail/ as an .eml file and logged, so nothing is silently dropped."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from app.models import utcnow

log = logging.getLogger(__name__)


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
    with smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=cfg["SMTP_TIMEOUT"]) as smtp:
        if cfg.get("SMTP_STARTTLS") and smtp.has_extn("starttls"):
            smtp.starttls()
        if cfg.get("SMTP_USERNAME"):
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"] or "")
        smtp.send_message(msg)
    log.info("mail to %s (%s) sent via %s", to, subject, cfg["SMTP_HOST"])

"""Mail jobs for accounts. They take ids and build everything else themselves."""

from __future__ import annotations

from flask import current_app, render_template

from app.auth.reset_tokens import reset_token
from app.core import mail
from app.core.jobs import job
from app.extensions import db
from app.models import User


@job
def send_password_reset_email(user_id: int) -> None:
    user = db.session.get(User, user_id)
    if user is None:  # deleted between the request and the job
        return
    link = f"{current_app.config['BASE_URL'].rstrip('/')}/reset-password/{reset_token(user)}"
    context = {"user": user, "link": link, "institute": current_app.config["INSTITUTE_NAME"]}
    mail.send(
        user.email,
        f"Reset your {context['institute']} password",
        render_template("email/password_reset.txt", **context),
        render_template("email/password_reset.html", **context),
    )

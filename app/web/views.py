"""The start page and each role's dashboard."""

from __future__ import annotations

from flask import Response, redirect, render_template, url_for
from sqlalchemy import func, select

from app.core import roles as R
from app.core.auth import auth_required, current_actor
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import db
from app.models import AccessRequest, Exam, User

bp = surface_blueprint("web", __name__, Surface.WEB)


@bp.get("/")
def home() -> Response:
    if current_actor() is not None:
        return redirect(url_for("web.dashboard"))
    return Response(render_template("web/home.html"))


@bp.get("/dashboard")
@auth_required()
def dashboard(actor: User) -> Response:
    context: dict = {"is_staff": R.is_staff(actor.roles), "is_admin": actor.has_role(R.ADMIN)}
    if context["is_staff"]:
        owned = (
            select(Exam).where(Exam.owner_id == actor.id)
            if not context["is_admin"]
            else select(Exam)
        )
        context["exams"] = list(
            db.session.scalars(owned.order_by(Exam.created_at.desc()).limit(10))
        )
    if actor.has_role(R.STUDENT):
        context["open_exams"] = list(
            db.session.scalars(
                select(Exam).where(Exam.status == "published").order_by(Exam.starts_at).limit(10)
            )
        )
    if context["is_admin"]:
        context["pending_requests"] = db.session.scalar(
            select(func.count()).select_from(AccessRequest).where(AccessRequest.status == "pending")
        )
        context["user_count"] = db.session.scalar(select(func.count()).select_from(User))
    return Response(render_template("web/dashboard.html", **context))

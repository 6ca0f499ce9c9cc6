"""Subject pages: a student's subjects (enrolled and available), a professor's students and a
subject's analytics, and the subject management pages (admins; a subject's professor edits its
guide and practice bank)."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, request, url_for
from sqlalchemy import select

from app.core import roles as R
from app.core.actions import perform
from app.core.auth import auth_required
from app.core.errors import Forbidden, Invalid
from app.core.respond import respond
from app.core.surfaces import Surface, surface_blueprint
from app.extensions import db
from app.models import Subject, User
from app.subjects import markdown
from app.subjects import services as subjects

bp = surface_blueprint("subject_pages", __name__, Surface.WEB)
MINE = "subjects/mine.html"


def _mine_context(actor: User, message: str | None = None, error: str | None = None) -> dict:
    enrolled = subjects.enrolled(actor)
    taken = {s.id for s in enrolled}
    everything = list(db.session.scalars(subjects.listing()))
    counts = subjects.student_counts([s.id for s in everything])
    return {
        "enrolled": enrolled,
        "available": [s for s in everything if s.id not in taken],
        "counts": counts,
        "can_enroll": actor.has_role(R.STUDENT),
        "message": message,
        "error": error,
    }


@bp.get("/learn/subjects")
@auth_required()
def my_subjects(actor: User) -> Response:
    return respond(template=MINE, block="panel", **_mine_context(actor))


@bp.post("/learn/subjects/<code>/enroll")
@auth_required()
def enroll(actor: User, code: str) -> Response:
    def act() -> dict[str, Any]:
        subject = subjects.get(code)
        subjects.enroll(actor, subject)
        return {"message": f"Successfully enrolled in {subject.code}"}

    return perform(
        act,
        template=MINE,
        block="panel",
        context=lambda **kw: _mine_context(actor, kw.get("message"), kw.get("error")),
        page_endpoint="subject_pages.my_subjects",
        state={},
    )


# Professors ---------------------------------------------------------------------------------


@bp.get("/teach/students")
@auth_required(*R.STAFF_ROLES)
def students_page(actor: User) -> Response:
    code = request.args.get("subject") or None
    mine = (
        list(db.session.scalars(subjects.listing()))
        if actor.has_role(R.ADMIN)
        else subjects.taught(actor)
    )
    rows = subjects.professor_students(actor, code, 0, 100)
    return respond(
        template="subjects/students.html",
        block="students",
        subjects=mine,
        counts=subjects.student_counts([s.id for s in mine]),
        rows=rows,
        selected=code or "",
    )


@bp.get("/teach/subjects/<code>/analytics")
@auth_required()
def analytics_page(actor: User, code: str) -> Response:
    stats = subjects.analytics(actor, subjects.get(code))
    return respond(template="subjects/analytics.html", stats=stats)


# Management ---------------------------------------------------------------------------------


def _form_errors(err: Invalid) -> dict[str, str]:
    errors = {}
    for f in err.fields:
        name = str(f["loc"][-1]) if f.get("loc") else "form"
        errors[name] = f.get("msg", "invalid")
    return errors or {"form": err.message}


def _professors() -> list[User]:
    users = db.session.scalars(select(User).order_by(User.username))
    return [u for u in users if R.is_staff(u.roles)]


@bp.get("/manage/subjects")
@auth_required(R.ADMIN)
def manage_page(actor: User) -> Response:
    return _manage()


def _manage(form: dict | None = None, errors: dict | None = None) -> Response:
    everything = list(db.session.scalars(subjects.listing()))
    return respond(
        template="subjects/manage.html",
        subjects=everything,
        counts=subjects.student_counts([s.id for s in everything]),
        professors=_professors(),
        form=form or {},
        errors=errors or {},
        status=400 if errors else 200,
    )


def _field(name: str, limit: int) -> str:
    return (request.form.get(name) or "").strip()[:limit]


@bp.post("/manage/subjects")
@auth_required(R.ADMIN)
def create(actor: User) -> Response:
    form = {
        "subject_id": _field("subject_id", 40),
        "name": _field("name", 200),
        "description": _field("description", 5000),
        "professor_id": _field("professor_id", 80),
    }
    errors = {}
    if not form["subject_id"]:
        errors["subject_id"] = "Give the subject an id, such as INF001."
    if not form["name"]:
        errors["name"] = "Give the subject a name."
    if not errors:
        try:
            subject = subjects.create(
                actor,
                code=form["subject_id"],
                name=form["name"],
                description=form["description"],
                professor=form["professor_id"] or None,
            )
        except Invalid as err:
            db.session.rollback()
            errors = _form_errors(err)
        else:
            flash(f"Subject {subject.code} created. Write its teaching guide below.", "success")
            return redirect(url_for("subject_pages.edit_page", code=subject.code), 303)
    return _manage(form, errors)


def _manageable(actor: User, code: str) -> Subject:
    subject = subjects.get(code)
    if not subjects.can_manage(actor, subject):
        raise Forbidden("Not this subject's professor")
    return subject


@bp.get("/manage/subjects/<code>")
@auth_required(*R.STAFF_ROLES)
def edit_page(actor: User, code: str) -> Response:
    return _edit(actor, _manageable(actor, code))


def _edit(actor: User, subject: Subject, errors: dict | None = None) -> Response:
    return respond(
        template="subjects/edit.html",
        subject=subject,
        professors=_professors() if actor.has_role(R.ADMIN) else [],
        is_admin=actor.has_role(R.ADMIN),
        exams=subjects.bank_choices(actor),
        bank_ids={e.id for e in subject.bank_exams},
        bank_size=len(subjects.bank_questions(subject)),
        guide_html=markdown.render(subject.guide),
        errors=errors or {},
        status=400 if errors else 200,
    )


@bp.post("/manage/subjects/<code>")
@auth_required(*R.STAFF_ROLES)
def update(actor: User, code: str) -> Response:
    subject = _manageable(actor, code)
    name = _field("name", 200)
    if not name:
        return _edit(actor, subject, errors={"name": "A subject needs a name."})
    try:
        bank = {int(i) for i in request.form.getlist("bank_exam_ids")}
    except ValueError:
        abort(400)
    subjects.update(
        actor,
        subject,
        name=name,
        description=_field("description", 5000),
        guide=(request.form.get("guide") or "")[:50_000],
        professor=(request.form.get("professor_id") or None)
        if actor.has_role(R.ADMIN)
        else subjects.UNSET,
        bank_exam_ids=sorted(bank),
    )
    flash("Subject saved.", "success")
    return redirect(url_for("subject_pages.edit_page", code=subject.code), 303)


@bp.post("/manage/subjects/preview")
@auth_required(*R.STAFF_ROLES)
def preview(actor: User) -> Response:
    """The guide as students' tutor pages would show it (Markdown, sanitised)."""
    html = markdown.render((request.form.get("guide") or "")[:50_000])
    return Response(html or '<p class="muted">Nothing to preview yet.</p>')


@bp.get("/manage/subjects/<code>/delete")
@auth_required(R.ADMIN)
def delete_page(actor: User, code: str) -> Response:
    subject = subjects.get(code)
    count = subjects.student_counts([subject.id]).get(subject.id, 0)
    return respond(template="subjects/delete.html", subject=subject, student_count=count)


@bp.post("/manage/subjects/<code>/delete")
@auth_required(R.ADMIN)
def delete(actor: User, code: str) -> Response:
    subject = subjects.get(code)
    subjects.delete(actor, subject)
    flash(f"Subject {code} deleted.", "success")
    return redirect(url_for("subject_pages.manage_page"), 303)

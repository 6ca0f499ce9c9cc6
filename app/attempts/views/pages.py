"""The student's pages: an exam's own page (instructions, attempts left, start or resume, past
results) and the exam player. The player is rendered whole by the server (every question of the
paper, without keys) so it keeps working when the connection drops; static/js/player.js runs it.
"""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, url_for

from app.attempts import catalogue, paper, rules, services
from app.core.auth import auth_required
from app.core.jsonprovider import iso
from app.core.surfaces import Surface, surface_blueprint
from app.exams.schedule import zone_label
from app.models import User, utcnow
from app.results.services import is_visible, own_results, visible_at

bp = surface_blueprint("exam_player", __name__, Surface.WEB)


@bp.get("/exams/<int:exam_id>")
@auth_required()
def exam_page(actor: User, exam_id: int) -> Response:
    now = utcnow()
    exam = services.takeable_exam(actor, exam_id)
    services.open_attempt(exam.id, actor.id, now)  # submits one whose time ran out
    card = catalogue.card_for(actor, exam, now)
    results = [
        (r, is_visible(r, exam, now), visible_at(r, exam)) for r in own_results(exam.id, actor.id)
    ]
    return Response(
        render_template(
            "attempts/exam.html",
            exam=exam,
            card=card,
            results=results,
            window=rules.window(exam, now),
            zone=zone_label(exam.starts_at),
            question_count=paper.question_count(exam),
        )
    )


@bp.get("/exam/<int:exam_id>")
@auth_required()
def player(actor: User, exam_id: int) -> Response:
    now = utcnow()
    exam = services.takeable_exam(actor, exam_id)
    attempt = services.open_attempt(exam.id, actor.id, now)
    if attempt is None:
        flash("You have no attempt in progress for this exam.", "info")
        return redirect(url_for("exam_player.exam_page", exam_id=exam.id), 303)
    sheet, _cached = paper.paper_for(exam)
    shown = paper.shown_questions(attempt, sheet)
    sections: list[tuple[str, str, list[int]]] = []
    for item in shown:
        if not sections or sections[-1][0] != item.section_key:
            sections.append((item.section_key, item.section_name, []))
        sections[-1][2].append(item.number)
    state = {
        "examId": exam.id,
        "attemptId": attempt.id,
        "seq": attempt.seq,
        "answers": attempt.answers or {},
        "marked": attempt.marked or [],
        "deadline": iso(attempt.deadline_at) + "Z",
        "serverNow": now.isoformat(timespec="milliseconds") + "Z",
        "syncUrl": url_for("sae_attempts.sync_answers", exam_id=exam.id),
        "submitUrl": url_for("sae_attempts.submit_exam", exam_id=exam.id),
        "examUrl": url_for("exam_player.exam_page", exam_id=exam.id),
        "statusUrl": url_for("sae_attempts.attempts_status", exam_id=exam.id),
        "warnings": [300, 60],
        "autosaveSeconds": 30,
    }
    return Response(
        render_template(
            "attempts/player.html",
            exam=exam,
            attempt=attempt,
            questions=shown,
            sections=sections if len(sections) > 1 else [],
            state=state,
            seconds_left=rules.seconds_left(attempt, now),
        )
    )

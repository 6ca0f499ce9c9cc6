"""The question editor takes an uploaded picture; deleting an exam removes only files no other
exam's question still shows."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import Exam, Question
from app.questions import services


def png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, format="PNG")
    return buf.getvalue()


def new_exam(app, owner_id: int, name: str) -> int:
    with app.app_context():
        exam = Exam(name=name, duration_minutes=30, owner_id=owner_id)
        db.session.add(exam)
        db.session.commit()
        return exam.id


def test_uploaded_picture_becomes_the_question_image(app, client, make_user, web_login):
    teacher = make_user("uploader", roles=("teacher",))
    csrf = web_login(client, teacher)
    exam_id = new_exam(app, teacher.id, "Optics")
    res = client.post(
        f"/admin/exams/{exam_id}/questions/new",
        data={
            "csrf_token": csrf,
            "question_type": "MCQ",
            "question_text": "Which lens converges light?",
            "option_a": "Convex",
            "option_b": "Concave",
            "correct": "A",
            "difficulty": "2",
            "image_file": (io.BytesIO(png_bytes()), "lens.txt"),  # the name does not matter
        },
        content_type="multipart/form-data",
    )
    assert res.status_code in (200, 302, 303), res.get_data(as_text=True)[:500]
    with app.app_context():
        url = db.session.scalar(select(Question.image_url))
    assert url.startswith("/uploads/questions/") and url.endswith(".png")
    with client.get(url) as image:
        assert image.status_code == 200 and image.mimetype == "image/png"


def test_a_text_file_is_refused_and_nothing_is_saved(app, client, make_user, web_login):
    teacher = make_user("uploader2", roles=("teacher",))
    csrf = web_login(client, teacher)
    exam_id = new_exam(app, teacher.id, "Waves")
    res = client.post(
        f"/admin/exams/{exam_id}/questions/new",
        data={
            "csrf_token": csrf,
            "question_type": "MCQ",
            "question_text": "Q",
            "option_a": "x",
            "option_b": "y",
            "correct": "A",
            "difficulty": "2",
            "image_file": (io.BytesIO(b"not an image at all"), "fake.png"),
        },
        content_type="multipart/form-data",
    )
    assert res.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Question)) is None


def test_deleting_an_exam_keeps_a_picture_another_exam_uses(app, client, make_user, bearer):
    teacher = make_user("sharer", roles=("teacher",))
    first, second = new_exam(app, teacher.id, "First"), new_exam(app, teacher.id, "Second")
    with app.test_request_context():
        from app.core import storage

        actor = db.session.get(type(teacher), teacher.id)
        url = storage.save_image(png_bytes(), "questions", "image_url").url
        base = {
            "question_type": "MCQ",
            "question_text": "Q",
            "option_a": "x",
            "option_b": "y",
            "correct_answer": "A",
            "image_path": url,
        }
        services.add_question(actor, first, dict(base))
        services.add_question(actor, second, dict(base))
        db.session.commit()
    res = client.post(f"/admin/exams/delete/{first}", json={}, headers=bearer(teacher))
    assert res.status_code == 200
    with client.get(url) as still:
        assert still.status_code == 200  # still shown by the second exam's question
    res = client.post(f"/admin/exams/delete/{second}", json={}, headers=bearer(teacher))
    assert res.status_code == 200
    with client.get(url) as gone:
        assert gone.status_code == 404  # the last user is gone, and so is the file


def test_deleting_questions_removes_a_picture_once_nothing_shows_it(app, client, make_user, bearer):
    teacher = make_user("tidy", roles=("teacher",))
    exam_id = new_exam(app, teacher.id, "Tidy")
    with app.test_request_context():
        from app.core import storage

        actor = db.session.get(type(teacher), teacher.id)
        url = storage.save_image(png_bytes(), "questions", "image_url").url
        base = {
            "question_type": "MCQ",
            "question_text": "Q",
            "option_a": "x",
            "option_b": "y",
            "correct_answer": "A",
            "image_path": url,
        }
        original = services.add_question(actor, exam_id, dict(base))
        copy = services.duplicate_question(actor, original.id)  # shares the picture
        ids = (original.id, copy.id)
        db.session.commit()
    headers = bearer(teacher)
    assert client.post(f"/admin/questions/delete/{ids[0]}", headers=headers).status_code == 200
    with client.get(url) as shown:
        assert shown.status_code == 200  # the copy still shows it
    assert client.post(f"/admin/questions/delete/{ids[1]}", headers=headers).status_code == 200
    with client.get(url) as gone:
        assert gone.status_code == 404

"""The demo data includes a subject with a guide and a practice bank, so `make run` shows the
tutor at once."""

from __future__ import annotations

from app import demo
from app.extensions import db
from app.models import User
from app.subjects import services as subjects


def test_demo_seed_has_a_subject_with_a_bank(app):
    with app.app_context():
        demo.seed()
        subject = subjects.get("PHY101")
        assert subject.professor.username == "teacher"
        assert "Teaching guide" in subject.guide
        assert len(subjects.bank_questions(subject)) == 3
        assert [s.code for s in subjects.enrolled(subject.professor)] == []
        student = db.session.scalar(db.select(User).where(User.username == "student1"))
        assert subjects.codes_for(student) == ["PHY101"]
        db.session.rollback()

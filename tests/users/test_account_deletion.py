"""Deleting an account removes the user's data children-first and leaves shared things intact."""

from __future__ import annotations

from sqlalchemy import func, select

from app.core.signals import account_deleting
from app.extensions import db
from app.models import AccessRequest, Category, Exam, RefreshToken, User, UserRole, exam_co_owners
from app.users import services as users
from tests.conftest import PASSWORD


def test_delete_account_removes_everything_of_the_user(app, client, make_user):
    teacher = make_user("teach", roles=("teacher",))
    other = make_user("other", roles=("teacher",))
    client.post(
        "/api/auth/login", json={"username": "teach", "password": PASSWORD}
    )  # a refresh token
    with app.app_context():
        me = db.session.get(User, teacher.id)
        cat = Category(name="Maths")
        exam = Exam(
            name="Algebra", category=cat, owner=me, co_owners=[db.session.get(User, other.id)]
        )
        shared = Exam(
            name="Geometry", category=cat, owner=db.session.get(User, other.id), co_owners=[me]
        )
        db.session.add_all(
            [
                exam,
                shared,
                AccessRequest(user_id=me.id, current_access="admin", requested_access="user,admin"),
            ]
        )
        db.session.commit()
        seen = []
        receiver = seen.append
        account_deleting.connect(receiver)
        try:
            users.delete_account(db.session.get(User, teacher.id))
            db.session.commit()
        finally:
            account_deleting.disconnect(receiver)
        assert [u.id for u in seen] == [teacher.id]  # the hook for chat/discussion ran first
        assert db.session.get(User, teacher.id) is None
        for model, column in (
            (RefreshToken, RefreshToken.user_id),
            (AccessRequest, AccessRequest.user_id),
            (UserRole, UserRole.user_id),
        ):
            assert (
                db.session.scalar(
                    select(func.count()).select_from(model).where(column == teacher.id)
                )
                == 0
            )
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(exam_co_owners)
                .where(exam_co_owners.c.user_id == teacher.id)
            )
            == 0
        )
        # Exams stay for the institute; the other teacher keeps theirs.
        algebra = db.session.scalar(select(Exam).where(Exam.name == "Algebra"))
        assert algebra is not None and algebra.owner_id is None
        assert db.session.scalar(select(Exam).where(Exam.name == "Geometry")).owner_id == other.id
        assert db.session.get(User, other.id) is not None


def test_last_admin_cannot_delete_their_account(client, make_user, bearer):
    admin = make_user("boss", roles=("admin",))
    res = client.post("/api/delete-account", json={"confirm": "DELETE"}, headers=bearer(admin))
    assert res.status_code == 400
    assert "last admin" in res.get_json()["message"]

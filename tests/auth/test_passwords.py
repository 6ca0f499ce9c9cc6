"""Passwords are argon2id hashes with the configured cost; older hashes are upgraded at sign-in."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import update

from app.auth.passwords import hash_password, verify_password
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD


def test_hash_is_argon2id_with_configured_cost(app):
    with app.app_context():
        digest = hash_password("s3cret-pass")
        cfg = app.config
        assert digest.startswith("$argon2id$")
        assert (
            f"m={cfg['ARGON2_MEMORY_KIB']},t={cfg['ARGON2_TIME_COST']},p={cfg['ARGON2_PARALLELISM']}"
            in digest
        )
        assert verify_password(digest, "s3cret-pass")
        assert not verify_password(digest, "wrong")
        assert not verify_password(None, "anything")
        assert not verify_password("not-a-hash", "anything")


def test_old_parameters_are_upgraded_at_sign_in(app, client, make_user):
    user = make_user("legacy")
    old = PasswordHasher(time_cost=3, memory_cost=1024, parallelism=2).hash(PASSWORD)
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(password_hash=old))
        db.session.commit()
    res = client.post("/api/auth/login", json={"username": "legacy", "password": PASSWORD})
    assert res.status_code == 200
    with app.app_context():
        new = db.session.get(User, user.id).password_hash
        assert new != old and f"t={app.config['ARGON2_TIME_COST']}" in new
        assert verify_password(new, PASSWORD)

"""Two admins demoting each other at the same moment must leave one admin (PostgreSQL locks
the admin rows; SQLite, the single-user development database, has no row locks)."""

from __future__ import annotations

import contextlib
import json
import threading
import urllib.error
import urllib.request

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import UserRole
from tests.conftest import SERVICES


@pytest.mark.skipif(not SERVICES, reason="row locks need PostgreSQL (TEST_TARGET=services)")
def test_concurrent_mutual_demotion_keeps_an_admin(app, live_server, make_user, bearer):
    for round_ in range(5):
        a = make_user(f"admin_a{round_}", roles=("admin",))
        b = make_user(f"admin_b{round_}", roles=("admin",))
        with app.app_context():  # only these two are admins this round
            others = db.session.scalars(
                select(UserRole).where(
                    UserRole.role == "admin", UserRole.user_id.not_in([a.id, b.id])
                )
            ).all()
            for row in others:
                db.session.delete(row)
            db.session.commit()
        start = threading.Barrier(2)

        def demote(actor, target, start=start) -> None:
            body = json.dumps({"user_id": target.id, "new_role": "user"}).encode()
            req = urllib.request.Request(
                f"{live_server}/admin/users/update-role",
                data=body,
                headers={"Content-Type": "application/json", **bearer(actor)},
            )
            start.wait()
            with contextlib.suppress(urllib.error.HTTPError):  # the loser's 400 is expected
                urllib.request.urlopen(req, timeout=30).read()

        threads = [threading.Thread(target=demote, args=p) for p in ((a, b), (b, a))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        with app.app_context():
            admins = db.session.scalar(
                select(func.count()).select_from(UserRole).where(UserRole.role == "admin")
            )
        assert admins >= 1, f"round {round_}: no admin left"

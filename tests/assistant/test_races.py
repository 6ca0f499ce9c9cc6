"""Messages sent at the same moment over real HTTP (threads released together): the daily limit
holds whatever the interleaving, because one guarded upsert counts each message."""

from __future__ import annotations

import requests
from flask import Flask

from app.assistant import services
from app.extensions import db
from app.models import AssistantMessage, AssistantUsage
from tests.attempts.test_races import at_once
from tests.fakes.groq_server import FakeGroq


def test_concurrent_messages_never_pass_the_limit(
    app: Flask, live_server, make_user, bearer, fake_groq: FakeGroq
) -> None:
    student = make_user("asha")
    headers = bearer(student)
    with app.app_context():
        day = services.institute_day()
        db.session.add(AssistantUsage(user_id=student.id, day=day, used=47))
        db.session.commit()
    url = f"{live_server}/api/study-chat"

    responses = at_once(
        [
            lambda: requests.post(
                url, json={"message": "Quick question"}, headers=headers, timeout=30
            )
            for _ in range(6)
        ]
    )

    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 200, 429, 429, 429], [r.text for r in responses]
    assert sorted(r.json().get("questions_remaining", -1) for r in responses) == [
        -1,
        -1,
        -1,
        0,
        1,
        2,
    ]
    assert len(fake_groq.requests) == 3
    with app.app_context():
        assert services.used_on(student.id, day) == 50
        assert db.session.query(AssistantMessage).count() == 6

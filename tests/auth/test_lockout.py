"""The lockout holds per account and under concurrent guessing."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from app.auth.lockout import client_key
from app.extensions import db
from app.models import LoginFailure
from tests.conftest import PASSWORD


def login(client, username, password):
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_username_and_email_of_one_account_share_the_count(client, make_user):
    make_user("alice", email="alice@example.com")
    assert login(client, "alice", "wrong").status_code == 401
    second = login(client, "ALICE@example.com", "wrong")
    assert second.get_json()["message"] == "Invalid credentials. 1 attempt remaining."
    assert login(client, "alice@example.com", "wrong").status_code == 429
    assert login(client, "alice", PASSWORD).status_code == 429  # locked whichever name is used


def test_unknown_identifiers_are_counted_as_typed(client):
    for expected in (401, 401, 429, 429):
        assert login(client, "Nobody", "x").status_code == expected
    assert login(client, "somebody-else", "x").status_code == 401


def test_ipv6_clients_are_counted_per_64():
    assert (
        client_key("2001:db8:1:2:aaaa::1")
        == client_key("2001:db8:1:2:bbbb::9")
        == "2001:db8:1:2::/64"
    )
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:10.0.0.7") == "10.0.0.7"
    assert client_key("203.0.113.5") == "203.0.113.5"


def test_concurrent_guesses_get_three_checks_at_most(app, live_server, make_user):
    """Forty guesses at once, the right password among them: at most three are checked, so the
    right one is refused unless it happened to be among the first three."""
    make_user("target", password="the-real-password")

    def attempt(i: int) -> int:
        password = "the-real-password" if i == 39 else f"guess-{i}"
        body = json.dumps({"username": "target", "password": password}).encode()
        req = urllib.request.Request(
            f"{live_server}/api/auth/login", data=body, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as res:
                return res.status
        except urllib.error.HTTPError as err:
            return err.code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(attempt, range(40)))
    checked = [s for s in statuses if s in (200, 401)]
    assert len(checked) <= 3, statuses
    assert statuses.count(429) >= 37
    assert all(s in (200, 401, 429) for s in statuses)
    with app.app_context():
        row = db.session.scalar(select(LoginFailure))
        assert row is None or row.locked_until is not None

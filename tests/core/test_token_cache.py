"""A verified access token is remembered, so its expiry must still be checked on every use."""

from __future__ import annotations

import time

import pytest

from app.core import auth


def test_a_remembered_token_stops_working_when_it_expires(
    app, client, make_user, bearer, monkeypatch
):
    headers = bearer(make_user("ada"))
    assert client.get("/api/auth/me", headers=headers).status_code == 200  # verified, remembered
    later = time.time() + 365 * 24 * 3600
    monkeypatch.setattr(auth, "epoch_now", lambda: later)
    res = client.get("/api/auth/me", headers=headers)
    assert res.status_code == 401


def test_a_token_signed_with_another_secret_is_refused_even_if_seen_before(
    app, client, make_user, bearer
):
    headers = bearer(make_user("ada"))
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    secret = app.config["JWT_SECRET_KEY"]
    app.config["JWT_SECRET_KEY"] = "another-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
    try:
        assert client.get("/api/auth/me", headers=headers).status_code == 401
    finally:
        app.config["JWT_SECRET_KEY"] = secret


@pytest.fixture(autouse=True)
def _forget_tokens():
    auth._verified_claims.cache_clear()

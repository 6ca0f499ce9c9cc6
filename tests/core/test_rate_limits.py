"""Per-route limits (Flask-Limiter) answer 429 in the surface's envelope once exceeded."""

from __future__ import annotations


def test_password_reset_requests_are_limited_per_ip(client):
    for _ in range(30):
        res = client.post("/api/request-password-reset", json={"email": "someone@example.com"})
        assert res.status_code == 200
    res = client.post("/api/request-password-reset", json={"email": "someone@example.com"})
    assert res.status_code == 429
    body = res.get_json()
    assert body["success"] is False and "30 per 1 hour" in body["message"]
    assert "Retry-After" in res.headers


def test_proctorx_signup_is_limited_in_its_envelope(client):
    for i in range(100):
        client.post(
            "/signup",
            json={"username": f"u{i}", "password": "pw-123456", "email": f"u{i}@example.com"},
        )
    res = client.post(
        "/signup", json={"username": "late", "password": "pw-123456", "email": "late@example.com"}
    )
    assert res.status_code == 429
    assert res.get_json()["ok"] is False


def test_unlimited_routes_do_not_count(client):
    for _ in range(30):
        assert client.get("/health").status_code == 200

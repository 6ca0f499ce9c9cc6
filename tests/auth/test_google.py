"""Google sign-in against a fake OpenID provider on loopback: real HTTP, real JWKS, real RSA
signatures (joserfc), the real Authlib client for the browser flow."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import select

from app.auth import google
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD

CLIENT_ID = "examhall-test.apps.googleusercontent.com"
CLIENT_SECRET = "test-client-secret"
NOT_CONFIGURED = {"status": "error", "message": "Google sign-in is not configured on this server"}
INVALID = {"status": "error", "message": "Invalid Google ID token"}


class FakeProvider:
    """Discovery, JWKS, authorize (redirects straight back with a code) and token endpoints."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, auto_kid=True)
        self.jwks_hits = 0
        self.codes: dict[str, dict[str, Any]] = {}
        self.next_claims: dict[str, Any] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(
                self, data: Any, status: int = 200, headers: dict[str, str] | None = None
            ) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(provider.metadata())
                elif url.path == "/jwks":
                    provider.jwks_hits += 1
                    jwks = KeySet([provider.key]).as_dict(private=False)
                    self._json(jwks, headers={"Cache-Control": "public, max-age=600"})
                elif url.path == "/authorize":
                    self._authorize({k: v[0] for k, v in parse_qs(url.query).items()})
                else:
                    self._json({"error": "not_found"}, 404)

            def _authorize(self, q: dict[str, str]) -> None:
                code = secrets.token_urlsafe(16)
                provider.codes[code] = {
                    "nonce": q.get("nonce"),
                    "challenge": q.get("code_challenge"),
                    "redirect_uri": q["redirect_uri"],
                    "client_id": q["client_id"],
                }
                self.send_response(302)
                self.send_header(
                    "Location",
                    f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}",
                )
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                if urlsplit(self.path).path != "/token":
                    return self._json({"error": "not_found"}, 404)
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    return self._json({"error": "invalid_client"}, 401)
                grant = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if (
                    grant is None
                    or grant["challenge"] != challenge
                    or grant["redirect_uri"] != form.get("redirect_uri")
                ):
                    return self._json({"error": "invalid_grant"}, 400)
                claims = {"nonce": grant["nonce"], **provider.next_claims}
                self._json(
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "expires_in": 3600,
                        "scope": "openid email profile",
                        "id_token": provider.id_token(**claims),
                    }
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def id_token(self, key: RSAKey | None = None, kid: str | None = None, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": "110169484474386276334",
            "email": "john@example.com",
            "email_verified": True,
            "name": "John Doe",
            "picture": "https://lh3.googleusercontent.com/a/photo.jpg",
            "iat": now,
            "exp": now + 3600,
        }
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        key = key or self.key
        header = {"alg": "RS256", "kid": kid or key.kid}
        return jwt.encode(header, claims, key)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def provider() -> Iterator[FakeProvider]:
    fake = FakeProvider()
    yield fake
    fake.close()


@pytest.fixture
def configured(app, provider, monkeypatch) -> Iterator[FakeProvider]:
    """Point this app at the fake provider for one test; monkeypatch puts the settings back."""
    settings = {
        "GOOGLE_CLIENT_ID": CLIENT_ID,
        "GOOGLE_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_ISSUER": provider.url,
        "OIDC_JWKS_URL": f"{provider.url}/jwks",
        "OIDC_DISCOVERY_URL": f"{provider.url}/.well-known/openid-configuration",
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)
    provider.jwks_hits = 0
    provider.next_claims = {}
    google.clear_jwks_cache()
    yield provider
    google.clear_jwks_cache()
    app.extensions.pop("examhall_google_web", None)


@pytest.fixture
def unconfigured(app, monkeypatch) -> None:
    for key in ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"):
        monkeypatch.setitem(app.config, key, None)


def sign_in(client, id_token):
    return client.post("/api/auth/google", json={"id_token": id_token})


# POST /api/auth/google ------------------------------------------------------------------------


def test_new_user_is_created_as_student(app, client, configured):
    res = sign_in(client, configured.id_token())
    assert res.status_code == 200
    body = res.get_json()
    assert body["status"] == "success"
    data = body["data"]
    assert list(data) == [
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "is_new_user",
        "available_portals",
        "user",
    ]
    assert (
        data["is_new_user"] is True
        and data["token_type"] == "Bearer"
        and data["expires_in"] == 3600
    )
    assert data["available_portals"] == ["user"]
    assert data["user"] == {"id": data["user"]["id"], "username": "john", "role": "user"}
    with app.app_context():
        user = db.session.get(User, data["user"]["id"])
        assert user.google_sub == "110169484474386276334" and user.email == "john@example.com"
        assert user.password_hash is None and user.roles == {"student"}
        assert user.full_name == "John Doe" and user.last_login_at is not None
        assert user.email_verified_at is not None  # Google vouched for the address
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {data['access_token']}"})
    assert me.status_code == 200 and me.get_json()["data"]["email"] == "john@example.com"
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": data["refresh_token"]})
    assert refreshed.status_code == 200
    # No password: the password logins say so rather than "invalid credentials".
    pw = client.post("/api/auth/login", json={"username": "john", "password": "anything"})
    assert pw.get_json() == {"status": "error", "message": "Password not set, use web portal"}


def test_returning_user(client, configured):
    first = sign_in(client, configured.id_token()).get_json()["data"]
    again = sign_in(client, configured.id_token(email="renamed@example.com")).get_json()["data"]
    assert again["is_new_user"] is False and again["user"]["id"] == first["user"]["id"]


def password_login(client, username: str) -> dict:
    res = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    return res.get_json()


def test_existing_verified_account_is_linked_and_keeps_everything(
    app, client, configured, make_user, web_login
):
    """The owner proved the address before (a reset link): Google only adds a way in."""
    proved = datetime(2025, 1, 15, 10, 30)
    user = make_user(
        "john.doe", email="john@example.com", roles=("student", "teacher"), email_verified_at=proved
    )
    before = password_login(app.test_client(), "john.doe")["data"]
    browser = app.test_client()
    web_login(browser, user)

    res = sign_in(client, configured.id_token())
    data = res.get_json()["data"]
    assert data["is_new_user"] is False and data["user"]["id"] == user.id
    assert data["user"]["role"] == "user,admin" and data["available_portals"] == ["user", "admin"]
    with app.app_context():
        linked = db.session.get(User, user.id)
        assert linked.google_sub == "110169484474386276334"
        assert linked.email_verified_at == proved
    # The password, the earlier tokens and the earlier session all still work.
    assert password_login(client, "john.doe")["status"] == "success"
    bearer = {"Authorization": f"Bearer {before['access_token']}"}
    assert client.get("/api/auth/me", headers=bearer).status_code == 200
    refresh = client.post("/api/auth/refresh", json={"refresh_token": before["refresh_token"]})
    assert refresh.status_code == 200
    assert browser.get("/api/auth/me").status_code == 200


def test_existing_unverified_account_is_taken_from_whoever_set_it_up(
    app, client, configured, make_user, web_login
):
    """Pre-hijack: someone signed up with john@example.com (never proved) and set a password.
    When the real owner signs in with Google, the squatter is evicted: password gone, refresh
    tokens revoked, every session and access token ended. The owner gets the account."""
    squatter = make_user("john.doe", email="john@example.com")
    squatter_api = app.test_client()
    before = password_login(squatter_api, "john.doe")["data"]
    squatter_browser = app.test_client()
    web_login(squatter_browser, squatter)
    assert squatter_browser.get("/api/auth/me").status_code == 200

    res = sign_in(client, configured.id_token())
    data = res.get_json()["data"]
    assert data["is_new_user"] is False and data["user"]["id"] == squatter.id
    with app.app_context():
        linked = db.session.get(User, squatter.id)
        assert linked.google_sub == "110169484474386276334"
        assert linked.password_hash is None
        assert linked.email_verified_at is not None

    # The squatter's password, access token, refresh token and web session are all dead.
    assert password_login(squatter_api, "john.doe") == {
        "status": "error",
        "message": "Password not set, use web portal",
    }
    bearer = {"Authorization": f"Bearer {before['access_token']}"}
    assert squatter_api.get("/api/auth/me", headers=bearer).status_code == 401
    refresh = squatter_api.post(
        "/api/auth/refresh", json={"refresh_token": before["refresh_token"]}
    )
    assert refresh.status_code == 401
    assert squatter_browser.get("/api/auth/me").status_code == 401

    # The owner's fresh tokens work, and a second Google sign-in evicts nobody.
    mine = {"Authorization": f"Bearer {data['access_token']}"}
    assert client.get("/api/auth/me", headers=mine).status_code == 200
    again = sign_in(client, configured.id_token()).get_json()["data"]
    assert again["user"]["id"] == squatter.id
    assert client.get("/api/auth/me", headers=mine).status_code == 200
    assert (
        client.post("/api/auth/refresh", json={"refresh_token": data["refresh_token"]}).status_code
        == 200
    )


def test_changing_the_email_drops_its_proof(app, client, configured, make_user, bearer):
    """A proved address does not carry over to a new one: an account that proved its own address
    and then switches to someone else's is treated as unproved when that person signs in."""
    squatter = make_user(
        "sly", email="sly@example.com", email_verified_at=datetime(2025, 1, 15, 10, 30)
    )
    res = client.put("/users/me", json={"email": "john@example.com"}, headers=bearer(squatter))
    assert res.status_code == 200, res.get_json()
    with app.app_context():
        assert db.session.get(User, squatter.id).email_verified_at is None
    data = sign_in(client, configured.id_token()).get_json()["data"]
    assert data["user"]["id"] == squatter.id
    assert password_login(client, "sly")["message"] == "Password not set, use web portal"


def test_email_linked_to_another_google_account_is_409(client, configured, make_user):
    make_user("john.doe", email="john@example.com", google_sub="someone-else")
    res = sign_in(client, configured.id_token())
    assert res.status_code == 409
    assert res.get_json()["status"] == "error"


def test_new_usernames_do_not_collide(app, client, configured, make_user):
    make_user("john", email="john.smith@example.com")
    data = sign_in(client, configured.id_token()).get_json()["data"]
    assert data["is_new_user"] is True and data["user"]["username"] == "john2"


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "someone-elses-client.apps.googleusercontent.com"},
        {"iss": "https://evil.example.com"},
        {"exp": int(time.time()) - 300, "iat": int(time.time()) - 4000},
        {"email_verified": False},
        {"email_verified": None},
        {"email": None},
        {"exp": None},
        {"sub": None},
    ],
    ids=[
        "audience",
        "issuer",
        "expired",
        "unverified",
        "no-email-verified",
        "no-email",
        "no-exp",
        "no-sub",
    ],
)
def test_bad_claims_are_401(app, client, configured, overrides):
    res = sign_in(client, configured.id_token(**overrides))
    assert res.status_code == 401
    assert res.get_json() == INVALID
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_bad_signature_is_401(client, configured):
    other = RSAKey.generate_key(2048, auto_kid=True)
    forged = configured.id_token(key=other, kid=configured.key.kid)  # claims to be the real key
    res = sign_in(client, forged)
    assert res.status_code == 401 and res.get_json() == INVALID


def test_unknown_key_id_refetches_once_then_401(client, configured):
    other = RSAKey.generate_key(2048, auto_kid=True)
    assert sign_in(client, configured.id_token()).status_code == 200
    assert configured.jwks_hits == 1
    res = sign_in(client, configured.id_token(key=other))
    assert res.status_code == 401 and res.get_json() == INVALID
    assert sign_in(client, configured.id_token(key=other)).status_code == 401
    assert configured.jwks_hits == 1  # refetching is limited to once a minute


def test_key_rotation_is_picked_up(client, configured):
    """The provider starts signing with a new key: the cached set lacks its kid, so the keys are
    fetched again (the cache being over a minute old)."""
    assert sign_in(client, configured.id_token()).status_code == 200
    old_key = configured.key
    try:
        configured.key = RSAKey.generate_key(2048, auto_kid=True)
        for cached in google._jwks_cache.values():
            cached.fetched_at -= 120
        res = sign_in(client, configured.id_token())
        assert res.status_code == 200
        assert configured.jwks_hits == 2
    finally:
        configured.key = old_key


def test_garbage_and_missing_tokens(client, configured):
    for token in ("abc", "a.b.c", configured.id_token() + "x"):
        res = sign_in(client, token)
        assert res.status_code == 401 and res.get_json() == INVALID
    for body in ({}, {"id_token": ""}, {"id_token": 5}):
        res = client.post("/api/auth/google", json=body)
        assert res.status_code == 400
        assert res.get_json() == {"status": "error", "message": "id_token is required"}


def test_jwks_is_cached(client, configured):
    assert sign_in(client, configured.id_token()).status_code == 200
    assert sign_in(client, configured.id_token()).status_code == 200
    assert configured.jwks_hits == 1


def test_google_issuer_without_scheme_is_accepted(app, client, configured, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "https://accounts.google.com")
    for issuer in ("accounts.google.com", "https://accounts.google.com"):
        res = sign_in(client, configured.id_token(iss=issuer))
        assert res.status_code == 200, issuer
    assert sign_in(client, configured.id_token()).status_code == 401  # the provider's own URL


def test_unconfigured_is_503(client, unconfigured):
    for body in ({"id_token": "anything"}, {}):
        res = client.post("/api/auth/google", json=body)
        assert res.status_code == 503
        assert res.get_json() == NOT_CONFIGURED


def test_jwks_unreachable_is_503(app, client, configured, monkeypatch):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(app.config, "OIDC_JWKS_URL", f"http://127.0.0.1:{port}/jwks")
    res = sign_in(client, configured.id_token())
    assert res.status_code == 503
    assert res.get_json() == {"status": "error", "message": google.KEYS_UNAVAILABLE}


def test_jwks_not_json_is_503(app, client, configured, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_JWKS_URL", f"{configured.url}/nothing")
    assert sign_in(client, configured.id_token()).status_code == 503


# Browser flow ----------------------------------------------------------------------------------


def follow_provider(location: str) -> str:
    """What the browser does at the provider: the fake signs in at once and redirects back."""
    with requests.get(location, allow_redirects=False, timeout=5) as res:
        assert res.status_code == 302
        return res.headers["Location"]


def test_web_flow_signs_in_with_the_session(app, client, configured):
    configured.next_claims = {"sub": "web-sub-1", "email": "jane@example.com", "name": "Jane Roe"}
    start = client.get("/login/google?next=/api/auth/me")
    assert start.status_code == 302
    location = start.headers["Location"]
    url = urlsplit(location)
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{configured.url}/authorize"
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["state"][0] and query["nonce"][0] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://localhost/login/google/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}

    back = urlsplit(follow_provider(location))
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302 and done.headers["Location"] == "/api/auth/me"
    me = client.get("/api/auth/me")  # the session cookie, no token
    assert me.status_code == 200
    assert me.get_json()["data"]["email"] == "jane@example.com"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.google_sub == "web-sub-1"))
        assert user is not None and user.roles == {"student"} and user.full_name == "Jane Roe"


def test_web_flow_links_existing_account_and_defaults_to_dashboard(client, configured, make_user):
    user = make_user("jane", email="jane@example.com")
    configured.next_claims = {"sub": "web-sub-2", "email": "jane@example.com"}
    back = urlsplit(follow_provider(client.get("/login/google").headers["Location"]))
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302 and done.headers["Location"] == "/dashboard"
    assert client.get("/api/auth/me").get_json()["data"]["id"] == user.id


def test_web_flow_rejects_a_forged_state(client, configured):
    client.get("/login/google")
    res = client.get("/login/google/callback?code=whatever&state=forged")
    assert res.status_code == 302 and res.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Google sign-in failed" in page
    assert client.get("/api/auth/me").status_code == 401


def test_web_flow_unverified_email_is_refused(client, configured):
    configured.next_claims = {"email_verified": False}
    back = urlsplit(follow_provider(client.get("/login/google").headers["Location"]))
    res = client.get(f"{back.path}?{back.query}")
    assert res.status_code == 302 and res.headers["Location"] == "/login"
    assert client.get("/api/auth/me").status_code == 401


def test_web_flow_external_next_is_ignored(client, configured):
    back = urlsplit(
        follow_provider(
            client.get("/login/google?next=https://evil.example.com/").headers["Location"]
        )
    )
    assert client.get(f"{back.path}?{back.query}").headers["Location"] == "/dashboard"


def test_login_page_shows_google_button_only_when_configured(client, configured, app, monkeypatch):
    assert "/login/google" in client.get("/login").get_data(as_text=True)
    monkeypatch.setitem(app.config, "GOOGLE_CLIENT_SECRET", None)
    assert "/login/google" not in client.get("/login").get_data(as_text=True)


def test_web_flow_unconfigured_is_a_clear_error_page(client, unconfigured):
    res = client.get("/login/google", headers={"Accept": "text/html"})
    assert res.status_code == 404
    assert "Google sign-in is not configured on this server" in res.get_data(as_text=True)
    assert client.get("/login/google/callback?code=x&state=y").status_code == 404


def test_web_flow_provider_down_is_503(app, client, configured, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setitem(
        app.config,
        "OIDC_DISCOVERY_URL",
        f"http://127.0.0.1:{port}/.well-known/openid-configuration",
    )
    res = client.get("/login/google", headers={"Accept": "text/html"})
    assert res.status_code == 503
    assert "temporarily unavailable" in res.get_data(as_text=True)

"""Google (or any OpenID Connect provider) sign-in.

Two ways in, one account rule. Mobile and single-page clients send the ID token they got from
the Google SDK to POST /api/auth/google; it is verified here against the provider's JWKS. The
browser flow (/login/google) goes through Authlib's Flask client, which checks the ID token
itself (nonce included). Either way the account is found by `google_sub`, else linked by
verified e-mail, else created as a student without a password.

Linking trusts the provider's verified e-mail over Examhall's own record only as far as Examhall
has proof: an account whose address was proved (`email_verified_at`) keeps its password and
sessions; one whose address never was may have been set up by someone else with that address
(sign-up checks nothing), so whoever set it up is evicted before it is linked.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.flask_client import FlaskOAuth2App
from flask import current_app
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from app.auth import tokens
from app.core import roles as R
from app.core.auth import rotate_auth_stamp
from app.core.errors import Conflict, Unauthorized, Unavailable
from app.extensions import db, oauth
from app.models import User, utcnow
from app.users import services as users

NOT_CONFIGURED = "Google sign-in is not configured on this server"
KEYS_UNAVAILABLE = (
    "Google sign-in is temporarily unavailable: the provider's signing keys could not be fetched"
)
INVALID_TOKEN = "Invalid Google ID token"
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")
ALGORITHMS = ["RS256", "ES256"]
HTTP_TIMEOUT = 5  # seconds, for JWKS and discovery fetches
JWKS_TTL = 3600  # when the provider sends no Cache-Control max-age
JWKS_MAX_TTL = 86400
JWKS_MIN_REFETCH = 60  # an unknown `kid` refetches at most this often
CLOCK_SKEW = 60
_MAX_AGE = re.compile(r"max-age=(\d+)")


@dataclass
class _CachedKeys:
    keys: KeySet
    fetched_at: float
    expires_at: float


_jwks_cache: dict[str, _CachedKeys] = {}
_jwks_lock = threading.Lock()


def clear_jwks_cache() -> None:
    with _jwks_lock:
        _jwks_cache.clear()


def configured() -> bool:
    return bool(current_app.config.get("GOOGLE_CLIENT_ID"))


def web_configured() -> bool:
    cfg = current_app.config
    return bool(cfg.get("GOOGLE_CLIENT_ID") and cfg.get("GOOGLE_CLIENT_SECRET"))


def require_configured() -> None:
    if not configured():
        raise Unavailable(NOT_CONFIGURED, code="google_not_configured")


def accepted_issuers() -> list[str]:
    """OIDC_ISSUER; Google's tokens name their issuer with or without the scheme."""
    issuer = current_app.config["OIDC_ISSUER"]
    return list(GOOGLE_ISSUERS) if issuer in GOOGLE_ISSUERS else [issuer]


# JWKS ------------------------------------------------------------------------------------------


def _ttl(response: requests.Response) -> int:
    match = _MAX_AGE.search(response.headers.get("Cache-Control", ""))
    ttl = int(match.group(1)) if match else JWKS_TTL
    return max(JWKS_MIN_REFETCH, min(JWKS_MAX_TTL, ttl))


def _fetch(url: str) -> _CachedKeys:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        keys = KeySet.import_key_set(response.json())
    except (requests.RequestException, ValueError, KeyError, TypeError, JoseError) as exc:
        current_app.logger.warning("JWKS fetch from %s failed: %s", url, exc)
        raise Unavailable(KEYS_UNAVAILABLE, code="oidc_keys_unavailable") from None
    now = time.monotonic()
    return _CachedKeys(keys=keys, fetched_at=now, expires_at=now + _ttl(response))


def signing_keys(*, refresh: bool = False) -> KeySet:
    """The provider's keys, from memory while fresh. `refresh` (an unknown `kid`: the provider
    rotated) refetches, but not more than once a minute, so junk tokens cannot hammer it."""
    url = current_app.config["OIDC_JWKS_URL"]
    with _jwks_lock:
        cached = _jwks_cache.get(url)
    now = time.monotonic()
    fresh_enough = cached is not None and now < cached.expires_at
    if fresh_enough and (not refresh or now - cached.fetched_at < JWKS_MIN_REFETCH):
        return cached.keys
    fresh = _fetch(url)
    with _jwks_lock:
        _jwks_cache[url] = fresh
    return fresh.keys


# ID tokens -------------------------------------------------------------------------------------


def _invalid(reason: str) -> Unauthorized:
    current_app.logger.info("Google ID token rejected: %s", reason)
    return Unauthorized(INVALID_TOKEN, code="google_token_invalid")


def verify_id_token(id_token: str) -> dict[str, Any]:
    """Signature (provider JWKS), issuer, audience (our client id), expiry, and a verified
    e-mail. Returns the claims."""
    require_configured()
    client_id = current_app.config["GOOGLE_CLIENT_ID"]
    try:
        try:
            token = jwt.decode(id_token, signing_keys(), algorithms=ALGORITHMS)
        except InvalidKeyIdError:
            token = jwt.decode(id_token, signing_keys(refresh=True), algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=CLOCK_SKEW,
            iss={"essential": True, "values": accepted_issuers()},
            aud={"essential": True, "value": client_id},
            exp={"essential": True},
            sub={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError, TypeError) as exc:
        raise _invalid(f"{type(exc).__name__}: {exc}") from None
    claims = token.claims
    aud = claims["aud"]
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != client_id:
        raise _invalid("several audiences and azp is not our client id")
    check_email(claims)
    return claims


def check_email(claims: dict[str, Any]) -> None:
    """Accounts are matched by e-mail, so it must be present and verified by the provider."""
    if not isinstance(claims.get("email"), str) or "@" not in claims["email"]:
        raise _invalid("no email claim")
    if claims.get("email_verified") not in (True, "true"):
        raise _invalid("email not verified")


# Accounts --------------------------------------------------------------------------------------


def sign_in(claims: dict[str, Any]) -> tuple[User, bool]:
    """(user, is_new_user) for verified claims: by `sub`, else link by e-mail, else create."""
    sub = str(claims["sub"])
    user = db.session.scalar(select(User).where(User.google_sub == sub))
    if user is not None:
        return user, False
    email = users.normalize_email(claims["email"])
    user = users.by_email(email)
    if user is not None:
        if user.google_sub and user.google_sub != sub:
            raise Conflict(
                "This e-mail address is linked to a different Google account",
                code="google_account_mismatch",
            )
        link(user, sub)
        return user, False
    picture = claims.get("picture")
    user = users.create_user(
        username=users.username_from_email(email),
        email=email,
        password=None,
        roles={R.STUDENT},
        full_name=str(claims.get("name") or "")[:120],
        google_sub=sub,
        email_verified_at=utcnow(),
        avatar_url=picture if isinstance(picture, str) and len(picture) <= 500 else "",
    )
    return user, True


def link(user: User, sub: str) -> None:
    """Link an existing account to the Google identity that proved its e-mail address.

    If the address was never proved here, the account may be a pre-hijack: someone signed up with
    another person's address and set a password, waiting for the owner to sign in with Google.
    The owner gets the account, the squatter loses it: the password is cleared, refresh tokens
    are revoked and the auth stamp rotated (every session cookie and access token ends)."""
    if user.email_verified_at is None:
        user.password_hash = None
        tokens.revoke_all(user)
        rotate_auth_stamp(user)
    user.email_verified_at = user.email_verified_at or utcnow()
    user.google_sub = sub
    db.session.flush()


# Browser flow ----------------------------------------------------------------------------------


def web_client() -> FlaskOAuth2App | None:
    """This app's Authlib client, built on first use once GOOGLE_CLIENT_ID and
    GOOGLE_CLIENT_SECRET are set; None when they are not.

    Built from the `oauth` extension's classes but kept per app (in app.extensions) rather than
    in `oauth`'s registry: that registry is process-wide and caches one client per name, so a
    second app with other settings (the test suite, a reload) would get the first one's.
    """
    if not web_configured():
        return None
    cfg = current_app.config
    key = (cfg["GOOGLE_CLIENT_ID"], cfg["GOOGLE_CLIENT_SECRET"], cfg["OIDC_DISCOVERY_URL"])
    slot = current_app.extensions.setdefault("examhall_google_web", {})
    if slot.get("key") != key:
        slot["client"] = oauth.oauth2_client_cls(
            oauth.framework_integration_cls("google", oauth.cache),
            "google",
            client_id=cfg["GOOGLE_CLIENT_ID"],
            client_secret=cfg["GOOGLE_CLIENT_SECRET"],
            server_metadata_url=cfg["OIDC_DISCOVERY_URL"],
            client_kwargs={
                "scope": "openid email profile",
                "code_challenge_method": "S256",
                "default_timeout": HTTP_TIMEOUT * 2,
            },
        )
        slot["key"] = key
    return slot["client"]

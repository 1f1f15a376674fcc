"""Signed, expiring session tokens for the local sign-in's cookie (pure functions).

A token is ``<payload>.<signature>``: the payload is base64url JSON (user name, issued and expiry times
in whole seconds), the signature HMAC-SHA256 over it with the session secret. Reading checks the
signature in constant time, then the expiry. The app also refuses a token issued before the user's
``sessions_valid_from`` (a password change or a disabled account ends existing sessions).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

COOKIE_NAME = "workbench_session"


@dataclass(frozen=True)
class SessionClaims:
    username: str
    issued_at: datetime
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str, secret: bytes) -> str:
    return _b64(hmac.new(secret, payload.encode("ascii"), hashlib.sha256).digest())


def issue_token(username: str, *, now: datetime, lifetime: timedelta, secret: bytes) -> str:
    issued = int(now.timestamp())
    body = {"u": username, "iat": issued, "exp": issued + int(lifetime.total_seconds())}
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_sign(payload, secret)}"


def read_token(token: str | None, *, now: datetime, secret: bytes) -> SessionClaims | None:
    """The claims of a valid, unexpired token; None for anything else (absent, forged, expired, garbled)."""
    if not token or token.count(".") != 1 or len(token) > 4096:
        return None
    payload, signature = token.split(".")
    if not hmac.compare_digest(signature, _sign(payload, secret)):
        return None
    try:
        body = json.loads(_unb64(payload))
        claims = SessionClaims(
            str(body["u"]),
            datetime.fromtimestamp(int(body["iat"]), tz=UTC),
            datetime.fromtimestamp(int(body["exp"]), tz=UTC),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return claims if claims.expires_at > now else None

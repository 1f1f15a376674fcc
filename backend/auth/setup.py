"""Building the auth pieces from the settings, and the checks the server makes at start-up."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from backend.appdb.audit import AuditLog
from backend.appdb.signin_failures import SignInFailures
from backend.appdb.store import AppStore
from backend.appdb.users import Role, UserRepository
from backend.auth.identity import Identity
from backend.auth.passwords import Passwords
from backend.auth.service import LocalAuth
from backend.auth.throttle import SignInThrottle
from backend.settings import Settings

SECRET_FILE = "session_secret"


def utc_now() -> datetime:
    return datetime.now(UTC)


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable only from this machine.

    Streamlit listens on every interface when ``server.address`` is unset, so unset is not loopback.
    """
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def bind_refusal(auth_mode: str, address: str | None) -> str | None:
    """The one sentence that stops an unauthenticated app from listening beyond this machine, or None."""
    if auth_mode != "none" or is_loopback(address):
        return None
    where = address or "every network interface"
    return (
        f"AUTH_MODE=none serves the app without sign-in, so it only listens on 127.0.0.1, not on "
        f"{where}: set AUTH_MODE=local or AUTH_MODE=oidc to serve it on a network."
    )


def session_secret(settings: Settings) -> bytes:
    """``SESSION_SECRET``, or a random key generated once into ``DATA_DIR/session_secret`` (mode 0600)."""
    if settings.session_secret is not None:
        return settings.session_secret.get_secret_value().encode("utf-8")
    path = Path(settings.data_dir) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip().encode("ascii")
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode("ascii")


def build_local_auth(
    settings: Settings,
    store: AppStore,
    *,
    passwords: Passwords | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> LocalAuth:
    return LocalAuth(
        UserRepository(store),
        AuditLog(store),
        SignInThrottle(SignInFailures(store), clock),
        passwords or Passwords(),
        secret=session_secret(settings),
        session_lifetime=timedelta(hours=settings.session_hours),
        clock=clock,
    )


def identity_from_claims(
    claims: Mapping[str, Any], *, groups_claim: str, admin_groups: frozenset[str]
) -> Identity:
    """An OIDC user: named by e-mail (else preferred_username, else sub); admin when in an admin group."""
    name = str(claims.get("email") or claims.get("preferred_username") or claims.get("sub") or "")
    if not name:
        raise ValueError("the identity provider sent no email, preferred_username or sub claim")
    raw = claims.get(groups_claim) or []
    groups = {raw} if isinstance(raw, str) else {str(g) for g in raw}
    role: Role = "admin" if groups & admin_groups else "staff"
    return Identity(name.lower(), role, str(claims.get("name") or ""))


def client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """The address a sign-in attempt comes from, for the per-address rate limit.

    Behind a reverse proxy on this machine (the peer is loopback) the proxy's ``X-Forwarded-For`` names
    the client; its last entry is the one the proxy itself added, so a client cannot forge it.
    """
    if peer and is_loopback(peer) and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        return last or peer
    return peer or None

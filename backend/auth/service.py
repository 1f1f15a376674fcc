"""The built-in user store's operations: sign-in (rate-limited, audited), sessions, user management."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from backend.appdb.audit import AuditEvent, AuditLog
from backend.appdb.users import Role, UnknownUserError, UserRecord, UserRepository, valid_username
from backend.auth.identity import Identity
from backend.auth.passwords import Passwords
from backend.auth.sessions import issue_token, read_token
from backend.auth.throttle import SignInThrottle

logger = logging.getLogger(__name__)

# The same sentence for an unknown user, a wrong password, a disabled account and a blocked attempt:
# it tells an attacker nothing about which one it was.
SIGN_IN_FAILED = (
    "Sign-in failed: check your username and password, or wait a few minutes before trying again."
)


class SignInError(Exception):
    def __init__(self) -> None:
        super().__init__(SIGN_IN_FAILED)


class InvalidUsernameError(ValueError):
    pass


class LocalAuth:
    def __init__(
        self,
        users: UserRepository,
        audit: AuditLog,
        throttle: SignInThrottle,
        passwords: Passwords,
        *,
        secret: bytes,
        session_lifetime: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self._users = users
        self._audit = audit
        self._throttle = throttle
        self._passwords = passwords
        self._secret = secret
        self._lifetime = session_lifetime
        self._clock = clock

    # -- signing in ---------------------------------------------------------------------------
    def sign_in(self, username: str, password: str, address: str | None) -> tuple[Identity, str]:
        """The identity and a session token, or ``SignInError`` with the neutral sentence."""
        name = username.strip().lower()
        now = self._clock()
        if self._throttle.blocked(name, address):
            self._passwords.dummy_verify(password)
            self._audit.record(AuditEvent(now, name, "sign_in_failed", detail=f"rate limited, {address}"))
            raise SignInError
        user = self._users.get(name) if valid_username(name) else None
        if user is None:
            self._passwords.dummy_verify(password)
            ok = False
        else:
            ok = self._passwords.verify(user.password_hash, password) and not user.disabled
        if user is None or not ok:
            self._throttle.failed(name, address)
            self._audit.record(AuditEvent(now, name, "sign_in_failed", detail=address or ""))
            raise SignInError
        if self._passwords.needs_rehash(user.password_hash):
            self._users.update(name, password_hash=self._passwords.hash(password))
        self._throttle.succeeded(name)
        self._audit.record(AuditEvent(now, name, "sign_in", detail=address or ""))
        token = issue_token(name, now=now, lifetime=self._lifetime, secret=self._secret)
        return Identity(name, user.role), token

    def resume(self, token: str | None) -> Identity | None:
        """The user a session cookie belongs to, if it is valid, unexpired and not revoked."""
        claims = read_token(token, now=self._clock(), secret=self._secret)
        if claims is None:
            return None
        user = self._users.get(claims.username)
        # Tokens carry whole seconds: compare at that precision.
        if (
            user is None
            or user.disabled
            or claims.issued_at < user.sessions_valid_from.replace(microsecond=0)
        ):
            return None
        return Identity(user.username, user.role)

    def seconds_left(self, token: str | None) -> int:
        """How long a valid session token has to run (0 when it is not valid)."""
        now = self._clock()
        claims = read_token(token, now=now, secret=self._secret)
        return max(0, int((claims.expires_at - now).total_seconds())) if claims else 0

    def sign_out(self, user: Identity) -> None:
        """End the user's sessions on every device (their tokens are refused from now on)."""
        now = self._clock()
        if self._users.get(user.username) is not None:
            self._users.update(user.username, sessions_valid_from=now)
        self._audit.record(AuditEvent(now, user.username, "sign_out"))

    # -- managing users (the CLI) ---------------------------------------------------------------
    def add_user(self, username: str, role: Role, password: str) -> UserRecord:
        if not valid_username(username):
            raise InvalidUsernameError(
                f"{username!r} is not a valid user name: use lower-case letters, digits and . _ @ -, "
                "up to 64 characters."
            )
        now = self._clock()
        record = UserRecord(username, role, self._passwords.hash(password), now, now)
        self._users.add(record)
        self._audit.record(AuditEvent(now, "cli", "user_admin", username, f"added as {role}"))
        return record

    def set_password(self, username: str, password: str) -> None:
        now = self._clock()
        self._users.update(username, password_hash=self._passwords.hash(password), sessions_valid_from=now)
        self._audit.record(AuditEvent(now, "cli", "user_admin", username, "password set"))

    def set_disabled(self, username: str, disabled: bool) -> None:
        now = self._clock()
        if self._users.get(username) is None:
            raise UnknownUserError(f"There is no user named {username}.")
        self._users.update(username, disabled=disabled, sessions_valid_from=now)
        self._audit.record(
            AuditEvent(now, "cli", "user_admin", username, "disabled" if disabled else "enabled")
        )

    def list_users(self) -> list[UserRecord]:
        return self._users.list()

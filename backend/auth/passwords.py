"""Password hashing with argon2id (argon2-cffi's current defaults); a password is never stored plain."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024


class WeakPasswordError(ValueError):
    """The password is too short or too long; the message is one sentence."""


def check_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPasswordError(f"A password needs at least {MIN_PASSWORD_CHARS} characters.")
    if len(password) > MAX_PASSWORD_CHARS:
        raise WeakPasswordError(f"A password can have at most {MAX_PASSWORD_CHARS} characters.")


class Passwords:
    """Hash and verify; ``hasher`` is argon2-cffi's ``PasswordHasher`` (tests pass cheaper parameters)."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        check_strength(password)
        return self._hasher.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        if len(password) > MAX_PASSWORD_CHARS:
            return False
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)

    def dummy_verify(self, password: str) -> None:
        """Spend the time of one verification, so an unknown user name answers as slowly as a known one."""
        self.verify(self._dummy_hash, password)

    @functools.cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash("not a real password, only for timing")

"""Password hashing and the signed, expiring session token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from backend.auth.passwords import Passwords, WeakPasswordError
from backend.auth.sessions import issue_token, read_token
from tests.auth.conftest import cheap_passwords

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
SECRET = b"k" * 32


def test_a_password_is_stored_as_an_argon2id_hash_and_verifies() -> None:
    pw = cheap_passwords()
    stored = pw.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse battery" not in stored
    assert pw.hash("correct horse battery") != stored  # salted
    assert pw.verify(stored, "correct horse battery") is True
    assert pw.verify(stored, "correct horse batterY") is False
    assert pw.verify("not a hash", "correct horse battery") is False


def test_weaker_parameters_need_a_rehash() -> None:
    stored = cheap_passwords().hash("correct horse battery")
    assert Passwords(PasswordHasher()).needs_rehash(stored) is True
    assert cheap_passwords().needs_rehash(stored) is False


@pytest.mark.parametrize("password", ["", "short", "x" * 9, "x" * 1025])
def test_too_short_or_long_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPasswordError):
        cheap_passwords().hash(password)


def test_a_token_reads_back_until_it_expires() -> None:
    token = issue_token("ana", now=NOW, lifetime=timedelta(hours=8), secret=SECRET)
    claims = read_token(token, now=NOW + timedelta(hours=7, minutes=59), secret=SECRET)
    assert claims is not None
    assert claims.username == "ana"
    assert claims.expires_at - claims.issued_at == timedelta(hours=8)
    assert read_token(token, now=NOW + timedelta(hours=8), secret=SECRET) is None


def test_a_forged_or_garbled_token_is_refused() -> None:
    token = issue_token("ana", now=NOW, lifetime=timedelta(hours=8), secret=SECRET)
    payload, signature = token.split(".")
    other = issue_token("bo", now=NOW, lifetime=timedelta(hours=8), secret=SECRET)
    assert read_token(token, now=NOW, secret=b"another secret") is None
    assert read_token(f"{other.split('.')[0]}.{signature}", now=NOW, secret=SECRET) is None
    for bad in (None, "", "abc", "a.b.c", f"{payload}.", f".{signature}", "x" * 5000):
        assert read_token(bad, now=NOW, secret=SECRET) is None

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from pydantic import SecretStr

from backend.appdb.sqlite import SqliteStore
from backend.auth.passwords import Passwords
from backend.auth.service import LocalAuth
from backend.auth.setup import build_local_auth
from backend.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def cheap_passwords() -> Passwords:
    # Real argon2id, with parameters small enough for unit tests.
    return Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "app.db")
    yield s
    s.close()


@pytest.fixture
def auth(tmp_path: Path, store: SqliteStore, clock: Clock) -> LocalAuth:
    secret = SecretStr("test-secret-0123456789")
    settings = Settings(DATA_DIR=tmp_path, SESSION_SECRET=secret, SESSION_HOURS=8)
    return build_local_auth(settings, store, passwords=cheap_passwords(), clock=clock)

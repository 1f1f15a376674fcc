"""Record kind: users of the built-in sign-in (``AUTH_MODE=local``).

Keys: partition ``USERS``, sort key = the user name (so listing all users is one query).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal, get_args

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp

Role = Literal["admin", "staff"]
ROLES: tuple[Role, ...] = get_args(Role)
PK = "USERS"
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")


class UserExistsError(ValueError):
    """A user with this name already exists."""


class UnknownUserError(LookupError):
    """No user has this name."""


def valid_username(name: str) -> bool:
    """Lower-case letters, digits and ``. _ @ -``, starting with a letter or digit, up to 64."""
    return bool(USERNAME.fullmatch(name))


@dataclass(frozen=True)
class UserRecord:
    username: str
    role: Role
    password_hash: str
    created_at: datetime
    # Sessions issued before this moment are no longer valid (password changed, user disabled).
    sessions_valid_from: datetime
    disabled: bool = False


def to_item(user: UserRecord) -> Item:
    return Item(
        PK,
        user.username,
        {
            "role": user.role,
            "password_hash": user.password_hash,
            "created_at": stamp(user.created_at),
            "sessions_valid_from": stamp(user.sessions_valid_from),
            "disabled": user.disabled,
        },
    )


def from_item(item: Item) -> UserRecord:
    d = item.data
    return UserRecord(
        username=item.sk,
        role=d["role"],
        password_hash=d["password_hash"],
        created_at=parse_stamp(d["created_at"]),
        sessions_valid_from=parse_stamp(d["sessions_valid_from"]),
        disabled=bool(d["disabled"]),
    )


class UserRepository:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def add(self, user: UserRecord) -> None:
        if not self._store.put(to_item(user), if_absent=True):
            raise UserExistsError(f"A user named {user.username} already exists.")

    def get(self, username: str) -> UserRecord | None:
        item = self._store.get(PK, username)
        return from_item(item) if item else None

    def update(self, username: str, **changes: object) -> UserRecord:
        current = self.get(username)
        if current is None:
            raise UnknownUserError(f"There is no user named {username}.")
        updated = replace(current, **changes)  # type: ignore[arg-type]
        self._store.put(to_item(updated))
        return updated

    def list(self) -> list[UserRecord]:
        return [from_item(item) for item in self._store.query(PK)]

"""The customer account-status store behind one interface, and the course's three seed rows.

Two implementations: ``SQLiteAccountStore`` (offline default, a file under ``DATA_DIR``) and
``DynamoDBAccountStore`` (production, the ``customerAccountStatus`` table). Both answer ``get`` with an
``Account`` or ``None`` (no account with that ID), and raise ``AccountTableMissingError`` (one sentence)
when the table itself does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

# The course's account IDs are four digits; the action group validates the same pattern.
ACCOUNT_ID_PATTERN = r"^[0-9]{4}$"
_ACCOUNT_ID = re.compile(ACCOUNT_ID_PATTERN)
DEFAULT_TABLE = "customerAccountStatus"


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    status: str
    reason: str


# The course's customerAccountStatus table.
SEED_ACCOUNTS: tuple[Account, ...] = (
    Account("5555", "John", "Active", "Active"),
    Account("6666", "Thomas", "Pending", "InvalidIdentification"),
    Account("7777", "Manju", "Pending", "InvalidAddressProof"),
)


class AccountTableMissingError(RuntimeError):
    """The account table does not exist; the message is one sentence that says how to create it."""


def is_account_id(value: str) -> bool:
    return bool(_ACCOUNT_ID.match(value))


def no_account_message(account_id: str) -> str:
    return f"There is no account with that ID ({account_id})."


class AccountStore(Protocol):
    """Reads an account's status; ``seed`` creates the table if needed and writes the rows."""

    def get(self, account_id: str) -> Account | None: ...

    def seed(self, accounts: tuple[Account, ...] = SEED_ACCOUNTS) -> int: ...

    def describe(self) -> str: ...

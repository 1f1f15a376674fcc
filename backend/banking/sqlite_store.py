"""The offline account store: one SQLite file under ``DATA_DIR`` (the embedded default)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from backend.banking.accounts import SEED_ACCOUNTS, Account, AccountTableMissingError

_CREATE = (
    "CREATE TABLE IF NOT EXISTS customer_account_status ("
    "account_id TEXT PRIMARY KEY, account_name TEXT NOT NULL, "
    "account_status TEXT NOT NULL, reason TEXT NOT NULL)"
)


class SQLiteAccountStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def describe(self) -> str:
        return f"SQLite file {self.path}"

    def _connect(self) -> sqlite3.Connection:
        # A new connection per call: Streamlit sessions run on different threads.
        return sqlite3.connect(self.path, timeout=5)

    def is_seeded(self) -> bool:
        if not self.path.is_file():
            return False
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'customer_account_status'"
            ).fetchone()
        return row is not None

    def get(self, account_id: str) -> Account | None:
        if not self.is_seeded():
            raise AccountTableMissingError(
                f"The offline account store {self.path} has no account table yet: "
                "run 'python -m backend.banking seed' to create it."
            )
        with closing(self._connect()) as db:
            row = db.execute(
                "SELECT account_id, account_name, account_status, reason "
                "FROM customer_account_status WHERE account_id = ?",
                (account_id,),
            ).fetchone()
        return Account(*row) if row else None

    def seed(self, accounts: tuple[Account, ...] = SEED_ACCOUNTS) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute(_CREATE)
            db.executemany(
                "INSERT OR REPLACE INTO customer_account_status VALUES (?, ?, ?, ?)",
                [(a.account_id, a.name, a.status, a.reason) for a in accounts],
            )
        return len(accounts)

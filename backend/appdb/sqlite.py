"""The embedded engine: one SQLite file under ``DATA_DIR``, WAL mode, migrations versioned in code.

One connection per store, shared by Streamlit's session threads behind a lock. WAL lets other
processes (the CLI, a second app process) read while one writes; ``busy_timeout`` makes a writer wait
for another instead of failing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

from backend.appdb.store import Item, StoreError, sort_key_range

# Append only: each entry is (version, statements). A database is migrated from its stored
# ``PRAGMA user_version`` to the last version in one transaction per step.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            "CREATE TABLE items (pk TEXT NOT NULL, sk TEXT NOT NULL, data TEXT NOT NULL, "
            "PRIMARY KEY (pk, sk)) WITHOUT ROWID",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


class SqliteStore:
    """``AppStore`` on a SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self.migrate()

    def migrate(self) -> int:
        """Bring the schema to ``SCHEMA_VERSION``; returns the version the file had before."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                before = int(self._db.execute("PRAGMA user_version").fetchone()[0])
                if before > SCHEMA_VERSION:
                    raise StoreError(
                        f"The app database {self.path} was written by a newer version of the app "
                        f"(schema {before}, this version knows {SCHEMA_VERSION})."
                    )
                for version, statements in MIGRATIONS:
                    if version > before:
                        for statement in statements:
                            self._db.execute(statement)
                        self._db.execute(f"PRAGMA user_version={version}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return before

    def schema_version(self) -> int:
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def journal_mode(self) -> str:
        with self._lock:
            return str(self._db.execute("PRAGMA journal_mode").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def put(self, item: Item, *, if_absent: bool = False) -> bool:
        verb = "INSERT OR IGNORE" if if_absent else "INSERT OR REPLACE"
        with self._lock:
            cursor = self._db.execute(
                f"{verb} INTO items (pk, sk, data) VALUES (?, ?, ?)",
                (item.pk, item.sk, json.dumps(item.data, separators=(",", ":"))),
            )
            return cursor.rowcount == 1

    def get(self, pk: str, sk: str) -> Item | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM items WHERE pk = ? AND sk = ?", (pk, sk)).fetchone()
        return Item(pk, sk, json.loads(row[0])) if row else None

    def delete(self, pk: str, sk: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM items WHERE pk = ? AND sk = ?", (pk, sk))
            return cursor.rowcount == 1

    def query(
        self,
        pk: str,
        *,
        prefix: str = "",
        start: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[Item]:
        low, high = sort_key_range(prefix, start)
        order = "DESC" if newest_first else "ASC"
        with self._lock:
            rows = self._db.execute(
                f"SELECT sk, data FROM items WHERE pk = ? AND sk >= ? AND sk <= ? ORDER BY sk {order} "
                "LIMIT ?",
                (pk, low, high, -1 if limit is None else limit),
            ).fetchall()
        return [Item(pk, sk, json.loads(data)) for sk, data in rows]

"""The app database's one interface: items addressed by a partition key and a sort key.

Both engines implement exactly this contract natively: DynamoDB's single-table design is a partition
key plus a sort key, and the SQLite engine keeps one table with the same primary key. Typed record kinds
(``users.py``, ``audit.py``, ``conversations.py``) sit on top; adding a kind means adding one module with
its key scheme and its record ↔ item translation, and no engine changes.

Keys are compared as UTF-8 bytes by both engines, so a sort key that starts with an ISO-8601 UTC
timestamp sorts by time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

# Sorts after every other character in UTF-8 byte order: closes a "starts with" range.
_HIGHEST = "\U0010ffff"


class StoreError(RuntimeError):
    """The app database refused an operation; the message is one sentence for people."""


@dataclass(frozen=True)
class Item:
    pk: str
    sk: str
    data: dict[str, Any]  # JSON-serialisable


class AppStore(Protocol):
    """The repository interface both engines implement."""

    def put(self, item: Item, *, if_absent: bool = False) -> bool:
        """Write ``item``; with ``if_absent`` only when no item has its keys. True when written."""
        ...

    def get(self, pk: str, sk: str) -> Item | None: ...

    def delete(self, pk: str, sk: str) -> bool:
        """Remove an item; True when it existed."""
        ...

    def query(
        self,
        pk: str,
        *,
        prefix: str = "",
        start: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[Item]:
        """Items of one partition whose sort key starts with ``prefix`` and is ≥ ``start``, in sort-key
        order (descending with ``newest_first``), at most ``limit`` of them."""
        ...


def sort_key_range(prefix: str, start: str | None) -> tuple[str, str]:
    """The inclusive sort-key bounds a ``query`` covers (shared by both engines)."""
    low = max(prefix, start) if start is not None else prefix
    return low, prefix + _HIGHEST

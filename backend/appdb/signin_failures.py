"""Record kind: failed sign-ins, counted per user name and per address for the sign-in rate limit.

Keys: partition ``FAILS#<scope>`` (``user:ana`` or ``addr:203.0.113.7``), sort key = UTC timestamp + a
random suffix, so "failures since T" is one range query. Kept in the app database (not in memory) so
every instance behind a load balancer sees the same count, and a restart does not reset it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import stamp


def partition(scope: str) -> str:
    return f"FAILS#{scope}"


class SignInFailures:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def record(self, scope: str, at: datetime) -> None:
        self._store.put(Item(partition(scope), f"{stamp(at)}#{uuid.uuid4().hex[:12]}", {}))

    def count_since(self, scope: str, since: datetime) -> int:
        return len(self._store.query(partition(scope), start=stamp(since)))

    def clear(self, scope: str) -> None:
        for item in self._store.query(partition(scope)):
            self._store.delete(item.pk, item.sk)

    def prune(self, scope: str, before: datetime) -> None:
        """Drop failures older than ``before`` (they no longer count)."""
        cutoff = stamp(before)
        for item in self._store.query(partition(scope)):
            if item.sk < cutoff:
                self._store.delete(item.pk, item.sk)

"""What only the DynamoDB engine has: the 400 KB item limit, said in one sentence."""

from __future__ import annotations

import pytest

from backend.appdb.store import AppStore, Item, StoreError


def test_an_item_over_400_kb_is_refused_in_one_sentence(store: AppStore) -> None:
    big = Item("P", "big", {"text": "x" * 420_000})
    if type(store).__name__ == "SqliteStore":
        assert store.put(big) is True  # SQLite has no such limit
        return
    with pytest.raises(StoreError, match=r"too large to save \(410 KB; DynamoDB holds at most 400 KB\)"):
        store.put(big)
    assert store.get("P", "big") is None

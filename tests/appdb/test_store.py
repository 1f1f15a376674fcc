"""The ``AppStore`` contract, on both engines."""

from __future__ import annotations

from backend.appdb.store import AppStore, Item


def test_put_get_delete_round_trip(store: AppStore) -> None:
    item = Item("P", "a", {"n": 1, "text": "héllo", "nested": {"list": [1, 2.5, None, True]}})
    assert store.put(item) is True
    assert store.get("P", "a") == item
    assert store.get("P", "b") is None
    assert store.get("Q", "a") is None
    assert store.delete("P", "a") is True
    assert store.delete("P", "a") is False
    assert store.get("P", "a") is None


def test_put_overwrites_unless_if_absent(store: AppStore) -> None:
    store.put(Item("P", "a", {"v": 1}))
    assert store.put(Item("P", "a", {"v": 2}), if_absent=True) is False
    assert store.get("P", "a") == Item("P", "a", {"v": 1})
    assert store.put(Item("P", "a", {"v": 3})) is True
    assert store.get("P", "a") == Item("P", "a", {"v": 3})
    assert store.put(Item("P", "b", {"v": 4}), if_absent=True) is True


def test_query_orders_filters_and_limits(store: AppStore) -> None:
    for sk in ["b#2", "a#1", "b#1", "c", "b#3"]:
        store.put(Item("P", sk, {"sk": sk}))
    store.put(Item("OTHER", "b#9", {}))

    assert [i.sk for i in store.query("P")] == ["a#1", "b#1", "b#2", "b#3", "c"]
    assert [i.sk for i in store.query("P", prefix="b#")] == ["b#1", "b#2", "b#3"]
    assert [i.sk for i in store.query("P", prefix="b#", newest_first=True)] == ["b#3", "b#2", "b#1"]
    assert [i.sk for i in store.query("P", prefix="b#", limit=2)] == ["b#1", "b#2"]
    assert [i.sk for i in store.query("P", start="b#2")] == ["b#2", "b#3", "c"]
    assert [i.sk for i in store.query("P", prefix="b#", start="b#2")] == ["b#2", "b#3"]
    assert [i.sk for i in store.query("P", newest_first=True, limit=1)] == ["c"]
    assert store.query("P", limit=0) == []
    assert store.query("EMPTY") == []


def test_query_pages_through_many_items(store: AppStore) -> None:
    # Large enough that DynamoDB returns several pages (1 MB each) when the data is big.
    blob = "x" * 20_000
    for n in range(120):
        store.put(Item("BIG", f"{n:04d}", {"blob": blob}))
    items = store.query("BIG")
    assert [i.sk for i in items] == [f"{n:04d}" for n in range(120)]
    assert len(store.query("BIG", limit=70)) == 70

"""Record kind: prompt-lab variants a user saved under a name.

Keys: partition ``LAB#<owner>``, sort key ``VARIANT#<name>``; saving under an existing name replaces it.
Every read names its owner, so one user never lists another's variants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp


def partition(owner: str) -> str:
    return f"LAB#{owner}"


@dataclass(frozen=True)
class SavedVariant:
    owner: str
    name: str
    saved_at: datetime
    variant: dict[str, Any]  # backend.lab.variants.Variant as JSON


class LabVariantRepository:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def save(self, saved: SavedVariant) -> None:
        self._store.put(
            Item(
                partition(saved.owner),
                f"VARIANT#{saved.name}",
                {"saved_at": stamp(saved.saved_at), "variant": saved.variant},
            )
        )

    def list(self, owner: str) -> list[SavedVariant]:
        """The owner's saved variants, by name."""
        return [
            SavedVariant(
                owner, i.sk.removeprefix("VARIANT#"), parse_stamp(i.data["saved_at"]), i.data["variant"]
            )
            for i in self._store.query(partition(owner), prefix="VARIANT#")
        ]

    def get(self, owner: str, name: str) -> SavedVariant | None:
        item = self._store.get(partition(owner), f"VARIANT#{name}")
        if item is None:
            return None
        return SavedVariant(owner, name, parse_stamp(item.data["saved_at"]), item.data["variant"])

    def delete(self, owner: str, name: str) -> bool:
        return self._store.delete(partition(owner), f"VARIANT#{name}")

"""Record kind: who put each policy document in the index, and when, with its optional version and
effective date.

Keys: partition ``DOCS``, sort key = the file name the document is indexed and cited under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp

PK = "DOCS"


@dataclass(frozen=True)
class DocumentInfo:
    file: str
    uploaded_by: str
    uploaded_at: datetime
    version: str = ""
    effective_date: date | None = None


def to_item(info: DocumentInfo) -> Item:
    return Item(
        PK,
        info.file,
        {
            "uploaded_by": info.uploaded_by,
            "uploaded_at": stamp(info.uploaded_at),
            "version": info.version,
            "effective_date": info.effective_date.isoformat() if info.effective_date else None,
        },
    )


def from_item(item: Item) -> DocumentInfo:
    d = item.data
    effective = d.get("effective_date")
    return DocumentInfo(
        item.sk,
        d["uploaded_by"],
        parse_stamp(d["uploaded_at"]),
        d.get("version") or "",
        date.fromisoformat(effective) if effective else None,
    )


class DocumentCatalog:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def put(self, info: DocumentInfo) -> None:
        self._store.put(to_item(info))

    def get(self, file: str) -> DocumentInfo | None:
        item = self._store.get(PK, file)
        return from_item(item) if item else None

    def delete(self, file: str) -> None:
        self._store.delete(PK, file)

    def all(self) -> dict[str, DocumentInfo]:
        return {i.sk: from_item(i) for i in self._store.query(PK)}

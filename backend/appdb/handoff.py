"""Record kind: the "Ask HR" queue. A user's question (and note) waits for an admin, who answers it; the
user sees the reply the next time they open the Q&A page.

Keys: partition ``HANDOFF``, sort key = the UTC time asked + an id. One partition: an HR team's queue is
small, and admins read all of it. Whether the caller may read or answer is decided by ``HandoffService``
(``backend/gaps/handoff.py``), not here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp

HandoffStatus = Literal["open", "answered"]
PK = "HANDOFF"
MAX_QUESTION_CHARS = 2000
MAX_NOTE_CHARS = 2000
MAX_REPLY_CHARS = 4000


@dataclass(frozen=True)
class HandoffItem:
    id: str
    asked_at: datetime
    user: str
    question: str
    note: str = ""
    page: str = ""
    status: HandoffStatus = "open"
    reply: str = ""
    answered_by: str = ""
    answered_at: datetime | None = None
    seen: bool = False


def new_handoff_id() -> str:
    return uuid.uuid4().hex[:16]


def sort_key(item: HandoffItem) -> str:
    return f"{stamp(item.asked_at)}#{item.id}"


def to_item(item: HandoffItem) -> Item:
    return Item(
        PK,
        sort_key(item),
        {
            "user": item.user,
            "question": item.question[:MAX_QUESTION_CHARS],
            "note": item.note[:MAX_NOTE_CHARS],
            "page": item.page,
            "status": item.status,
            "reply": item.reply[:MAX_REPLY_CHARS],
            "answered_by": item.answered_by,
            "answered_at": None if item.answered_at is None else stamp(item.answered_at),
            "seen": item.seen,
        },
    )


def from_item(item: Item) -> HandoffItem:
    when, handoff_id = item.sk.split("#", 1)
    d = item.data
    return HandoffItem(
        id=handoff_id,
        asked_at=parse_stamp(when),
        user=d["user"],
        question=d["question"],
        note=d.get("note", ""),
        page=d.get("page", ""),
        status=d["status"],
        reply=d.get("reply", ""),
        answered_by=d.get("answered_by", ""),
        answered_at=None if d.get("answered_at") is None else parse_stamp(d["answered_at"]),
        seen=bool(d.get("seen", False)),
    )


class HandoffRepository:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def add(self, item: HandoffItem) -> None:
        self._store.put(to_item(item))

    def all(self) -> list[HandoffItem]:
        """Every item, oldest first."""
        return [from_item(i) for i in self._store.query(PK)]

    def find(self, handoff_id: str) -> HandoffItem | None:
        return next((i for i in self.all() if i.id == handoff_id), None)

    def save(self, item: HandoffItem) -> None:
        self._store.put(to_item(item))

    def update(self, item: HandoffItem, **changes: object) -> HandoffItem:
        updated = replace(item, **changes)  # type: ignore[arg-type]
        self._store.put(to_item(updated))
        return updated

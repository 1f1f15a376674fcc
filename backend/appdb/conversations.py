"""Record kind: saved conversations, per user (chatbot and HR Q&A).

Keys: partition ``CONV#<owner>``, so every read names its owner and one user's queries can never reach
another's items. Each conversation is two items: a small head (``HEAD#<id>``: kind, title, times,
message count) that the sidebar lists, and the body (``BODY#<id>``: the messages as JSON) read only when
the conversation is opened.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp

ConversationKind = Literal["chat", "hrqa"]
MAX_TITLE_CHARS = 80


def partition(owner: str) -> str:
    return f"CONV#{owner}"


def new_conversation_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    owner: str
    kind: ConversationKind
    title: str
    created_at: datetime
    updated_at: datetime
    message_count: int


@dataclass(frozen=True)
class ConversationRecord:
    id: str
    owner: str
    kind: ConversationKind
    title: str
    created_at: datetime
    updated_at: datetime
    messages: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> ConversationSummary:
        return ConversationSummary(
            self.id,
            self.owner,
            self.kind,
            self.title,
            self.created_at,
            self.updated_at,
            len(self.messages),
        )


def clean_title(title: str) -> str:
    """One line, trimmed, at most ``MAX_TITLE_CHARS`` (an ellipsis marks a cut)."""
    line = " ".join(title.split())
    return line if len(line) <= MAX_TITLE_CHARS else line[: MAX_TITLE_CHARS - 1].rstrip() + "…"


def head_item(record: ConversationRecord) -> Item:
    return Item(
        partition(record.owner),
        f"HEAD#{record.id}",
        {
            "kind": record.kind,
            "title": record.title,
            "created_at": stamp(record.created_at),
            "updated_at": stamp(record.updated_at),
            "message_count": len(record.messages),
        },
    )


def body_item(record: ConversationRecord) -> Item:
    return Item(partition(record.owner), f"BODY#{record.id}", {"messages": record.messages})


def summary_from_item(owner: str, item: Item) -> ConversationSummary:
    d = item.data
    return ConversationSummary(
        id=item.sk.removeprefix("HEAD#"),
        owner=owner,
        kind=d["kind"],
        title=d["title"],
        created_at=parse_stamp(d["created_at"]),
        updated_at=parse_stamp(d["updated_at"]),
        message_count=int(d["message_count"]),
    )


class ConversationRepository:
    """Every method takes the owner: a conversation is found only under the user it belongs to."""

    def __init__(self, store: AppStore) -> None:
        self._store = store

    def save(self, record: ConversationRecord) -> None:
        # The body first: a head is never listed without the messages it announces.
        self._store.put(body_item(record))
        self._store.put(head_item(record))

    def list(self, owner: str, kind: ConversationKind | None = None) -> list[ConversationSummary]:
        """The owner's conversations, most recently updated first."""
        heads = [summary_from_item(owner, i) for i in self._store.query(partition(owner), prefix="HEAD#")]
        if kind is not None:
            heads = [h for h in heads if h.kind == kind]
        return sorted(heads, key=lambda h: h.updated_at, reverse=True)

    def get(self, owner: str, conversation_id: str) -> ConversationRecord | None:
        head = self._store.get(partition(owner), f"HEAD#{conversation_id}")
        body = self._store.get(partition(owner), f"BODY#{conversation_id}")
        if head is None or body is None:
            return None
        s = summary_from_item(owner, head)
        return ConversationRecord(
            s.id, owner, s.kind, s.title, s.created_at, s.updated_at, list(body.data["messages"])
        )

    def rename(self, owner: str, conversation_id: str, title: str) -> bool:
        head = self._store.get(partition(owner), f"HEAD#{conversation_id}")
        if head is None:
            return False
        self._store.put(Item(head.pk, head.sk, {**head.data, "title": clean_title(title)}))
        return True

    def delete(self, owner: str, conversation_id: str) -> bool:
        existed = self._store.delete(partition(owner), f"HEAD#{conversation_id}")
        self._store.delete(partition(owner), f"BODY#{conversation_id}")
        return existed

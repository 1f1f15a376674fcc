"""Record kind: the audit log (who uploaded, deleted, replaced or rebuilt what, and sign-ins).

Keys: partition ``AUDIT``, sort key = UTC timestamp + a random suffix, so the log reads in time order.
One partition is ample for an HR team's activity; it is append-only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp

AuditAction = Literal[
    "upload",
    "delete",
    "replace",
    "rebuild",
    "reconcile",
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "user_admin",
]
PK = "AUDIT"


@dataclass(frozen=True)
class AuditEvent:
    at: datetime
    actor: str
    action: AuditAction
    target: str = ""
    detail: str = ""


def to_item(event: AuditEvent) -> Item:
    return Item(
        PK,
        f"{stamp(event.at)}#{uuid.uuid4().hex[:12]}",
        {"actor": event.actor, "action": event.action, "target": event.target, "detail": event.detail},
    )


def from_item(item: Item) -> AuditEvent:
    d = item.data
    return AuditEvent(
        at=parse_stamp(item.sk.split("#", 1)[0]),
        actor=d["actor"],
        action=d["action"],
        target=d.get("target", ""),
        detail=d.get("detail", ""),
    )


class AuditLog:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def record(self, event: AuditEvent) -> None:
        self._store.put(to_item(event))

    def recent(self, limit: int = 100) -> list[AuditEvent]:
        """The newest events first."""
        return [from_item(i) for i in self._store.query(PK, newest_first=True, limit=limit)]

    def since(self, moment: datetime) -> list[AuditEvent]:
        """Events at or after ``moment``, oldest first."""
        return [from_item(i) for i in self._store.query(PK, start=stamp(moment))]

"""Record kind: the status an admin gave a knowledge-gap group (open, document updated, won't fix).

Keys: partition ``GAPGROUP``, sort key = the group's stable key (see ``backend/gaps/clustering.py``).
A group with no record is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp

GroupStatus = Literal["open", "document updated", "won't fix"]
GROUP_STATUSES: tuple[GroupStatus, ...] = get_args(GroupStatus)
PK = "GAPGROUP"


@dataclass(frozen=True)
class GroupStatusRecord:
    key: str
    status: GroupStatus
    updated_by: str
    updated_at: datetime
    note: str = ""


class GapGroupStatuses:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def set(self, record: GroupStatusRecord) -> None:
        self._store.put(
            Item(
                PK,
                record.key,
                {
                    "status": record.status,
                    "by": record.updated_by,
                    "at": stamp(record.updated_at),
                    "note": record.note,
                },
            )
        )

    def all(self) -> dict[str, GroupStatusRecord]:
        out: dict[str, GroupStatusRecord] = {}
        for item in self._store.query(PK):
            d = item.data
            out[item.sk] = GroupStatusRecord(
                item.sk, d["status"], d["by"], parse_stamp(d["at"]), d.get("note", "")
            )
        return out

"""Record kind: usage, one record per model call (user, page, model, tokens, latency, cost, outcome).

Keys: partition ``USAGE#<UTC day>``, sort key = UTC timestamp + a random suffix. A day's records are
one query, and a date range is one query per day, so the Usage page never scans the whole table.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp

UsageOutcome = Literal["ok", "error", "interrupted", "refused"]
# A report spans at most a year of days (one query per day).
MAX_REPORT_DAYS = 366


def partition(day: date) -> str:
    return f"USAGE#{day.isoformat()}"


@dataclass(frozen=True)
class UsageRecord:
    at: datetime
    user: str
    page: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    seconds: float = 0.0
    first_token_seconds: float | None = None
    cost: Decimal | None = Decimal(0)  # None: the model has no price in the price table
    outcome: UsageOutcome = "ok"
    images: int = 0


def to_item(record: UsageRecord) -> Item:
    day = record.at.astimezone(UTC).date()
    return Item(
        partition(day),
        f"{stamp(record.at)}#{uuid.uuid4().hex[:12]}",
        {
            "user": record.user,
            "page": record.page,
            "model": record.model,
            "in": record.input_tokens,
            "out": record.output_tokens,
            "img": record.images,
            "s": round(record.seconds, 4),
            "ttft": None if record.first_token_seconds is None else round(record.first_token_seconds, 4),
            "cost": None if record.cost is None else str(record.cost),
            "outcome": record.outcome,
        },
    )


def from_item(item: Item) -> UsageRecord:
    d = item.data
    return UsageRecord(
        at=parse_stamp(item.sk.split("#", 1)[0]),
        user=d["user"],
        page=d["page"],
        model=d["model"],
        input_tokens=int(d["in"]),
        output_tokens=int(d["out"]),
        images=int(d.get("img", 0)),
        seconds=float(d["s"]),
        first_token_seconds=d.get("ttft"),
        cost=None if d.get("cost") is None else Decimal(d["cost"]),
        outcome=d["outcome"],
    )


def row_from_item(item: Item) -> dict[str, Any]:
    """A flat row for a table or chart (the Usage page builds a DataFrame from these)."""
    d = item.data
    cost = d.get("cost")
    return {
        "at": item.sk.split("#", 1)[0],
        "user": d["user"],
        "page": d["page"],
        "model": d["model"],
        "input_tokens": d["in"],
        "output_tokens": d["out"],
        "images": d.get("img", 0),
        "seconds": d["s"],
        "first_token_seconds": d.get("ttft"),
        "cost": None if cost is None else float(cost),
        "outcome": d["outcome"],
    }


def days_between(first: date, last: date) -> list[date]:
    if last < first:
        return []
    count = min((last - first).days + 1, MAX_REPORT_DAYS)
    return [first + timedelta(days=n) for n in range(count)]


class UsageLog:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def record(self, record: UsageRecord) -> None:
        self._store.put(to_item(record))

    def between(self, first: date, last: date) -> list[UsageRecord]:
        """Records from ``first`` to ``last`` (UTC days, inclusive), oldest first."""
        return [from_item(i) for day in days_between(first, last) for i in self._store.query(partition(day))]

    def rows(self, first: date, last: date) -> list[dict[str, Any]]:
        """The same records as flat rows, oldest first."""
        return [
            row_from_item(i) for day in days_between(first, last) for i in self._store.query(partition(day))
        ]

"""Record kind: usage, one record per model call (user, page, model, tokens, latency, cost, outcome).

Keys: partition ``USAGE#<UTC day>``, sort key = UTC timestamp + a random suffix. A day's records are
one query, and a date range is one query per day, so the Usage page never scans the whole table.

A finished day's totals (per user, page, model and outcome) are kept as one rollup item, partition
``USAGEROLLUP``, sort key = the day, so a month of usage is read as 30 small items instead of every call.
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


COLUMNS = (
    "at",
    "user",
    "page",
    "model",
    "input_tokens",
    "output_tokens",
    "images",
    "seconds",
    "first_token_seconds",
    "cost",
    "outcome",
)


def days_between(first: date, last: date) -> list[date]:
    if last < first:
        return []
    count = min((last - first).days + 1, MAX_REPORT_DAYS)
    return [first + timedelta(days=n) for n in range(count)]


ROLLUP_PK = "USAGEROLLUP"


class UsageLog:
    def __init__(self, store: AppStore) -> None:
        self._store = store

    def rollup(self, day: date) -> list[dict[str, Any]] | None:
        """A finished day's saved totals, or None when not rolled up yet."""
        item = self._store.get(ROLLUP_PK, day.isoformat())
        return None if item is None else list(item.data["rows"])

    def save_rollup(self, day: date, rows: list[dict[str, Any]]) -> None:
        self._store.put(Item(ROLLUP_PK, day.isoformat(), {"rows": rows}))

    def record(self, record: UsageRecord) -> None:
        self._store.put(to_item(record))

    def between(self, first: date, last: date) -> list[UsageRecord]:
        """Records from ``first`` to ``last`` (UTC days, inclusive), oldest first."""
        return [from_item(i) for day in days_between(first, last) for i in self._store.query(partition(day))]

    def columns(self, first: date, last: date) -> dict[str, list[Any]]:
        """The same records as columns (``COLUMNS``, plus ``day``), oldest first: a DataFrame's input.

        Built column by column because the Usage report reads up to hundreds of thousands of records.
        """
        out: dict[str, list[Any]] = {name: [] for name in (*COLUMNS, "day")}
        at, user, page, model = out["at"], out["user"], out["page"], out["model"]
        tin, tout, images, seconds = out["input_tokens"], out["output_tokens"], out["images"], out["seconds"]
        ttft, cost, outcome, days = out["first_token_seconds"], out["cost"], out["outcome"], out["day"]
        for day in days_between(first, last):
            items = self._store.query(partition(day))
            days.extend([day.isoformat()] * len(items))
            for item in items:
                d = item.data
                at.append(item.sk[:27])
                user.append(d["user"])
                page.append(d["page"])
                model.append(d["model"])
                tin.append(d["in"])
                tout.append(d["out"])
                images.append(d.get("img", 0))
                seconds.append(d["s"])
                ttft.append(d.get("ttft"))
                c = d.get("cost")
                cost.append(None if c is None else float(c))
                outcome.append(d["outcome"])
        return out

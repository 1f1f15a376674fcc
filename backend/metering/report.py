"""The Usage report: read a date range of usage records (admins only) and total them by day, user, page
and model. The aggregation functions are pure (a DataFrame in, a DataFrame out)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from backend.appdb.usage import UsageLog
from backend.auth.identity import Identity, require_admin

Dimension = Literal["day", "user", "page", "model"]
COLUMNS = [
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
]


@dataclass(frozen=True)
class UsageData:
    frame: pd.DataFrame  # one row per model call, COLUMNS (plus "day")
    query_seconds: float


@dataclass(frozen=True)
class Totals:
    calls: int
    input_tokens: int
    output_tokens: int
    cost: float  # of the calls whose model has a price
    unpriced_calls: int
    median_seconds: float | None
    errors: int


def to_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["day"] = frame["at"].str.slice(0, 10)
    return frame


def totals(frame: pd.DataFrame) -> Totals:
    return Totals(
        calls=len(frame),
        input_tokens=int(frame["input_tokens"].sum()),
        output_tokens=int(frame["output_tokens"].sum()),
        cost=float(frame["cost"].sum(skipna=True)),
        unpriced_calls=int(frame["cost"].isna().sum()),
        median_seconds=None if frame.empty else float(frame["seconds"].median()),
        errors=int((frame["outcome"] != "ok").sum()),
    )


def totals_by(frame: pd.DataFrame, dimension: Dimension) -> pd.DataFrame:
    """Calls, tokens, cost (priced calls), unpriced calls and median seconds per value of ``dimension``.

    Days come oldest first; users, pages and models by cost, then calls, largest first.
    """
    grouped = frame.groupby(dimension, sort=True)
    out = pd.DataFrame(
        {
            "calls": grouped.size(),
            "input_tokens": grouped["input_tokens"].sum(),
            "output_tokens": grouped["output_tokens"].sum(),
            "cost": grouped["cost"].sum(min_count=0),
            "unpriced_calls": grouped["cost"].apply(lambda c: int(c.isna().sum())),
            "median_seconds": grouped["seconds"].median(),
        }
    )
    out.index.name = dimension
    if dimension != "day":
        out = out.sort_values(["cost", "calls"], ascending=False, kind="stable")
    return out


class UsageReport:
    def __init__(self, log: UsageLog) -> None:
        self._log = log

    def load(self, actor: Identity, first: date, last: date) -> UsageData:
        """Every model call from ``first`` to ``last`` (UTC days); refuses anyone but an admin."""
        require_admin(actor, "see usage and cost")
        started = time.perf_counter()
        rows = self._log.rows(first, last)
        frame = to_frame(rows)
        return UsageData(frame=frame, query_seconds=time.perf_counter() - started)

"""The Usage report: model calls totalled by day, user, page and model (admins only).

Finished days are read from their rollup (one small item per day, written the first time a report
covers the day); only today's calls are read one by one. The aggregation functions are pure.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import pandas as pd

from backend.appdb.timestamps import utc_now
from backend.appdb.usage import COLUMNS, UsageLog, days_between
from backend.auth.identity import Identity, require_admin

logger = logging.getLogger(__name__)

Dimension = Literal["day", "user", "page", "model"]
GROUP_KEYS = ["day", "user", "page", "model", "outcome"]
SUMS = ["calls", "input_tokens", "output_tokens", "images", "cost", "unpriced_calls", "seconds"]
# A day is rolled up once it has been over for this long (late writes from a slow call are in by then).
ROLLUP_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class UsageData:
    frame: pd.DataFrame  # GROUP_KEYS + SUMS: one row per day, user, page, model and outcome
    query_seconds: float


@dataclass(frozen=True)
class Totals:
    calls: int
    input_tokens: int
    output_tokens: int
    cost: float  # of the calls whose model has a price
    unpriced_calls: int
    mean_seconds: float | None
    errors: int


def aggregate(columns: dict[str, list[Any]]) -> pd.DataFrame:
    """Raw calls (``UsageLog.columns``) summed per day, user, page, model and outcome."""
    raw = pd.DataFrame(columns)
    if raw.empty:
        return pd.DataFrame(columns=GROUP_KEYS + SUMS)
    raw["cost"] = raw["cost"].astype("float64")
    raw["calls"] = 1
    raw["unpriced_calls"] = raw["cost"].isna().astype(int)
    summed = raw.groupby(GROUP_KEYS, sort=True)[SUMS].sum(min_count=1)
    summed["cost"] = summed["cost"].fillna(0.0)
    return summed.reset_index()


def totals(frame: pd.DataFrame) -> Totals:
    calls = int(frame["calls"].sum())
    return Totals(
        calls=calls,
        input_tokens=int(frame["input_tokens"].sum()),
        output_tokens=int(frame["output_tokens"].sum()),
        cost=float(frame["cost"].sum()),
        unpriced_calls=int(frame["unpriced_calls"].sum()),
        mean_seconds=float(frame["seconds"].sum()) / calls if calls else None,
        errors=int(frame.loc[frame["outcome"] != "ok", "calls"].sum()),
    )


def totals_by(frame: pd.DataFrame, dimension: Dimension) -> pd.DataFrame:
    """Calls, tokens, cost (priced calls), unpriced calls and mean seconds per value of ``dimension``.

    Days come oldest first; users, pages and models by cost, then calls, largest first.
    """
    out = frame.groupby(dimension, sort=True)[
        ["calls", "input_tokens", "output_tokens", "cost", "unpriced_calls", "seconds"]
    ].sum()
    out["mean_seconds"] = out.pop("seconds") / out["calls"]
    out = out.astype({"calls": int, "input_tokens": int, "output_tokens": int, "unpriced_calls": int})
    if dimension != "day":
        out = out.sort_values(["cost", "calls"], ascending=False, kind="stable")
    return out


class UsageReport:
    def __init__(self, log: UsageLog, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._log = log
        self._clock = clock

    def load(self, actor: Identity, first: date, last: date) -> UsageData:
        """Every model call from ``first`` to ``last`` (UTC days), totalled; refuses anyone but an admin."""
        require_admin(actor, "see usage and cost")
        started = time.perf_counter()
        finished_before = (self._clock() - ROLLUP_AFTER).date()
        parts: list[pd.DataFrame] = []
        for day in days_between(first, last):
            saved = self._log.rollup(day) if day < finished_before else None
            if saved is not None:
                parts.append(pd.DataFrame(saved, columns=GROUP_KEYS + SUMS))
                continue
            summed = aggregate(self._log.columns(day, day))
            if day < finished_before:
                self._save_rollup(day, summed)
            parts.append(summed)
        frame = pd.concat([p for p in parts if not p.empty] or [aggregate({})], ignore_index=True)
        return UsageData(frame=frame, query_seconds=time.perf_counter() - started)

    def _save_rollup(self, day: date, summed: pd.DataFrame) -> None:
        try:
            self._log.save_rollup(day, summed.to_dict(orient="records"))
        except Exception:  # too large for one item, say: the day is simply read in full next time
            logger.warning("Could not save the usage rollup for %s", day, exc_info=True)

    def calls_csv(self, actor: Identity, first: date, last: date) -> str:
        """Every call in the range, one CSV row each (read in full: for the export button)."""
        require_admin(actor, "export usage")
        frame = pd.DataFrame(self._log.columns(first, last))
        out = io.StringIO()
        frame.to_csv(out, index=False, columns=list(COLUMNS))
        return out.getvalue()

"""Admin → Usage with 100,000 usage records: the query time and the page's full render time.

Finished days are read from their daily rollup (written by the first report that covers them), so the
figures after the first report are the steady state; the first report's time is printed too.

Run: .venv/bin/python -m bench.usage_page --rows 100000 --days 30
The records are written straight into a temporary SQLite app database (one transaction), spread over
``--days`` UTC days, 12 users, 6 pages and 4 models; the page then renders the default 30-day range.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from backend.appdb.sqlite import SqliteStore
from backend.appdb.usage import UsageLog, UsageRecord, to_item
from backend.auth.identity import LOCAL_OWNER
from backend.metering.report import UsageReport
from backend.settings import Settings
from bench._util import REPO_ROOT, summary

MODELS = [
    ("SmolLM2-135M-Instruct", Decimal(0), Decimal(0)),
    ("us.anthropic.claude-haiku-4-5-20251001-v1:0", Decimal("0.001"), Decimal("0.005")),
    ("us.amazon.nova-lite-v1:0", Decimal("0.00006"), Decimal("0.00024")),
    ("meta.unpriced-v1:0", None, None),
]
PAGES = ["Chatbot", "HR Policy Q&A", "Prompt lab", "Code & Blog", "Summarizer", "Course Q&A"]


def seed(store: SqliteStore, rows: int, days: int) -> None:
    rng = random.Random(7)
    now = datetime.now(UTC)
    items = []
    for _ in range(rows):
        model, price_in, price_out = rng.choice(MODELS)
        tin, tout = rng.randint(20, 3000), rng.randint(5, 800)
        cost = None if price_in is None else price_in * tin / 1000 + price_out * tout / 1000  # type: ignore[operator]
        record = UsageRecord(
            at=now - timedelta(seconds=rng.uniform(0, days * 86400 - 3600)),
            user=f"user{rng.randint(1, 12)}",
            page=rng.choice(PAGES),
            model=model,
            input_tokens=tin,
            output_tokens=tout,
            seconds=rng.uniform(0.2, 9.0),
            first_token_seconds=rng.uniform(0.05, 1.0),
            cost=cost,
            outcome="ok" if rng.random() > 0.02 else "error",
        )
        item = to_item(record)
        items.append((item.pk, item.sk, json.dumps(item.data, separators=(",", ":"))))
    db = store._db  # bulk load for the benchmark only; the app writes one record per call
    db.execute("BEGIN")
    db.executemany("INSERT INTO items (pk, sk, data) VALUES (?, ?, ?)", items)
    db.execute("COMMIT")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import os

    from streamlit.testing.v1 import AppTest

    from ui.resources import OVERRIDES_KEY

    os.chdir(REPO_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "app.db")
        started = time.perf_counter()
        seed(store, args.rows, args.days)
        seconds = time.perf_counter() - started
        print(f"seeded {args.rows:,} usage records over {args.days} days in {seconds:.1f} s")
        report = UsageReport(UsageLog(store))
        today = datetime.now(UTC).date()
        first_load = report.load(LOCAL_OWNER, today - timedelta(days=29), today).query_seconds
        print(f"first report (reads every call, writes 29 daily rollups): {first_load:.2f} s")
        month = (today - timedelta(days=29), today)
        queries = [report.load(LOCAL_OWNER, *month).query_seconds for _ in range(args.runs)]
        settings = Settings(APP_PROVIDER="local", DATA_DIR=Path(tmp) / "data")
        renders = []
        for _ in range(args.runs):
            at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
            at.session_state[OVERRIDES_KEY] = {"settings": settings, "app_store": store}
            at.run()
            at.switch_page("pages/usage.py")
            started = time.perf_counter()
            at.run()
            renders.append(time.perf_counter() - started)
            assert not at.exception, at.exception
            calls = {m.label: m.value for m in at.metric}["Model calls"]
        print(f"records in the default 30-day range: {calls}")
        print(summary("query (29 rollups + today's calls, totalled)", queries, "s"))
        print(summary("Usage page render (AppTest run, query included)", renders, "s"))


if __name__ == "__main__":
    main()

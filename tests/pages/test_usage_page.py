from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from backend.appdb.sqlite import SqliteStore
from backend.appdb.usage import UsageLog, UsageRecord
from backend.auth.identity import Identity
from backend.settings import Settings

PAGE = "pages/usage.py"


def seeded_store(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    log = UsageLog(store)
    now = datetime.now(UTC)
    log.record(UsageRecord(now, "ana", "Chatbot", "anthropic.x", 1000, 200, 1.5, 0.2, Decimal("0.002"), "ok"))
    log.record(UsageRecord(now - timedelta(days=1), "bo", "Prompt lab", "SmolLM2-135M-Instruct", 50, 5, 3.5))
    log.record(UsageRecord(now, "bo", "Summarizer", "meta.unpriced", 10, 10, 0.5, None, None, "error"))
    return store


def test_admin_sees_totals_charts_and_can_export(
    open_page: Callable[..., AppTest], app_settings: Settings, tmp_path: Path
) -> None:
    store = seeded_store(tmp_path / "usage.db")
    at = open_page(PAGE, {"settings": app_settings, "app_store": store})
    assert not at.exception
    assert at.title[0].value == "Usage"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Model calls"] == "3"
    assert metrics["Tokens in / out"] == "1,060 / 215"
    assert metrics["Estimated cost"] == "$0.0020"
    assert metrics["Mean time per call"] == "1.83 s"
    assert any("1 calls used a model with no price" in c.value for c in at.caption)
    assert any(c.value.startswith("3 model calls totalled in ") for c in at.caption)
    assert len(at.tabs) == 4
    assert [d.proto.label for d in at.get("download_button")] == ["Export every call (CSV)"]
    frames = [df.value for df in at.dataframe]
    by_user = frames[1]
    assert list(by_user.index) == ["ana", "bo"]


def test_staff_get_admins_only(
    open_page: Callable[..., AppTest], app_settings: Settings, tmp_path: Path
) -> None:
    store = seeded_store(tmp_path / "usage.db")
    staff = {"settings": app_settings, "app_store": store, "identity": Identity("ana", "staff")}
    at = open_page("pages/admins_only.py", staff)  # what the shell registers at /usage for staff
    assert not at.exception
    assert [t.value for t in at.title] == ["Admins only"]
    assert not at.metric
    assert not at.get("download_button")


def test_no_calls_yet(open_page: Callable[..., AppTest], app_settings: Settings) -> None:
    at = open_page(PAGE, {"settings": app_settings})
    assert not at.exception
    assert at.info[0].value == "No model calls in these days yet."

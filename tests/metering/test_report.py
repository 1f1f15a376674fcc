from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from backend.appdb.sqlite import SqliteStore
from backend.appdb.usage import UsageLog, UsageRecord
from backend.auth.identity import Identity, PermissionDeniedError
from backend.metering.report import UsageReport, totals, totals_by

T0 = datetime(2026, 11, 28, 10, tzinfo=UTC)
ADMIN = Identity("hr", "admin")
STAFF = Identity("ana", "staff")


@pytest.fixture
def report(tmp_path: Path) -> UsageReport:
    log = UsageLog(SqliteStore(tmp_path / "app.db"))
    calls = [
        (0, "ana", "Chatbot", "SmolLM2-135M-Instruct", 100, 20, 2.0, Decimal(0), "ok"),
        (0, "bo", "Prompt lab", "anthropic.x", 1000, 500, 1.0, Decimal("0.0035"), "ok"),
        (1, "ana", "Chatbot", "anthropic.x", 2000, 100, 3.0, Decimal("0.0025"), "ok"),
        (1, "ana", "Summarizer", "meta.unpriced", 10, 10, 4.0, None, "error"),
        (5, "bo", "Chatbot", "anthropic.x", 1, 1, 1.0, Decimal("0.1"), "ok"),  # outside the range
    ]
    for day, user, page, model, tin, tout, seconds, cost, outcome in calls:
        log.record(
            UsageRecord(T0 + timedelta(days=day), user, page, model, tin, tout, seconds, None, cost, outcome)  # type: ignore[arg-type]
        )
    return UsageReport(log)


def test_only_admins_read_usage(report: UsageReport) -> None:
    with pytest.raises(PermissionDeniedError, match="Only admins can see usage and cost"):
        report.load(STAFF, date(2026, 11, 28), date(2026, 11, 29))


def test_totals_by_day_user_page_and_model(report: UsageReport) -> None:
    data = report.load(ADMIN, date(2026, 11, 28), date(2026, 11, 29))
    frame = data.frame
    assert data.query_seconds >= 0
    overall = totals(frame)
    assert (overall.calls, overall.input_tokens, overall.output_tokens) == (4, 3110, 630)
    assert overall.cost == pytest.approx(0.006)
    assert (overall.unpriced_calls, overall.errors, overall.median_seconds) == (1, 1, 2.5)

    by_day = totals_by(frame, "day")
    assert list(by_day.index) == ["2026-11-28", "2026-11-29"]
    assert list(by_day["calls"]) == [2, 2]
    assert list(by_day["cost"]) == pytest.approx([0.0035, 0.0025])

    by_user = totals_by(frame, "user")
    assert list(by_user.index) == ["bo", "ana"]  # by cost, largest first
    assert by_user.loc["ana", "calls"] == 3
    assert by_user.loc["ana", "unpriced_calls"] == 1

    by_model = totals_by(frame, "model")
    assert list(by_model.index) == ["anthropic.x", "SmolLM2-135M-Instruct", "meta.unpriced"]
    assert by_model.loc["anthropic.x", "input_tokens"] == 3000
    assert by_model.loc["anthropic.x", "median_seconds"] == 2.0

    by_page = totals_by(frame, "page")
    assert set(by_page.index) == {"Chatbot", "Prompt lab", "Summarizer"}
    assert by_page.loc["Chatbot", "calls"] == 2


def test_an_empty_range_is_empty_not_an_error(report: UsageReport) -> None:
    frame = report.load(ADMIN, date(2027, 1, 1), date(2027, 1, 2)).frame
    assert totals(frame).calls == 0
    assert totals(frame).median_seconds is None
    assert totals_by(frame, "user").empty

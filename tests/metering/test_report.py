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
    assert (overall.unpriced_calls, overall.errors, overall.mean_seconds) == (1, 1, 2.5)

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
    assert by_model.loc["anthropic.x", "mean_seconds"] == 2.0

    by_page = totals_by(frame, "page")
    assert set(by_page.index) == {"Chatbot", "Prompt lab", "Summarizer"}
    assert by_page.loc["Chatbot", "calls"] == 2


def test_an_empty_range_is_empty_not_an_error(report: UsageReport) -> None:
    frame = report.load(ADMIN, date(2027, 1, 1), date(2027, 1, 2)).frame
    assert totals(frame).calls == 0
    assert totals(frame).mean_seconds is None
    assert totals_by(frame, "user").empty


def test_finished_days_are_read_from_their_rollup_and_today_in_full(tmp_path: Path) -> None:
    log = UsageLog(SqliteStore(tmp_path / "app.db"))
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    report = UsageReport(log, clock=lambda: now)
    yesterday, today = date(2026, 12, 1), date(2026, 12, 2)
    log.record(UsageRecord(now - timedelta(days=1), "ana", "Chatbot", "m", 10, 1, 1.0, None, Decimal(1)))
    log.record(UsageRecord(now, "ana", "Chatbot", "m", 10, 1, 1.0, None, Decimal(1)))
    assert totals(report.load(ADMIN, yesterday, today).frame).calls == 2
    assert log.rollup(yesterday) is not None
    assert log.rollup(today) is None  # today is not over
    # a second report reads yesterday's rollup, and today's calls as they come
    log.record(UsageRecord(now, "bo", "Chatbot", "m", 10, 1, 1.0, None, Decimal(1)))
    frame = report.load(ADMIN, yesterday, today).frame
    assert totals(frame).calls == 3
    assert totals(frame).cost == 3.0
    assert list(totals_by(frame, "day")["calls"]) == [1, 2]


def test_the_csv_export_has_every_call(report: UsageReport) -> None:
    text = report.calls_csv(ADMIN, date(2026, 11, 28), date(2026, 11, 29))
    lines = text.splitlines()
    assert lines[0].startswith("at,user,page,model,input_tokens,output_tokens")
    assert len(lines) == 5
    with pytest.raises(PermissionDeniedError):
        report.calls_csv(STAFF, date(2026, 11, 28), date(2026, 11, 29))

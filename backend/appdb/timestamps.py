"""Timestamps as sort keys: fixed-width ISO-8601 UTC strings sort in time order as bytes."""

from __future__ import annotations

from datetime import UTC, datetime


def stamp(moment: datetime) -> str:
    """``2026-11-30T05:20:24.123456Z``: fixed width, so lexical order is time order."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def utc_now() -> datetime:
    """The default clock of the record-writing services (tests pass their own)."""
    return datetime.now(UTC)

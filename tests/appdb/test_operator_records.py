"""Usage, feedback, the Ask-HR queue, gap-group status and saved lab variants on both engines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from backend.appdb.feedback import FeedbackLog, FeedbackRecord
from backend.appdb.gap_groups import GapGroupStatuses, GroupStatusRecord
from backend.appdb.handoff import HandoffItem, HandoffRepository
from backend.appdb.lab_variants import LabVariantRepository, SavedVariant
from backend.appdb.store import AppStore
from backend.appdb.usage import UsageLog, UsageRecord

T0 = datetime(2026, 11, 30, 23, 59, 59, tzinfo=UTC)


def test_usage_records_round_trip_by_utc_day(store: AppStore) -> None:
    log = UsageLog(store)
    first = UsageRecord(T0, "ana", "Chatbot", "anthropic.x", 120, 45, 1.5, 0.25, Decimal("0.000345"), "ok")
    unknown = UsageRecord(
        T0 + timedelta(seconds=2), "bo", "Prompt lab", "meta.y", 3, 4, 0.5, None, None, "error"
    )
    poster = UsageRecord(T0 - timedelta(days=1), "ana", "Movie poster", "amazon.nova-canvas-v1:0", images=1)
    for record in (first, unknown, poster):
        log.record(record)
    assert log.between(date(2026, 11, 30), date(2026, 11, 30)) == [first]
    assert log.between(date(2026, 12, 1), date(2026, 12, 1)) == [unknown]  # next UTC day
    assert log.between(date(2026, 11, 29), date(2026, 12, 1)) == [poster, first, unknown]
    assert log.between(date(2026, 12, 1), date(2026, 11, 29)) == []
    columns = log.columns(date(2026, 11, 30), date(2026, 12, 1))
    assert columns["cost"] == [0.000345, None]
    assert columns["outcome"] == ["ok", "error"]
    assert columns["day"] == ["2026-11-30", "2026-12-01"]
    assert columns["at"] == ["2026-11-30T23:59:59.000000Z", "2026-12-01T00:00:01.000000Z"]


def test_feedback_rerating_replaces_and_gaps_are_the_negative_ones(store: AppStore) -> None:
    log = FeedbackLog(store)
    base = FeedbackRecord(
        "a1",
        T0,
        "ana",
        "HR Policy Q&A",
        "up",
        "How many days of leave?",
        "24 days",
        ("leave.pdf#page=2",),
        "m",
    )
    log.record(base)
    down = FeedbackRecord(**{**base.__dict__, "signal": "down", "comment": "It is 30 for me"})
    log.record(down)  # the same user changes their mind: one rating, now down
    refused = FeedbackRecord(
        "a2", T0 + timedelta(seconds=1), "bo", "HR Policy Q&A", "refused", "Is there a gym?"
    )
    happy = FeedbackRecord("a3", T0 + timedelta(seconds=2), "bo", "Chatbot", "up", "hi", "hello")
    log.record(refused)
    log.record(happy)
    assert log.since() == [down, refused, happy]
    assert log.gaps() == [down, refused]
    assert log.gaps(T0 + timedelta(seconds=1)) == [refused]
    log.remove(happy)
    assert log.since() == [down, refused]


def test_the_handoff_queue(store: AppStore) -> None:
    repo = HandoffRepository(store)
    item = HandoffItem("h1", T0, "ana", "Can I carry over leave?", note="I have 10 days left")
    repo.add(item)
    repo.add(HandoffItem("h2", T0 + timedelta(minutes=1), "bo", "Gym?"))
    assert [i.id for i in repo.all()] == ["h1", "h2"]
    answered = repo.update(item, status="answered", reply="Up to 5 days.", answered_by="hr", answered_at=T0)
    assert repo.find("h1") == answered
    assert repo.find("nope") is None


def test_gap_group_status(store: AppStore) -> None:
    statuses = GapGroupStatuses(store)
    assert statuses.all() == {}
    record = GroupStatusRecord("g-abc", "document updated", "hr", T0, "leave policy v3")
    statuses.set(record)
    statuses.set(GroupStatusRecord("g-def", "won't fix", "hr", T0))
    assert statuses.all()["g-abc"] == record
    assert statuses.all()["g-def"].status == "won't fix"


def test_saved_lab_variants_are_per_owner(store: AppStore) -> None:
    repo = LabVariantRepository(store)
    repo.save(SavedVariant("ana", "few-shot", T0, {"template_id": "product_description"}))
    repo.save(SavedVariant("ana", "few-shot", T0 + timedelta(hours=1), {"template_id": "hippo_good"}))
    repo.save(SavedVariant("bo", "mine", T0, {"template_id": "role_email"}))
    assert [(v.name, v.variant["template_id"]) for v in repo.list("ana")] == [("few-shot", "hippo_good")]
    assert repo.get("bo", "few-shot") is None
    assert [v.name for v in repo.list("bo")] == ["mine"]
    assert repo.delete("ana", "few-shot")
    assert repo.list("ana") == []

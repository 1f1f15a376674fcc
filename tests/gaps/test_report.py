from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from backend.appdb.feedback import FeedbackLog, FeedbackRecord, Signal
from backend.appdb.gap_groups import GapGroupStatuses
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity, PermissionDeniedError
from backend.gaps.report import KnowledgeGapReport, to_csv
from backend.rag.types import Chunk, ScoredChunk
from tests.gaps.fakes import TopicEmbeddings

T0 = datetime(2026, 11, 30, 9, tzinfo=UTC)
ADMIN = Identity("hr", "admin")
STAFF = Identity("ana", "staff")


class FakeRetriever:
    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        self.queries.append(query)
        chunk = Chunk("c1", "benefits.pdf", 3, "Benefits", "Wellbeing", "Staff get a wellbeing budget.", "h")
        return [ScoredChunk(chunk, 0.4321)][:k]


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "app.db")


def seed(log: FeedbackLog) -> None:
    signals: list[tuple[str, Signal, str]] = [
        ("Does the company pay for a gym?", "refused", ""),
        ("Where can I park?", "low_confidence", ""),
        ("Is there a fitness allowance?", "down", "The answer was about travel"),
        ("does the company pay for a GYM", "refused", ""),
        ("Can I bring my dog?", "refused", ""),
        ("How many days of leave?", "up", ""),  # a happy answer is not a gap
        ("Is office parking free?", "refused", ""),
        ("Can I get my gym fees back?", "refused", ""),
    ]
    for n, (question, signal, comment) in enumerate(signals):
        log.record(
            FeedbackRecord(
                f"a{n}", T0 + timedelta(minutes=n), "ana", "HR Policy Q&A", signal, question, comment=comment
            )
        )


def make_report(store: SqliteStore, retriever: FakeRetriever | None = None) -> KnowledgeGapReport:
    embeddings = TopicEmbeddings()
    return KnowledgeGapReport(
        FeedbackLog(store),
        GapGroupStatuses(store),
        lambda: embeddings,
        (lambda: retriever) if retriever else None,
        clock=lambda: T0,
    )


def test_an_answer_flagged_low_confidence_and_rated_down_counts_as_one_question(store: SqliteStore) -> None:
    log = FeedbackLog(store)
    question = "Can I claim laundry on a short trip?"
    log.record(FeedbackRecord("a1", T0, "ana", "HR Policy Q&A", "low_confidence", question))
    log.record(FeedbackRecord("a1", T0, "ana", "HR Policy Q&A", "down", question, comment="yes or no?"))
    log.record(FeedbackRecord("a2", T0, "bo", "HR Policy Q&A", "low_confidence", question))

    (group,) = make_report(store).groups(ADMIN)

    assert group.count == 2  # two answers, one of them both flagged and rated down
    assert group.signals == {"low confidence": 2, "rated down": 1}
    assert group.comments == ("yes or no?",)


def test_groups_by_topic_with_counts_examples_signals_and_status(store: SqliteStore) -> None:
    seed(FeedbackLog(store))
    report = make_report(store)
    groups = report.groups(ADMIN)
    assert [g.count for g in groups] == [4, 2, 1]
    gym, parking, pets = groups
    assert gym.examples[0] == "Does the company pay for a gym?"  # asked twice: listed first
    assert set(gym.examples) == {
        "Does the company pay for a gym?",
        "Is there a fitness allowance?",
        "Can I get my gym fees back?",
    }
    assert gym.signals == {"refused": 3, "rated down": 1}
    assert gym.comments == ("The answer was about travel",)
    assert parking.signals == {"refused": 1, "low confidence": 1}
    assert pets.examples == ("Can I bring my dog?",)
    assert all(g.status == "open" for g in groups)

    report.set_status(ADMIN, gym.key, "document updated", "benefits v2")
    again = report.groups(ADMIN)
    assert again[0].key == gym.key  # the same group keeps its key on every run
    assert again[0].status == "document updated"


def test_a_new_question_joins_its_group_without_changing_the_key(store: SqliteStore) -> None:
    log = FeedbackLog(store)
    seed(log)
    before = {g.title: g.key for g in make_report(store).groups(ADMIN)}
    log.record(
        FeedbackRecord("new", T0 + timedelta(hours=1), "bo", "HR Policy Q&A", "refused", "Gym discount?")
    )
    after = make_report(store).groups(ADMIN)
    assert after[0].count == 5
    assert set(before.values()) == {g.key for g in after}


def test_staff_cannot_read_or_change_the_report(store: SqliteStore) -> None:
    report = make_report(store)
    with pytest.raises(PermissionDeniedError):
        report.groups(STAFF)
    with pytest.raises(PermissionDeniedError):
        report.set_status(STAFF, "g-x", "won't fix")


def test_closest_passages_and_csv(store: SqliteStore) -> None:
    seed(FeedbackLog(store))
    retriever = FakeRetriever()
    report = make_report(store, retriever)
    groups = report.groups(ADMIN)
    passages = report.closest_passages(ADMIN, groups[0])
    assert retriever.queries == [groups[0].title]
    assert [(p.cite, p.score) for p in passages] == [("[benefits.pdf#page=3]", 0.432)]
    rows = list(
        csv.DictReader(
            io.StringIO(to_csv([g.__class__(**{**g.__dict__, "passages": passages}) for g in groups]))
        )
    )
    assert [r["questions"] for r in rows] == ["4", "2", "1"]
    assert rows[0]["refused"] == "3"
    assert rows[0]["rated down"] == "1"
    assert rows[0]["closest passages"] == "[benefits.pdf#page=3]"
    assert rows[0]["status"] == "open"
    assert make_report(store).closest_passages(ADMIN, groups[0]) == ()

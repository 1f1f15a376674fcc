"""Record kind: feedback on answers, from people (thumbs up or down, an optional comment) and from the
Q&A itself (a refusal, a low-confidence answer). Stored with the question, the answer, its citations
and the model; the knowledge-gap report reads the negative ones.

Keys: partition ``FEEDBACK``, sort key = the answer's id + the source (``user`` or ``auto``), so rating
the same answer again replaces the earlier rating instead of adding one. Reads sort by time in Python:
an HR team's feedback is small.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from backend.appdb.store import AppStore, Item
from backend.appdb.timestamps import parse_stamp, stamp

Signal = Literal["up", "down", "refused", "low_confidence"]
GAP_SIGNALS: frozenset[str] = frozenset({"down", "refused", "low_confidence"})
PK = "FEEDBACK"
MAX_COMMENT_CHARS = 1000
MAX_TEXT_CHARS = 8000


@dataclass(frozen=True)
class FeedbackRecord:
    answer_id: str
    at: datetime
    user: str
    page: str
    signal: Signal
    question: str
    answer: str = ""
    citations: tuple[str, ...] = ()
    model: str = ""
    comment: str = ""

    @property
    def source(self) -> str:
        return "user" if self.signal in ("up", "down") else "auto"


def to_item(record: FeedbackRecord) -> Item:
    return Item(
        PK,
        f"{record.answer_id}#{record.source}",
        {
            "at": stamp(record.at),
            "user": record.user,
            "page": record.page,
            "signal": record.signal,
            "question": record.question[:MAX_TEXT_CHARS],
            "answer": record.answer[:MAX_TEXT_CHARS],
            "citations": list(record.citations),
            "model": record.model,
            "comment": record.comment[:MAX_COMMENT_CHARS],
        },
    )


def from_item(item: Item) -> FeedbackRecord:
    answer_id = item.sk.rsplit("#", 1)[0]
    d = item.data
    return FeedbackRecord(
        answer_id=answer_id,
        at=parse_stamp(d["at"]),
        user=d["user"],
        page=d["page"],
        signal=d["signal"],
        question=d["question"],
        answer=d.get("answer", ""),
        citations=tuple(d.get("citations", ())),
        model=d.get("model", ""),
        comment=d.get("comment", ""),
    )


class FeedbackLog:
    def __init__(self, store: AppStore) -> None:
        self.store = store

    def record(self, record: FeedbackRecord) -> None:
        """Save a rating or a signal; the same answer rated again replaces the earlier rating."""
        self.store.put(to_item(record))

    def remove(self, record: FeedbackRecord) -> None:
        """Withdraw a rating (the user cleared the thumbs)."""
        self.store.delete(PK, to_item(record).sk)

    def since(self, moment: datetime | None = None) -> list[FeedbackRecord]:
        """All feedback at or after ``moment`` (everything when None), oldest first."""
        records = [from_item(i) for i in self.store.query(PK)]
        if moment is not None:
            records = [r for r in records if r.at >= moment]
        return sorted(records, key=lambda r: (r.at, r.answer_id))

    def gaps(self, moment: datetime | None = None) -> list[FeedbackRecord]:
        """Rated-down, refused and low-confidence answers: the knowledge-gap report's input."""
        return [r for r in self.since(moment) if r.signal in GAP_SIGNALS]

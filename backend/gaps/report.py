"""The knowledge-gap report: refused, low-confidence and rated-down questions, grouped by topic, each
group with its count, example questions, the closest policy passages and a status (admins only)."""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from langchain_core.embeddings import Embeddings

from backend.appdb.feedback import FeedbackLog, FeedbackRecord
from backend.appdb.gap_groups import GapGroupStatuses, GroupStatus, GroupStatusRecord
from backend.appdb.timestamps import utc_now
from backend.auth.identity import Identity, require_admin
from backend.gaps.clustering import DEFAULT_THRESHOLD, cluster_vectors, group_key, medoid, normalise_question
from backend.rag.types import PolicyRetriever

logger = logging.getLogger(__name__)

MAX_EXAMPLES = 5
PASSAGES_PER_GROUP = 3
SIGNAL_LABELS = {"refused": "refused", "low_confidence": "low confidence", "down": "rated down"}


@dataclass(frozen=True)
class Passage:
    cite: str  # "[file.pdf#page=N]"
    text: str
    score: float


@dataclass(frozen=True)
class GapGroup:
    key: str
    title: str  # the group's most typical question
    count: int  # answers given to its questions (the same question asked twice counts twice)
    examples: tuple[str, ...]
    signals: dict[str, int]
    first_seen: datetime
    last_seen: datetime
    status: GroupStatus = "open"
    passages: tuple[Passage, ...] = ()
    comments: tuple[str, ...] = field(default_factory=tuple)


def group_questions(
    records: Sequence[FeedbackRecord], embeddings: Embeddings, threshold: float = DEFAULT_THRESHOLD
) -> list[GapGroup]:
    """Cluster ``records`` (oldest first) by their question's meaning; largest groups first."""
    by_text: dict[str, list[FeedbackRecord]] = {}
    for record in sorted(records, key=lambda r: (r.at, r.answer_id)):
        if record.question.strip():
            by_text.setdefault(normalise_question(record.question), []).append(record)
    if not by_text:
        return []
    texts = list(by_text)
    firsts = [by_text[t][0].question.strip() for t in texts]
    vectors = np.asarray(embeddings.embed_documents(firsts), dtype=np.float64)
    groups: list[GapGroup] = []
    for members in cluster_vectors(vectors, threshold):
        asked = [r for m in members for r in by_text[texts[m]]]
        counts: Counter[str] = Counter(r.signal for r in asked)
        by_frequency = sorted(members, key=lambda m: (-len({r.answer_id for r in by_text[texts[m]]}), m))
        groups.append(
            GapGroup(
                key=group_key(firsts[members[0]]),
                title=firsts[medoid(vectors, members)],
                count=len({r.answer_id for r in asked}),  # an answer flagged and rated down is one question
                examples=tuple(firsts[m] for m in by_frequency[:MAX_EXAMPLES]),
                signals={SIGNAL_LABELS[s]: counts[s] for s in SIGNAL_LABELS if counts[s]},
                first_seen=min(r.at for r in asked),
                last_seen=max(r.at for r in asked),
                comments=tuple(r.comment for r in asked if r.comment)[:MAX_EXAMPLES],
            )
        )
    return sorted(groups, key=lambda g: (-g.count, g.first_seen))


def to_csv(groups: Sequence[GapGroup]) -> str:
    """The report as CSV, one row per group."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["group", "status", "questions", "refused", "low confidence", "rated down", "typical question",
         "example questions", "user comments", "closest passages", "first seen", "last seen"]
    )  # fmt: skip
    for g in groups:
        writer.writerow(
            [
                g.key,
                g.status,
                g.count,
                g.signals.get("refused", 0),
                g.signals.get("low confidence", 0),
                g.signals.get("rated down", 0),
                g.title,
                " | ".join(g.examples),
                " | ".join(g.comments),
                " ".join(p.cite for p in g.passages),
                g.first_seen.isoformat(timespec="seconds"),
                g.last_seen.isoformat(timespec="seconds"),
            ]
        )
    return out.getvalue()


class KnowledgeGapReport:
    """Reads and annotates the report; every operation takes the acting user and refuses staff."""

    def __init__(
        self,
        feedback: FeedbackLog,
        statuses: GapGroupStatuses,
        embeddings: Callable[[], Embeddings],
        retriever: Callable[[], PolicyRetriever] | None = None,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._feedback = feedback
        self._statuses = statuses
        self._embeddings = embeddings
        self._retriever = retriever
        self._threshold = threshold
        self._clock = clock

    def groups(self, actor: Identity, since: datetime | None = None) -> list[GapGroup]:
        require_admin(actor, "see the knowledge-gap report")
        groups = group_questions(self._feedback.gaps(since), self._embeddings(), self._threshold)
        return self.with_statuses(actor, groups)

    def with_statuses(self, actor: Identity, groups: Sequence[GapGroup]) -> list[GapGroup]:
        """``groups`` with the statuses admins gave them (cheap: no re-clustering)."""
        require_admin(actor, "see the knowledge-gap report")
        statuses = self._statuses.all()
        return [replace(g, status=statuses[g.key].status if g.key in statuses else "open") for g in groups]

    def closest_passages(self, actor: Identity, group: GapGroup) -> tuple[Passage, ...]:
        """The policy passages nearest the group's typical question (what HR may need to extend)."""
        require_admin(actor, "see the knowledge-gap report")
        if self._retriever is None:
            return ()
        hits = self._retriever().search(group.title, PASSAGES_PER_GROUP)
        return tuple(
            Passage(f"[{h.chunk.file}#page={h.chunk.page}]", h.chunk.text, round(h.score, 3)) for h in hits
        )

    def set_status(self, actor: Identity, key: str, status: GroupStatus, note: str = "") -> None:
        require_admin(actor, "change a knowledge-gap group's status")
        self._statuses.set(GroupStatusRecord(key, status, actor.username, self._clock(), note))

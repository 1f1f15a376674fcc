"""Reciprocal rank fusion: combine rankings whose scores are not comparable (cosine vs BM25)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

# The constant from Cormack et al. (2009): damps the head so one list's first place cannot dominate.
RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[K]], *, k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[K, float]]:
    """Fuse best-first rankings into one: score(d) = sum_i w_i / (k + rank_i(d)), ranks 1-based.

    Ties keep the order in which items were first seen (earlier lists, better ranks first), so the
    result is deterministic.
    """
    if weights is not None and len(weights) != len(rankings):
        raise ValueError("one weight per ranking is required")
    scores: dict[K, float] = {}
    for i, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else weights[i]
        seen: set[K] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:  # a duplicate in one list counts once, at its best rank
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])

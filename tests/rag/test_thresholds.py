"""The refusal threshold fits the retrieval path, and RAG_MIN_SCORE overrides it."""

from __future__ import annotations

import dataclasses

import pytest

from backend.rag.answer.thresholds import (
    KNOWLEDGE_BASE_MIN_SCORE,
    LOCAL_GATE,
    LOCAL_MIN_SCORE,
    RERANK_MIN_SCORE,
    TITAN_MIN_SCORE,
    RefusalGate,
    gate_for,
    min_score_for,
)
from backend.rag.types import Chunk, ScoredChunk
from backend.settings import load_settings


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"provider": "local"}, LOCAL_MIN_SCORE),
        ({"provider": "local", "bedrock_rerank_model_id": "amazon.rerank-v1:0"}, LOCAL_MIN_SCORE),
        ({"provider": "bedrock"}, TITAN_MIN_SCORE),
        ({"provider": "bedrock", "bedrock_knowledge_base_id": "KB12345678"}, KNOWLEDGE_BASE_MIN_SCORE),
        ({"provider": "bedrock", "bedrock_rerank_model_id": "amazon.rerank-v1:0"}, RERANK_MIN_SCORE),
        ({"provider": "local", "rag_min_score": 0.55}, 0.55),
    ],
)
def test_min_score_for(overrides: dict[str, object], expected: float) -> None:
    assert min_score_for(load_settings(**overrides)) == expected


def _hit(score: float, **signals: float) -> ScoredChunk:
    chunk = Chunk("f.pdf:3:0", "f.pdf", 3, "Leave Policy", "", "The sandwich rule counts holidays.", "0" * 64)
    return ScoredChunk(chunk, score, signals)


@pytest.mark.parametrize(
    ("hit", "kept"),
    [
        (_hit(0.31), True),
        (_hit(0.29), False),
        (_hit(0.2, dense_rank=1, bm25_rank=1), True),  # both searches put it first
        (_hit(0.2, dense_rank=1, bm25_rank=2), False),
        (_hit(0.2, dense_rank=2, bm25_rank=1), False),
        (_hit(0.2, bm25_rank=1), False),  # keyword search alone is not enough
    ],
)
def test_the_local_retrieval_gate_keeps_a_passage_both_searches_rank_first(
    hit: ScoredChunk, kept: bool
) -> None:
    assert dataclasses.replace(LOCAL_GATE, min_score=0.3).keeps(hit) is kept


def test_off_the_local_path_only_the_score_counts() -> None:
    # A reranked passage keeps its first-stage ranks; the reranker's low score is the judgement.
    reranked = _hit(0.001, dense_rank=1, bm25_rank=1)
    assert not RefusalGate(min_score=RERANK_MIN_SCORE).keeps(reranked)
    assert not gate_for(load_settings(provider="bedrock")).keeps(_hit(0.1, dense_rank=1, bm25_rank=1))

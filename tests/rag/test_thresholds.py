"""The refusal threshold fits the retrieval path, and RAG_MIN_SCORE overrides it."""

from __future__ import annotations

import pytest

from backend.rag.answer.thresholds import (
    KNOWLEDGE_BASE_MIN_SCORE,
    LOCAL_MIN_SCORE,
    RERANK_MIN_SCORE,
    TITAN_MIN_SCORE,
    min_score_for,
)
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

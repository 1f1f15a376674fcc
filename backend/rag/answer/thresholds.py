"""The relevance threshold below which the Q&A refuses instead of answering.

``ScoredChunk.score`` is a cosine similarity for the local index, so the threshold depends on the
embedding model. The local value was tuned with ``python -m backend.rag eval eval/policy_questions.jsonl``
on the contoso + leave index: its threshold sweep suggests the highest threshold that wrongly refuses at
most 5% of answerable questions (0.40: 1 of 91 answerable refused, 2 of 15 unanswerable refused; at
0.45 already 6.6% of real questions would be refused). Off-topic HR questions still score 0.4-0.6
against policy text, so the threshold only stops clearly unrelated questions; the answering prompt
refuses the rest. The other values are not tuned here: Titan v2 cosines run lower than MiniLM's, and a
Knowledge Base or reranker reports its own 0..1 relevance. RAG_MIN_SCORE overrides all of them.
"""

from __future__ import annotations

from backend.settings import Settings

LOCAL_MIN_SCORE = 0.40  # all-MiniLM-L6-v2 cosine; see the module docstring for how it was chosen
TITAN_MIN_SCORE = 0.2  # Titan v2 (1024 dims) cosine: untuned starting point
RERANK_MIN_SCORE = 0.1  # Bedrock Rerank relevance: untuned starting point
KNOWLEDGE_BASE_MIN_SCORE = 0.3  # Knowledge Base relevance: untuned starting point


def min_score_for(settings: Settings) -> float:
    """The refusal threshold that fits the configured retrieval path."""
    if settings.rag_min_score is not None:
        return settings.rag_min_score
    if settings.provider == "local":
        return LOCAL_MIN_SCORE
    if settings.bedrock_rerank_model_id:
        return RERANK_MIN_SCORE
    if settings.bedrock_knowledge_base_id:
        return KNOWLEDGE_BASE_MIN_SCORE
    return TITAN_MIN_SCORE

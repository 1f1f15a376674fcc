"""The relevance threshold below which the Q&A refuses instead of answering.

``ScoredChunk.score`` is a cosine similarity for the local index, so the threshold depends on the
embedding model. The local value was tuned with ``python -m backend.rag eval`` (threshold sweep on
eval/policy_questions.jsonl, highest balanced accuracy between refusing unanswerable questions and
answering answerable ones; ties to the lower threshold). The others are not tuned here: Titan v2
cosines run lower than MiniLM's, and a Knowledge Base or reranker reports its own 0..1 relevance.
Override any of them with RAG_MIN_SCORE.
"""

from __future__ import annotations

from backend.settings import Settings

LOCAL_MIN_SCORE = 0.35  # all-MiniLM-L6-v2 cosine; see the module docstring for how it was chosen
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

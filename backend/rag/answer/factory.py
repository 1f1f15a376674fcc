"""Build the policy answerer the settings ask for; the page, the CLI and the evaluation share it.

Offline (provider "local") answers are extractive: no chat model, the embedding model scores the
policy's sentences, and follow-ups are made standalone without a model. With Bedrock the configured
chat model writes the answer and a rewrite model (the same model, greedy) rewrites follow-ups.
"""

from __future__ import annotations

from langchain_core.embeddings import Embeddings
from langchain_core.language_models.chat_models import BaseChatModel

from backend.rag.answer.answerer import DEFAULT_MAX_CONTEXT_CHARS, PolicyAnswerer
from backend.rag.answer.extractive import Extractor
from backend.rag.answer.thresholds import RefusalGate, gate_for
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.rag.types import PolicyRetriever
from backend.settings import Settings


def build_answerer(
    settings: Settings,
    retriever: PolicyRetriever,
    embeddings: Embeddings,
    *,
    chat_model: BaseChatModel | None = None,
    rewrite_model: BaseChatModel | None = None,
    max_context_chars: int | None = None,
    gate: RefusalGate | None = None,
) -> PolicyAnswerer:
    """``chat_model`` is used only off the local provider; offline answers quote the policies."""
    local = settings.provider == "local"
    if not local and chat_model is None:
        raise ValueError("a chat model is required to answer with Bedrock")
    return PolicyAnswerer(
        retriever,
        Extractor(embeddings if local else None),
        gate=gate or gate_for(settings),
        k=settings.rag_top_k,
        chat_model=None if local else chat_model,
        rewrite_model=None if local else (rewrite_model or chat_model),
        corpus=retriever.corpus if isinstance(retriever, HybridRetriever) else None,
        max_context_chars=max_context_chars or DEFAULT_MAX_CONTEXT_CHARS,
    )

"""Cached resources of the HR Policy Q&A page: embeddings, the retriever over the live index, the answerer.

The retriever is cached per index generation (the name of the live generation changes with every
ingest), so an upload or a rebuild in one session makes every session load the new index on its next
question, and no cached object is ever modified. Each factory goes through ``resolve`` so page tests
inject fakes under the names ``policy_answerer``, ``policy_library``, ``policy_retriever`` and
``rag_embeddings``.
"""

from __future__ import annotations

import streamlit as st
from langchain_core.embeddings import Embeddings

from backend.providers import build_embeddings
from backend.providers.params import InferenceParams
from backend.rag.answer.answerer import PolicyAnswerer
from backend.rag.answer.factory import build_answerer
from backend.rag.answer.prompt import context_char_budget
from backend.rag.ingest.policy_library import PolicyLibrary
from backend.rag.retrieve.factory import build_retriever
from backend.rag.types import PolicyRetriever
from backend.settings import Settings
from ui.chat_resources import bedrock_runtime_client, chat_model
from ui.resources import resolve

# The rewrite is one short question: greedy decoding, few tokens.
REWRITE_MAX_TOKENS = 64
# Old generations' retrievers are dropped from the cache after this many newer ones.
RETRIEVER_CACHE_ENTRIES = 2


@st.cache_resource(show_spinner=False)
def _embeddings(settings: Settings) -> Embeddings:
    # No spinner of its own: a document job loads it from a thread that has no page to show one on.
    client = bedrock_runtime_client(settings) if settings.provider == "bedrock" else None
    return build_embeddings(settings, client=client)


def embeddings(settings: Settings) -> Embeddings:
    def load() -> Embeddings:
        with st.spinner("Loading the embedding model…"):  # shown only if loading takes a while
            return _embeddings(settings)

    return resolve("rag_embeddings", load)


def _no_embeddings() -> Embeddings | None:
    return None


def policy_library(settings: Settings) -> PolicyLibrary:
    """Uploads, rebuilds and statistics of the policy index (cheap to build: not cached).

    Its work may run in a document job's thread, outside any script run, so it must not reach session
    state there: an injected embedding model is looked up now, the process-wide one when needed.
    """

    def build() -> PolicyLibrary:
        injected = resolve("rag_embeddings", _no_embeddings)
        return PolicyLibrary(
            index_dir=settings.index_dir,
            policies_dir=settings.policies_dir,
            upload_dir=settings.upload_dir,
            embedding_model=settings.embedding_model_id,
            embeddings=(lambda: injected) if injected is not None else (lambda: _embeddings(settings)),
            workers=settings.local_threads,
            limits=settings.parse_limits,
        )

    return resolve("policy_library", build)


@st.cache_resource(max_entries=RETRIEVER_CACHE_ENTRIES, show_spinner=False)
def _retriever(settings: Settings, generation: str | None, _embeddings: Embeddings) -> PolicyRetriever:
    # ``generation`` is only the cache key: the retriever loads whatever generation is live.
    return build_retriever(settings, _embeddings)


def policy_retriever(settings: Settings) -> PolicyRetriever:
    def build() -> PolicyRetriever:
        generation = policy_library(settings).generation()
        return _retriever(settings, generation, embeddings(settings))

    return resolve("policy_retriever", build)


def policy_answerer(settings: Settings, params: InferenceParams) -> PolicyAnswerer:
    """Offline: extractive answers (no chat model). Bedrock: the sidebar's model, greedy for rewrites."""

    def build() -> PolicyAnswerer:
        if settings.provider == "local":
            return build_answerer(settings, policy_retriever(settings), embeddings(settings))
        rewrite_params = params.model_copy(update={"temperature": 0.0, "max_tokens": REWRITE_MAX_TOKENS})
        return build_answerer(
            settings,
            policy_retriever(settings),
            embeddings(settings),
            chat_model=chat_model(settings, params),
            rewrite_model=chat_model(settings, rewrite_params),
            max_context_chars=context_char_budget(settings.context_tokens, params.max_tokens),
        )

    return resolve("policy_answerer", build)

"""A langchain-core ``BaseRetriever`` over any ``PolicyRetriever``, for LCEL chains and agents."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from backend.rag.types import PolicyRetriever, ScoredChunk


def to_document(result: ScoredChunk) -> Document:
    """Chunk text as page_content; file, page, title, section, score and signals as metadata."""
    metadata: dict[str, Any] = {k: v for k, v in asdict(result.chunk).items() if k != "text"}
    metadata["score"] = result.score
    metadata["signals"] = dict(result.signals)
    return Document(page_content=result.chunk.text, metadata=metadata, id=result.chunk.chunk_id)


class PolicyLangChainRetriever(BaseRetriever):
    """``retriever.invoke("question")`` -> list of Documents, best first."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    policy_retriever: Any  # a PolicyRetriever (Protocols are not pydantic-validatable)
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        retriever: PolicyRetriever = self.policy_retriever
        return [to_document(r) for r in retriever.search(query, self.k)]

"""Data types shared by ingestion, retrieval and answering."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Chunk:
    """A passage of one PDF page, with what a citation needs."""

    chunk_id: str  # stable: f"{content_hash[:16]}:{page}:{ordinal}"
    file: str  # file name only, e.g. "employee_handbook.pdf"
    page: int  # 1-based page number
    title: str  # document title (PDF metadata title, else first heading, else file stem)
    section: str  # nearest section heading above the passage ("" if none)
    text: str  # the passage as shown to users and the model
    content_hash: str  # sha256 of the whole source file


@dataclass(frozen=True)
class ScoredChunk:
    """A retrieved chunk. Results are ordered best first by the retriever's own ranking (e.g. fused rank).

    ``score`` is the calibrated relevance used for display and for the refusal threshold: the cosine
    similarity between the query and the chunk embeddings (or the reranker's / knowledge base's score
    when those are in use), so the threshold means the same thing whatever the ranking method.
    """

    chunk: Chunk
    score: float
    signals: dict[str, float] = field(default_factory=dict)  # e.g. {"dense_rank": 1, "bm25_rank": 3}


class PolicyRetriever(Protocol):
    """Anything that can find policy passages for a question."""

    def search(self, query: str, k: int) -> list[ScoredChunk]: ...


def embedding_text(chunk: Chunk) -> str:
    """What is embedded and keyword-indexed for a chunk: its place in the corpus, then the passage."""
    where = " > ".join(part for part in (chunk.title, chunk.section) if part)
    return f"{where}\n{chunk.text}" if where else chunk.text

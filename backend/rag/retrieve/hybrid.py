"""Hybrid retrieval over the local index: dense (FAISS inner product) + BM25, fused with RRF.

Dense search finds paraphrases ("time off for a new baby" ~ "parental leave"); BM25 finds exact terms
the small embedding model blurs (plan names, "TMJ", "$1000"). Rank fusion needs no score calibration.
The score reported for every result is the query-chunk cosine similarity, so the refusal threshold
has one meaning whichever list a result came from.
"""

from __future__ import annotations

import threading

import numpy as np
from langchain_core.embeddings import Embeddings

from backend.rag.index.store import IndexFormatError, IndexStore, LoadedIndex
from backend.rag.retrieve.corpus import Corpus
from backend.rag.retrieve.fusion import RRF_K, reciprocal_rank_fusion
from backend.rag.retrieve.synonyms import Synonyms
from backend.rag.types import ScoredChunk

# Each list contributes this many candidates to the fusion; more only adds tail noise.
DEFAULT_CANDIDATES = 40


def _single_threaded_faiss() -> None:
    # One query at a time: OpenMP fan-out over 2 shared cores costs more than it saves
    # (100k chunks: 48 ms with 2 threads vs 13 ms with 1 while other work runs; see bench/rag_latency.py).
    import faiss

    faiss.omp_set_num_threads(1)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Unit length along the last axis (one vector, or each row of a matrix); zero vectors stay zero."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


class HybridRetriever:
    """PolicyRetriever over an ``IndexStore``; reloads by itself when a new generation goes live."""

    def __init__(
        self,
        store: IndexStore,
        embeddings: Embeddings,
        *,
        embedding_model: str | None = None,
        candidates: int = DEFAULT_CANDIDATES,
        rrf_k: int = RRF_K,
        weights: tuple[float, float] = (1.0, 1.0),
        synonyms: Synonyms | None = None,
    ) -> None:
        self._store = store
        self._synonyms = synonyms
        self._embeddings = embeddings
        self._embedding_model = embedding_model
        self._candidates = candidates
        self._rrf_k = rrf_k
        self._weights = weights
        self._lock = threading.Lock()
        self._index: LoadedIndex | None = None
        self._corpus: Corpus | None = None

    @property
    def index(self) -> LoadedIndex:
        """The live generation (loaded on first use, reloaded after an ingest swapped it)."""
        generation = self._store.current_generation()
        index = self._index
        if index is None or generation is None or generation.name != index.generation:
            with self._lock:
                if self._index is None or generation is None or generation.name != self._index.generation:
                    loaded = self._store.load()
                    self._check_model(loaded)
                    _single_threaded_faiss()
                    self._index, self._corpus = loaded, Corpus(loaded, self._synonyms)
                index = self._index
        return index

    def _check_model(self, index: LoadedIndex) -> None:
        if self._embedding_model and index.manifest.embedding_model != self._embedding_model:
            raise IndexFormatError(
                f"The index in {self._store.root} was built with {index.manifest.embedding_model}, but the "
                f"configured embedding model is {self._embedding_model}; re-run ingest to rebuild it."
            )

    def corpus(self) -> Corpus:
        """Term statistics and neighbouring passages of the live generation."""
        self.index  # noqa: B018 - loads (or reloads) the live generation
        assert self._corpus is not None
        return self._corpus

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        """The best ``k`` pages for ``query``, each as its best-ranked passage.

        Pages, not chunks: a citation names a page, and several chunks of one page would otherwise
        take several of the ``k`` places (3.9 distinct pages in a top 5 on others' questions).
        """
        index = self.index
        if not query.strip() or not index.chunks or k <= 0:
            return []
        query_vector = normalise(np.asarray(self._embeddings.embed_query(query), dtype=np.float32))
        if query_vector.shape[0] != index.manifest.dimension:
            raise IndexFormatError(
                f"query embedding has {query_vector.shape[0]} dimensions, the index "
                f"{index.manifest.dimension}; re-run ingest with the configured embedding model"
            )
        n = min(max(self._candidates, k), len(index.chunks))
        _, dense_ids = index.dense.search(query_vector[None, :], n)
        dense_rank = [int(i) for i in dense_ids[0] if i >= 0]
        keyword_rank = [row for row, _ in index.bm25.top(query, n)]
        fused = _best_per_page(
            reciprocal_rank_fusion([dense_rank, keyword_rank], k=self._rrf_k, weights=self._weights),
            index,
            k,
        )
        rows = np.fromiter((row for row, _ in fused), dtype=np.int64, count=len(fused))
        cosine = index.vectors[rows] @ query_vector
        dense_pos = {row: r for r, row in enumerate(dense_rank, start=1)}
        keyword_pos = {row: r for r, row in enumerate(keyword_rank, start=1)}
        results = []
        for (row, fused_score), score in zip(fused, cosine, strict=True):
            signals = {"rrf": fused_score}
            if row in dense_pos:
                signals["dense_rank"] = float(dense_pos[row])
            if row in keyword_pos:
                signals["bm25_rank"] = float(keyword_pos[row])
            results.append(ScoredChunk(index.chunks[row], float(score), signals))
        return results


def _best_per_page(fused: list[tuple[int, float]], index: LoadedIndex, k: int) -> list[tuple[int, float]]:
    """The first-ranked chunk of each page, for the first ``k`` pages."""
    seen: set[tuple[str, int]] = set()
    kept: list[tuple[int, float]] = []
    for row, score in fused:
        page = (index.chunks[row].file, index.chunks[row].page)
        if page in seen:
            continue
        seen.add(page)
        kept.append((row, score))
        if len(kept) == k:
            break
    return kept

"""The bank FAQ offline: the shipped FAQ PDFs indexed by the HR pipeline (parse, split, embed, hybrid).

``ensure_index`` makes the index match the shipped files (only changed files are re-embedded, and a
change of embedding model rebuilds it); ``search`` runs it once, on the first FAQ question, so a status
lookup never waits for the embedding model, then searches with the HR retriever.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from langchain_core.embeddings import Embeddings

from backend.rag.index.store import IndexStore
from backend.rag.ingest.ingestor import Ingestor
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.rag.types import ScoredChunk


class BankFaq:
    def __init__(
        self,
        *,
        index_dir: Path,
        faq_dir: Path,
        embedding_model: str,
        embeddings: Callable[[], Embeddings],
    ) -> None:
        self.store = IndexStore(index_dir)
        self.faq_dir = faq_dir
        self.embedding_model = embedding_model
        self._embeddings = embeddings
        self._retriever: HybridRetriever | None = None
        self._lock = threading.Lock()

    def needs_build(self) -> bool:
        manifest = self.store.read_manifest()
        return manifest is None or manifest.embedding_model != self.embedding_model

    def ensure_index(self) -> None:
        """Make the index hold exactly the shipped FAQ PDFs (unchanged files are not re-embedded)."""
        ingestor = Ingestor(self.store, self._embeddings(), embedding_model=self.embedding_model, workers=1)
        ingestor.sync([self.faq_dir])

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        with self._lock:
            if self._retriever is None:
                self.ensure_index()
                self._retriever = HybridRetriever(
                    self.store, self._embeddings(), embedding_model=self.embedding_model
                )
        return self._retriever.search(query, k)

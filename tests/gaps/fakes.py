"""A deterministic embedding for the gap tests: one axis per topic keyword."""

from __future__ import annotations

from langchain_core.embeddings import Embeddings

TOPICS = {"gym": ("gym", "fitness"), "parking": ("park",), "pets": ("dog", "cat", "pet")}


class TopicEmbeddings(Embeddings):
    """Questions that share a topic keyword get the same direction; others an axis of their own."""

    def __init__(self) -> None:
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        lowered = text.lower()
        vector = [1.0 if any(w in lowered for w in words) else 0.0 for words in TOPICS.values()]
        # A weak per-text component keeps unrelated questions apart and never outweighs a topic.
        vector.append(0.2 + (sum(map(ord, lowered)) % 7) / 10)
        return vector

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)

"""Amazon Bedrock retrieval: a Knowledge Base retriever and a reranking wrapper.

Both take an injected ``bedrock-agent-runtime`` client (tests use botocore's Stubber). Request bodies
are built by pure functions so their exact shape is tested in tables.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from backend.rag.types import Chunk, PolicyRetriever, ScoredChunk

# Knowledge Base page metadata is a zero-based page index (a float, e.g. 2.0 for the third page).
KB_PAGE_KEY = "x-amz-bedrock-kb-document-page-number"
KB_SOURCE_KEY = "x-amz-bedrock-kb-source-uri"
KB_CHUNK_KEY = "x-amz-bedrock-kb-chunk-id"
# Bedrock Rerank accepts at most 1000 sources; reranking a short candidate list is the usual setup.
DEFAULT_RERANK_CANDIDATES = 20


def rerank_model_arn(model_id: str, region: str) -> str:
    """Rerank needs a model ARN; settings may hold a bare id such as ``amazon.rerank-v1:0``."""
    if model_id.startswith("arn:"):
        return model_id
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


def retrieve_request(knowledge_base_id: str, query: str, k: int) -> dict[str, Any]:
    return {
        "knowledgeBaseId": knowledge_base_id,
        "retrievalQuery": {"text": query},
        "retrievalConfiguration": {"vectorSearchConfiguration": {"numberOfResults": k}},
    }


def rerank_request(query: str, passages: list[str], model_arn: str, k: int) -> dict[str, Any]:
    return {
        "queries": [{"type": "TEXT", "textQuery": {"text": query}}],
        "sources": [
            {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": text}}}
            for text in passages
        ],
        "rerankingConfiguration": {
            "type": "BEDROCK_RERANKING_MODEL",
            "bedrockRerankingConfiguration": {
                "numberOfResults": min(k, len(passages)),
                "modelConfiguration": {"modelArn": model_arn},
            },
        },
    }


def _source_uri(result: dict[str, Any]) -> str:
    metadata = result.get("metadata") or {}
    if isinstance(metadata.get(KB_SOURCE_KEY), str):
        return str(metadata[KB_SOURCE_KEY])
    location = result.get("location") or {}
    for key, field in (
        ("s3Location", "uri"),
        ("webLocation", "url"),
        ("confluenceLocation", "url"),
        ("salesforceLocation", "url"),
        ("sharePointLocation", "url"),
        ("customDocumentLocation", "id"),
    ):
        value = (location.get(key) or {}).get(field)
        if value:
            return str(value)
    return ""


def kb_result_to_chunk(result: dict[str, Any]) -> ScoredChunk:
    """One ``retrievalResults`` item as a ScoredChunk (page 0 when the source has no page numbers)."""
    metadata = result.get("metadata") or {}
    uri = _source_uri(result)
    name = PurePosixPath(unquote(urlparse(uri).path)).name if uri else ""
    file = name or uri or "knowledge-base"
    page_index = metadata.get(KB_PAGE_KEY)
    try:
        page = int(float(page_index)) + 1 if page_index is not None else 0
    except (TypeError, ValueError):
        page = 0
    text = str((result.get("content") or {}).get("text", ""))
    chunk_id = str(metadata.get(KB_CHUNK_KEY) or hashlib.sha256(f"{uri}\n{text}".encode()).hexdigest()[:32])
    chunk = Chunk(
        chunk_id=chunk_id,
        file=file,
        page=page,
        title=PurePosixPath(file).stem.replace("_", " "),
        section="",
        text=text,
        content_hash="",  # the knowledge base does not expose the source file's bytes
    )
    return ScoredChunk(chunk, float(result.get("score", 0.0)), {"kb_score": float(result.get("score", 0.0))})


class BedrockKnowledgeBaseRetriever:
    """PolicyRetriever over a Bedrock Knowledge Base (``Retrieve`` API); scores are the KB's."""

    def __init__(self, client: Any, knowledge_base_id: str) -> None:
        self._client = client
        self._knowledge_base_id = knowledge_base_id

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        if not query.strip() or k <= 0:
            return []
        response = self._client.retrieve(**retrieve_request(self._knowledge_base_id, query, k))
        results = [kb_result_to_chunk(r) for r in response.get("retrievalResults", [])]
        return sorted(results, key=lambda r: -r.score)[:k]


class BedrockRerankRetriever:
    """Re-orders another retriever's candidates with a Bedrock reranking model.

    ``score`` becomes the reranker's relevance (0..1); the first-stage score is kept in
    ``signals["first_stage_score"]``.
    """

    def __init__(
        self,
        base: PolicyRetriever,
        client: Any,
        model_arn: str,
        *,
        candidates: int = DEFAULT_RERANK_CANDIDATES,
    ) -> None:
        self._base = base
        self._client = client
        self._model_arn = model_arn
        self._candidates = candidates

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        candidates = self._base.search(query, max(k, self._candidates))
        if not candidates or k <= 0:
            return candidates[: max(k, 0)]
        request = rerank_request(query, [c.chunk.text for c in candidates], self._model_arn, k)
        response = self._client.rerank(**request)
        reranked = []
        for item in response.get("results", []):
            original = candidates[int(item["index"])]
            signals = {
                **original.signals,
                "first_stage_score": original.score,
                "first_stage_rank": float(item["index"] + 1),
            }
            reranked.append(ScoredChunk(original.chunk, float(item["relevanceScore"]), signals))
        return sorted(reranked, key=lambda r: -r.score)[:k]

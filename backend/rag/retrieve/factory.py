"""Pick the retriever the settings ask for, behind the one ``PolicyRetriever`` interface.

- provider "local" (default): the hybrid retriever over the index in ``settings.index_dir``.
- provider "bedrock": the same local index (embedded with Titan), or a Bedrock Knowledge Base when
  ``BEDROCK_KNOWLEDGE_BASE_ID`` is set; either wrapped in Bedrock Rerank when
  ``BEDROCK_RERANK_MODEL_ID`` is set. Local mode never calls AWS.
"""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings

from backend.rag.index.store import IndexStore
from backend.rag.retrieve.bedrock import (
    BedrockKnowledgeBaseRetriever,
    BedrockRerankRetriever,
    rerank_model_arn,
)
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.rag.retrieve.synonyms import load_synonyms
from backend.rag.types import PolicyRetriever
from backend.settings import Settings


def build_retriever(
    settings: Settings, embeddings: Embeddings, *, agent_runtime_client: Any = None
) -> PolicyRetriever:
    """The configured retriever; AWS clients are created only when a Bedrock feature is configured."""
    uses_kb = settings.provider == "bedrock" and settings.bedrock_knowledge_base_id is not None
    uses_rerank = settings.provider == "bedrock" and settings.bedrock_rerank_model_id is not None
    client = agent_runtime_client
    if client is None and (uses_kb or uses_rerank):
        from backend.providers.bedrock import make_aws_client  # boto3 only when needed

        client = make_aws_client(settings, "bedrock-agent-runtime", read_timeout=60)

    retriever: PolicyRetriever
    if uses_kb:
        assert settings.bedrock_knowledge_base_id is not None
        retriever = BedrockKnowledgeBaseRetriever(client, settings.bedrock_knowledge_base_id)
    else:
        retriever = HybridRetriever(
            IndexStore(settings.index_dir),
            embeddings,
            embedding_model=settings.embedding_model_id,
            synonyms=load_synonyms(settings.search_synonyms_file),
        )
    if uses_rerank:
        assert settings.bedrock_rerank_model_id is not None
        arn = rerank_model_arn(settings.bedrock_rerank_model_id, settings.aws_region)
        retriever = BedrockRerankRetriever(retriever, client, arn)
    return retriever

"""Bedrock Knowledge Base and Rerank: exact request shapes on a real client wrapped in Stubber."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from backend.rag.retrieve.bedrock import (
    BedrockKnowledgeBaseRetriever,
    BedrockRerankRetriever,
    kb_result_to_chunk,
    rerank_model_arn,
    rerank_request,
    retrieve_request,
)
from backend.rag.retrieve.factory import build_retriever
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.rag.types import Chunk, ScoredChunk
from backend.settings import load_settings
from tests.rag.fakes import HashingEmbeddings

RERANK_ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.rerank-v1:0"


@pytest.fixture
def client() -> Any:
    return boto3.client(
        "bedrock-agent-runtime",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def stubber(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stub:
        yield stub
        stub.assert_no_pending_responses()


def _kb_result(text: str, uri: str, page: float | None, score: float) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "x-amz-bedrock-kb-source-uri": uri,
        "x-amz-bedrock-kb-chunk-id": f"id-{text[:5]}",
    }
    if page is not None:
        metadata["x-amz-bedrock-kb-document-page-number"] = page
    return {
        "content": {"text": text, "type": "TEXT"},
        "location": {"type": "S3", "s3Location": {"uri": uri}},
        "score": score,
        "metadata": metadata,
    }


def test_knowledge_base_request_and_mapping(client: Any, stubber: Stubber) -> None:
    stubber.add_response(
        "retrieve",
        {
            "retrievalResults": [
                _kb_result("Twenty days of leave.", "s3://hr-docs/policies/leave%20policy.pdf", 2.0, 0.71),
                _kb_result("Dental is covered.", "s3://hr-docs/benefits.pdf", None, 0.82),
            ]
        },
        {
            "knowledgeBaseId": "KB12345678",
            "retrievalQuery": {"text": "How much leave?"},
            "retrievalConfiguration": {"vectorSearchConfiguration": {"numberOfResults": 4}},
        },
    )
    results = BedrockKnowledgeBaseRetriever(client, "KB12345678").search("How much leave?", 4)
    assert [r.score for r in results] == [0.82, 0.71]  # best first
    leave = results[1].chunk
    assert (leave.file, leave.page) == ("leave policy.pdf", 3)  # KB page numbers are zero-based
    assert leave.chunk_id == "id-Twent"
    assert leave.text == "Twenty days of leave."
    assert results[0].chunk.page == 0  # no page metadata: unknown


def test_rerank_request_and_reordering(client: Any, stubber: Stubber) -> None:
    class FirstStage:
        def search(self, query: str, k: int) -> list[ScoredChunk]:
            assert k == 3  # asks for max(k, candidates)
            return [
                ScoredChunk(Chunk(f"c{i}", "a.pdf", i + 1, "T", "", f"passage {i}", "h"), 0.5 - i / 10)
                for i in range(3)
            ]

    stubber.add_response(
        "rerank",
        {"results": [{"index": 2, "relevanceScore": 0.9}, {"index": 0, "relevanceScore": 0.4}]},
        {
            "queries": [{"type": "TEXT", "textQuery": {"text": "q?"}}],
            "sources": [
                {
                    "type": "INLINE",
                    "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": f"passage {i}"}},
                }
                for i in range(3)
            ],
            "rerankingConfiguration": {
                "type": "BEDROCK_RERANKING_MODEL",
                "bedrockRerankingConfiguration": {
                    "numberOfResults": 2,
                    "modelConfiguration": {"modelArn": RERANK_ARN},
                },
            },
        },
    )
    results = BedrockRerankRetriever(FirstStage(), client, RERANK_ARN, candidates=3).search("q?", 2)
    assert [r.chunk.chunk_id for r in results] == ["c2", "c0"]
    assert results[0].score == 0.9
    assert results[0].signals["first_stage_score"] == pytest.approx(0.3)
    assert results[0].signals["first_stage_rank"] == 3


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("amazon.rerank-v1:0", RERANK_ARN),
        ("cohere.rerank-v3-5:0", "arn:aws:bedrock:us-east-1::foundation-model/cohere.rerank-v3-5:0"),
        (
            "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0",
            "arn:aws:bedrock:us-west-2::foundation-model/amazon.rerank-v1:0",
        ),
    ],
)
def test_rerank_model_arn(model: str, expected: str) -> None:
    assert rerank_model_arn(model, "us-east-1") == expected


@pytest.mark.parametrize(
    ("result", "file", "page"),
    [
        (
            {"content": {"text": "x"}, "location": {"s3Location": {"uri": "s3://b/k/a.pdf"}}, "score": 0.1},
            "a.pdf",
            0,
        ),
        (
            {
                "content": {"text": "x"},
                "location": {"webLocation": {"url": "https://x.org/p/hr.pdf"}},
                "metadata": {"x-amz-bedrock-kb-document-page-number": 0.0},
            },
            "hr.pdf",
            1,
        ),
        (
            {"content": {"text": "x"}, "metadata": {"x-amz-bedrock-kb-document-page-number": "bad"}},
            "knowledge-base",
            0,
        ),
    ],
)
def test_kb_result_mapping(result: dict[str, Any], file: str, page: int) -> None:
    chunk = kb_result_to_chunk(result).chunk
    assert (chunk.file, chunk.page) == (file, page)


def test_request_builders_are_plain_data() -> None:
    assert retrieve_request("KB", "q", 3)["retrievalConfiguration"]["vectorSearchConfiguration"] == {
        "numberOfResults": 3
    }
    assert (
        rerank_request("q", ["a"], "arn", 5)["rerankingConfiguration"]["bedrockRerankingConfiguration"][
            "numberOfResults"
        ]
        == 1
    )


def test_factory_local_mode_never_uses_aws(tmp_path: Path) -> None:
    settings = load_settings(
        provider="local",
        index_dir=tmp_path,
        bedrock_knowledge_base_id="KB1",
        bedrock_rerank_model_id="amazon.rerank-v1:0",
    )
    assert isinstance(build_retriever(settings, HashingEmbeddings()), HybridRetriever)


def test_factory_bedrock_knowledge_base_with_rerank(client: Any, stubber: Stubber, tmp_path: Path) -> None:
    settings = load_settings(
        provider="bedrock",
        index_dir=tmp_path,
        bedrock_knowledge_base_id="KBFACTORY1",
        bedrock_rerank_model_id="amazon.rerank-v1:0",
    )
    retriever = build_retriever(settings, HashingEmbeddings(), agent_runtime_client=client)
    assert isinstance(retriever, BedrockRerankRetriever)
    stubber.add_response(
        "retrieve",
        {"retrievalResults": [_kb_result("Leave text.", "s3://b/leave.pdf", 0.0, 0.5)]},
        retrieve_request("KBFACTORY1", "leave?", 20),
    )
    stubber.add_response(
        "rerank",
        {"results": [{"index": 0, "relevanceScore": 0.77}]},
        rerank_request("leave?", ["Leave text."], RERANK_ARN, 1),
    )
    [only] = retriever.search("leave?", 1)
    assert (only.chunk.file, only.chunk.page, only.score) == ("leave.pdf", 1, 0.77)


def test_factory_bedrock_without_kb_uses_local_index(tmp_path: Path) -> None:
    settings = load_settings(provider="bedrock", index_dir=tmp_path)
    assert isinstance(build_retriever(settings, HashingEmbeddings()), HybridRetriever)

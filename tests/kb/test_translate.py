"""RetrieveAndGenerate request and response translation, in tables."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from backend.kb.translate import (
    answer_text,
    citations_from,
    page_number,
    reference_source,
    retrieve_and_generate_request,
    stream_event_citations,
    stream_event_text,
)
from backend.kb.types import AskRequest, Citation
from backend.settings import Settings

KB = "KB12345678"
ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"


def s3_ref(uri: str, page: Any = None) -> dict[str, Any]:
    metadata = {} if page is None else {"x-amz-bedrock-kb-document-page-number": page}
    return {
        "content": {"text": "..."},
        "location": {"type": "S3", "s3Location": {"uri": uri}},
        "metadata": metadata,
    }


@pytest.mark.parametrize(
    ("session_id", "results", "expected_session"),
    [(None, 5, None), ("", 5, None), ("a1b2-c3d4", 3, "a1b2-c3d4")],
)
def test_request_carries_kb_model_results_and_session_only_when_given(
    session_id: str | None, results: int, expected_session: str | None
) -> None:
    request = retrieve_and_generate_request(
        "What is RAG?", knowledge_base_id=KB, model_arn=ARN, number_of_results=results, session_id=session_id
    )
    assert request["input"] == {"text": "What is RAG?"}
    assert request["retrieveAndGenerateConfiguration"] == {
        "type": "KNOWLEDGE_BASE",
        "knowledgeBaseConfiguration": {
            "knowledgeBaseId": KB,
            "modelArn": ARN,
            "retrievalConfiguration": {"vectorSearchConfiguration": {"numberOfResults": results}},
        },
    }
    assert request.get("sessionId") == expected_session


@pytest.mark.parametrize(
    ("metadata", "page"),
    [
        ({"x-amz-bedrock-kb-document-page-number": 0.0}, 1),
        ({"x-amz-bedrock-kb-document-page-number": 2.0}, 3),
        ({"x-amz-bedrock-kb-document-page-number": 4}, 5),
        ({"x-amz-bedrock-kb-document-page-number": "1"}, 2),
        ({"x-amz-bedrock-kb-document-page-number": "n/a"}, None),
        ({"x-amz-bedrock-kb-document-page-number": True}, None),
        ({"x-amz-bedrock-kb-document-page-number": -1}, None),
        ({}, None),
        (None, None),
    ],
)
def test_page_is_one_based_from_the_zero_based_metadata(
    metadata: dict[str, Any] | None, page: int | None
) -> None:
    assert page_number(metadata) == page


@pytest.mark.parametrize(
    ("reference", "source"),
    [
        (s3_ref("s3://courses/notes/rag.pdf"), "s3://courses/notes/rag.pdf"),
        (
            {"location": {"type": "WEB", "webLocation": {"url": "https://example.com/a"}}},
            "https://example.com/a",
        ),
        ({"location": {}, "metadata": {"x-amz-bedrock-kb-source-uri": "s3://b/k.pdf"}}, "s3://b/k.pdf"),
        ({"location": {"type": "S3", "s3Location": {}}}, ""),
        ({}, ""),
    ],
)
def test_reference_source(reference: dict[str, Any], source: str) -> None:
    assert reference_source(reference) == source


def test_citations_are_distinct_in_cited_order_and_capped() -> None:
    citations: list[dict[str, Any]] = [
        {
            "generatedResponsePart": {},
            "retrievedReferences": [s3_ref("s3://b/rag.pdf", 1.0), s3_ref("s3://b/fm.pdf")],
        },
        {"retrievedReferences": [s3_ref("s3://b/rag.pdf", 1.0), s3_ref("s3://b/rag.pdf", 0.0), {}]},
        {"retrievedReferences": []},
        {},
    ]
    assert citations_from(citations, limit=5) == [
        Citation(source="s3://b/rag.pdf", page=2),
        Citation(source="s3://b/fm.pdf", page=None),
        Citation(source="s3://b/rag.pdf", page=1),
    ]
    assert citations_from(citations, limit=2) == [
        Citation(source="s3://b/rag.pdf", page=2),
        Citation(source="s3://b/fm.pdf", page=None),
    ]


@pytest.mark.parametrize(
    ("response", "text"),
    [({"output": {"text": "  RAG retrieves.  "}}, "RAG retrieves."), ({"output": {}}, ""), ({}, "")],
)
def test_answer_text(response: dict[str, Any], text: str) -> None:
    assert answer_text(response) == text


@pytest.mark.parametrize(
    ("event", "text", "citations"),
    [
        ({"output": {"text": "Hello"}}, "Hello", []),
        ({"citation": {"citation": {"retrievedReferences": [1]}}}, "", [{"retrievedReferences": [1]}]),
        ({"citation": {"retrievedReferences": [2]}}, "", [{"retrievedReferences": [2]}]),
        ({"guardrail": {"action": "INTERVENED"}}, "", []),
    ],
)
def test_stream_events(event: dict[str, Any], text: str, citations: list[Any]) -> None:
    assert stream_event_text(event) == text
    assert stream_event_citations(event) == citations


@pytest.mark.parametrize(
    ("citation", "label"),
    [
        (Citation(source="s3://bucket/notes/course_rag.pdf", page=2), "course_rag.pdf, page 2"),
        (Citation(source="course_rag.pdf", page=None), "course_rag.pdf"),
        (Citation(source="https://example.com/docs/", page=None), "docs"),
    ],
)
def test_citation_label(citation: Citation, label: str) -> None:
    assert citation.label() == label


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"prompt": "  What is RAG? "}, None),
        ({"prompt": "Hi", "sessionId": "abc-123"}, None),
        ({"prompt": "Hi", "sessionId": ""}, None),
        ({}, "missing"),
        ({"prompt": ""}, "must not be empty"),
        ({"prompt": "   "}, "must not be empty"),
        ({"prompt": "x" * 1001}, "at most 1000"),
        ({"prompt": "Hi", "sessionId": "no spaces allowed"}, "pattern"),
        ({"prompt": "Hi", "extra": 1}, "extra"),
    ],
)
def test_ask_request_validation(body: dict[str, Any], error: str | None) -> None:
    if error is None:
        request = AskRequest.model_validate(body)
        assert request.prompt == body["prompt"].strip()
        assert request.session_id == (body.get("sessionId") or None)
    else:
        with pytest.raises(ValidationError, match=error):
            AskRequest.model_validate(body)


@pytest.mark.parametrize(
    ("env", "arn"),
    [
        ({}, "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"),
        ({"AWS_REGION": "eu-west-1"}, "arn:aws:bedrock:eu-west-1::foundation-model/amazon.nova-lite-v1:0"),
        (
            {"BEDROCK_KB_MODEL_ARN": "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.x:0"},
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.x:0",
        ),
    ],
)
def test_kb_model_arn_setting(env: dict[str, str], arn: str) -> None:
    assert Settings(**env).kb_model_arn == arn  # type: ignore[arg-type]


def test_kb_model_setting_must_be_an_arn() -> None:
    with pytest.raises(ValidationError, match="must be a model or inference-profile ARN"):
        Settings(BEDROCK_KB_MODEL_ARN="amazon.nova-lite-v1:0")

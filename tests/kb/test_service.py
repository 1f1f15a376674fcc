"""KnowledgeBaseQA over a Stubber-wrapped bedrock-agent-runtime client: the exact requests, the mapping."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from backend.errors import ErrorKind
from backend.kb.errors import KnowledgeBaseError
from backend.kb.service import KnowledgeBaseQA
from backend.kb.types import AskRequest, Citation
from tests.kb.conftest import KB_ID, MODEL_ARN, agent_runtime, kb_request


def reply(text: str, session_id: str, refs: list[tuple[str, float | None]]) -> dict[str, Any]:
    references = [
        {
            "content": {"text": "passage"},
            "location": {"type": "S3", "s3Location": {"uri": uri}},
            "metadata": {} if page is None else {"x-amz-bedrock-kb-document-page-number": page},
        }
        for uri, page in refs
    ]
    return {
        "sessionId": session_id,
        "output": {"text": text},
        "citations": [
            {"generatedResponsePart": {"textResponsePart": {"text": text}}, "retrievedReferences": references}
        ],
    }


def test_first_question_opens_a_session_and_the_follow_up_continues_it(
    kb: tuple[KnowledgeBaseQA, Stubber],
) -> None:
    service, stubber = kb
    stubber.add_response(
        "retrieve_and_generate",
        reply("RAG adds retrieved passages to the prompt.", "sess-1", [("s3://courses/rag.pdf", 0.0)]),
        kb_request("What is RAG?"),
    )
    stubber.add_response(
        "retrieve_and_generate",
        reply(
            "It needs no retraining.",
            "sess-1",
            [("s3://courses/rag.pdf", 0.0), ("s3://courses/fm.pdf", None)],
        ),
        kb_request("Why use it?", "sess-1"),
    )
    first = service.retrieve_and_generate("What is RAG?")
    assert first.answer == "RAG adds retrieved passages to the prompt."
    assert first.citations == [Citation(source="s3://courses/rag.pdf", page=1)]
    assert first.session_id == "sess-1"

    second = service.ask(AskRequest(prompt="Why use it?", sessionId=first.session_id))
    assert second.session_id == "sess-1"
    assert [c.label() for c in second.citations] == ["rag.pdf, page 1", "fm.pdf"]


def test_number_of_results_is_sent_and_caps_the_citations(aws_credentials: None) -> None:
    client = agent_runtime()
    service = KnowledgeBaseQA(client, knowledge_base_id=KB_ID, model_arn=MODEL_ARN, number_of_results=2)
    refs: list[tuple[str, float | None]] = [(f"s3://courses/doc{n}.pdf", float(n)) for n in range(4)]
    with Stubber(client) as stubber:
        stubber.add_response(
            "retrieve_and_generate", reply("Answer.", "s-9", refs), kb_request("Q?", results=2)
        )
        answer = service.retrieve_and_generate("Q?")
    assert [c.source for c in answer.citations] == ["s3://courses/doc0.pdf", "s3://courses/doc1.pdf"]
    assert answer.model_dump(by_alias=True) == {
        "answer": "Answer.",
        "citations": [
            {"source": "s3://courses/doc0.pdf", "page": 1},
            {"source": "s3://courses/doc1.pdf", "page": 2},
        ],
        "sessionId": "s-9",
    }


@pytest.mark.parametrize(
    ("code", "status", "message", "kind", "says"),
    [
        (
            "AccessDeniedException",
            403,
            "User is not authorized to perform: bedrock:RetrieveAndGenerate",
            ErrorKind.ACCESS_DENIED,
            "Access to Knowledge Base 'KB12345678' in region us-east-1 was denied: the IAM role needs "
            "bedrock:RetrieveAndGenerate",
        ),
        (
            "ResourceNotFoundException",
            404,
            "Knowledge base KB12345678 does not exist",
            ErrorKind.UNKNOWN_MODEL,
            "Knowledge Base 'KB12345678' in region us-east-1 was not found: check COURSE_KNOWLEDGE_BASE_ID",
        ),
        (
            "ThrottlingException",
            429,
            "Too many requests",
            ErrorKind.THROTTLED,
            "Amazon Bedrock is throttling requests to Knowledge Base 'KB12345678' in region us-east-1 "
            "(still busy after 3 attempts)",
        ),
    ],
)
def test_failures_become_one_sentence(
    kb: tuple[KnowledgeBaseQA, Stubber], code: str, status: int, message: str, kind: ErrorKind, says: str
) -> None:
    service, stubber = kb
    stubber.add_client_error(
        "retrieve_and_generate", code, message, status, expected_params=kb_request("What is RAG?")
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        service.retrieve_and_generate("What is RAG?")
    assert caught.value.kind is kind
    assert caught.value.message.startswith(says)
    assert caught.value.message.count(". ") == 0  # one sentence
    assert caught.value.__cause__ is not None  # the AWS error stays for the log

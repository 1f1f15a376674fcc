"""retrieve_and_generate_stream over real event-stream frames (tests/aws_eventstream.py): botocore's own
parser reads output, citation and exception events, and its retries absorb throttling."""

from __future__ import annotations

import pytest

from backend.errors import ErrorKind
from backend.kb.errors import KnowledgeBaseError
from backend.kb.service import KnowledgeBaseQA
from backend.kb.types import AskRequest, Citation
from tests.aws_eventstream import EventStreamServer, event, exception
from tests.kb.conftest import KB_ID, MODEL_ARN, agent_runtime, kb_request

SESSION_HEADER = "x-amzn-bedrock-knowledge-base-session-id"


def citation_event(uri: str, page: float) -> bytes:
    reference = {
        "content": {"text": "passage"},
        "location": {"type": "S3", "s3Location": {"uri": uri}},
        "metadata": {"x-amz-bedrock-kb-document-page-number": page},
    }
    return event(
        "citation",
        {
            "citation": {
                "generatedResponsePart": {"textResponsePart": {"text": "x"}},
                "retrievedReferences": [reference],
            }
        },
    )


def service(max_attempts: int = 3) -> tuple[KnowledgeBaseQA, EventStreamServer]:
    client = agent_runtime(max_attempts)
    return KnowledgeBaseQA(client, knowledge_base_id=KB_ID, model_arn=MODEL_ARN, number_of_results=4), (
        EventStreamServer(client)
    )


@pytest.mark.usefixtures("aws_credentials")
def test_stream_yields_text_then_the_answer_with_citations_and_session() -> None:
    qa, server = service()
    server.respond(
        [
            event("output", {"text": "A foundation model "}),
            event("output", {"text": "is trained on broad data."}),
            citation_event("s3://courses/course_foundation_models.pdf", 0.0),
            event("guardrail", {"action": "NONE"}),
        ],
        headers={SESSION_HEADER: "sess-42"},
    )
    stream = qa.ask_stream(AskRequest(prompt="What is a foundation model?", sessionId="sess-41"))

    assert list(stream.tokens()) == ["A foundation model ", "is trained on broad data."]
    answer = stream.result()
    assert answer.answer == "A foundation model is trained on broad data."
    assert answer.citations == [Citation(source="s3://courses/course_foundation_models.pdf", page=1)]
    assert answer.session_id == "sess-42"
    assert server.json() == kb_request("What is a foundation model?", "sess-41", results=4)
    assert server.requests[0].url.endswith("/retrieveAndGenerateStream")
    assert stream.calls_model
    assert stream.first_token_at is not None  # timed at the first text event, for the figures line


@pytest.mark.usefixtures("aws_credentials")
def test_result_before_the_stream_is_read_is_an_error() -> None:
    qa, server = service()
    server.respond([event("output", {"text": "x"})], headers={SESSION_HEADER: "s1"})
    stream = qa.retrieve_and_generate_stream("Q?")
    with pytest.raises(RuntimeError, match="consume tokens"):
        stream.result()


@pytest.mark.usefixtures("aws_credentials")
def test_throttling_is_retried_by_the_client_then_answers() -> None:
    qa, server = service(max_attempts=2)
    server.fail(429, "ThrottlingException", "Rate exceeded")
    server.respond([event("output", {"text": "Retried."})], headers={SESSION_HEADER: "s2"})

    stream = qa.retrieve_and_generate_stream("What is RAG?")

    assert "".join(stream.tokens()) == "Retried."
    assert len(server.requests) == 2
    assert server.json(0) == server.json(1) == kb_request("What is RAG?", results=4)


@pytest.mark.usefixtures("aws_credentials")
def test_throttling_that_outlasts_the_retries_is_one_sentence() -> None:
    qa, server = service(max_attempts=2)
    server.fail(429, "ThrottlingException", "Rate exceeded")
    server.fail(429, "ThrottlingException", "Rate exceeded")
    with pytest.raises(KnowledgeBaseError) as caught:
        qa.retrieve_and_generate_stream("What is RAG?")
    assert caught.value.kind is ErrorKind.THROTTLED
    assert "still busy after 2 attempts" in caught.value.message
    assert server.pending == 0


@pytest.mark.usefixtures("aws_credentials")
def test_an_exception_mid_stream_keeps_the_text_so_far_and_is_one_sentence() -> None:
    qa, server = service()
    server.respond(
        [event("output", {"text": "Partial "}), exception("accessDeniedException", "not authorized")],
        headers={SESSION_HEADER: "s3"},
    )
    stream = qa.retrieve_and_generate_stream("What is RAG?")
    received: list[str] = []

    def read_all() -> None:
        received.extend(stream.tokens())

    with pytest.raises(KnowledgeBaseError) as caught:
        read_all()
    assert received == ["Partial "]
    assert caught.value.kind is ErrorKind.ACCESS_DENIED
    assert "bedrock:RetrieveAndGenerate" in caught.value.message


@pytest.mark.usefixtures("aws_credentials")
def test_missing_knowledge_base_is_one_sentence() -> None:
    qa, server = service(max_attempts=1)
    server.fail(404, "ResourceNotFoundException", "Knowledge base KB12345678 was not found")
    with pytest.raises(KnowledgeBaseError, match="was not found: check COURSE_KNOWLEDGE_BASE_ID"):
        qa.retrieve_and_generate_stream("What is RAG?")

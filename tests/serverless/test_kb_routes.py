"""GET/POST /kb/ask: the course's contract, validation, and Knowledge Base failures as statuses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from fastapi.testclient import TestClient

from backend.kb.local import build_local_course_qa
from backend.kb.service import KnowledgeBaseQA
from backend.settings import Settings
from serverless.app import create_app
from tests.conftest import REPO_ROOT
from tests.kb.conftest import KB_ID, MODEL_ARN, agent_runtime, kb_request
from tests.rag.fakes import HashingEmbeddings

NOTES = "course_retrieval_augmented_generation.pdf"


@pytest.fixture
def offline_api(tmp_path: Path) -> TestClient:
    """The real app answering from the shipped course notes (extractive, hashed embeddings)."""
    settings = Settings(
        APP_PROVIDER="local",
        COURSE_DIR=REPO_ROOT / "data" / "courses",
        COURSE_INDEX_DIR=tmp_path / "course_index",
        DATA_DIR=tmp_path / "data",
        OUTPUT_DIR=tmp_path / "outputs",
        RAG_MIN_SCORE=0.3,
    )
    qa = build_local_course_qa(settings, embeddings=HashingEmbeddings(dim=1024))
    return TestClient(create_app(settings, course_qa=qa))


def test_get_answers_with_citations_and_a_session(offline_api: TestClient) -> None:
    response = offline_api.get("/kb/ask", params={"prompt": "What is retrieval-augmented generation?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"answer", "citations", "sessionId"}
    assert "retrieval-augmented generation" in body["answer"].lower()
    assert body["citations"][0] == {"source": NOTES, "page": 1}
    assert body["sessionId"]


def test_post_with_the_session_id_continues_the_conversation(offline_api: TestClient) -> None:
    first = offline_api.post("/kb/ask", json={"prompt": "What is retrieval-augmented generation?"}).json()
    second = offline_api.post(
        "/kb/ask", json={"prompt": "And how big should the chunks be?", "sessionId": first["sessionId"]}
    )
    assert second.status_code == 200, second.text
    assert second.json()["sessionId"] == first["sessionId"]
    assert second.json()["citations"]


@pytest.mark.parametrize(
    ("method", "kwargs", "detail"),
    [
        ("GET", {}, "Invalid request: 'prompt' is required."),
        ("GET", {"params": {"prompt": ""}}, "Invalid request: 'prompt' must not be empty: ask a question"),
        ("GET", {"params": {"prompt": "   "}}, "Invalid request: 'prompt' must not be empty: ask a question"),
        ("POST", {"json": {}}, "Invalid request: 'prompt' is required."),
        ("POST", {"json": {"prompt": " "}}, "Invalid request: 'prompt' must not be empty: ask a question"),
        (
            "POST",
            {"json": {"prompt": "x" * 1001}},
            "Invalid request: 'prompt' must have at most 1000 characters",
        ),
        (
            "POST",
            {"json": {"prompt": "Hi", "sessionId": "not valid!"}},
            "Invalid request: 'sessionId' must match",
        ),
        (
            "POST",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            "is not valid JSON",
        ),
    ],
)
def test_bad_input_is_a_422_with_one_sentence(
    offline_api: TestClient, method: str, kwargs: dict[str, Any], detail: str
) -> None:
    response = offline_api.request(method, "/kb/ask", **kwargs)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


def test_bedrock_without_a_course_knowledge_base_says_so(tmp_path: Path) -> None:
    settings = Settings(APP_PROVIDER="bedrock", OUTPUT_DIR=tmp_path / "outputs")
    client = TestClient(create_app(settings))
    response = client.get("/kb/ask", params={"prompt": "What is RAG?"})
    assert response.status_code == 501
    assert response.json()["detail"].startswith("Course Q&A on Bedrock answers from a Knowledge Base")


@pytest.fixture
def kb_api(aws_credentials: None, tmp_path: Path) -> Iterator[tuple[TestClient, Stubber]]:
    settings = Settings(APP_PROVIDER="bedrock", OUTPUT_DIR=tmp_path / "outputs")
    client = agent_runtime()
    qa = KnowledgeBaseQA(client, knowledge_base_id=KB_ID, model_arn=MODEL_ARN)
    with Stubber(client) as stubber:
        yield TestClient(create_app(settings, course_qa=qa)), stubber
        stubber.assert_no_pending_responses()


def test_get_on_bedrock_sends_retrieve_and_generate(kb_api: tuple[TestClient, Stubber]) -> None:
    api, stubber = kb_api
    stubber.add_response(
        "retrieve_and_generate",
        {
            "sessionId": "s-1",
            "output": {"text": "Bedrock is managed."},
            "citations": [
                {
                    "retrievedReferences": [
                        {
                            "content": {"text": "..."},
                            "location": {"type": "S3", "s3Location": {"uri": "s3://c/bedrock.pdf"}},
                            "metadata": {"x-amz-bedrock-kb-document-page-number": 0.0},
                        }
                    ]
                }
            ],
        },
        kb_request("What is Bedrock?", "s-0"),
    )
    response = api.get("/kb/ask", params={"prompt": "What is Bedrock?", "sessionId": "s-0"})
    assert response.json() == {
        "answer": "Bedrock is managed.",
        "citations": [{"source": "s3://c/bedrock.pdf", "page": 1}],
        "sessionId": "s-1",
    }


@pytest.mark.parametrize(
    ("code", "http", "status", "starts"),
    [
        ("AccessDeniedException", 403, 403, "Access to Knowledge Base 'KB12345678'"),
        (
            "ResourceNotFoundException",
            404,
            404,
            "Knowledge Base 'KB12345678' in region us-east-1 was not found",
        ),
        ("ThrottlingException", 429, 503, "Amazon Bedrock is throttling requests to Knowledge Base"),
    ],
)
def test_knowledge_base_failures_are_a_status_and_one_sentence(
    kb_api: tuple[TestClient, Stubber], code: str, http: int, status: int, starts: str
) -> None:
    api, stubber = kb_api
    stubber.add_client_error("retrieve_and_generate", code, "Knowledge base failure", http)
    response = api.post("/kb/ask", json={"prompt": "What is Bedrock?"})
    assert response.status_code == status
    assert response.json()["detail"].startswith(starts)


@pytest.mark.parametrize("auth", ["iam", "jwt"])
def test_outside_in_process_use_the_caller_is_checked_as_on_every_route(
    offline_api: TestClient, tmp_path: Path, auth: str
) -> None:
    qa = offline_api.app.state.course_qa.get()  # type: ignore[attr-defined]
    settings = Settings(APP_PROVIDER="local", OUTPUT_DIR=tmp_path / "outputs")
    api = TestClient(create_app(settings, auth=auth, course_qa=qa))  # type: ignore[arg-type]
    response = api.get("/kb/ask", params={"prompt": "What is RAG?"})
    assert response.status_code == 401
    assert response.json()["detail"].startswith(
        f"This API (API_AUTH={auth}) accepts only requests authorized"
    )

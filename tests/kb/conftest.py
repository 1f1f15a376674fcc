from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from backend.kb.service import KnowledgeBaseQA
from backend.providers.bedrock import client_config

KB_ID = "KB12345678"
MODEL_ARN = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"


def kb_request(prompt: str, session_id: str | None = None, results: int = 5) -> dict[str, Any]:
    """The exact RetrieveAndGenerate(Stream) request body for this Knowledge Base, written out literally."""
    request: dict[str, Any] = {
        "input": {"text": prompt},
        "retrieveAndGenerateConfiguration": {
            "type": "KNOWLEDGE_BASE",
            "knowledgeBaseConfiguration": {
                "knowledgeBaseId": KB_ID,
                "modelArn": MODEL_ARN,
                "retrievalConfiguration": {"vectorSearchConfiguration": {"numberOfResults": results}},
            },
        },
    }
    if session_id:
        request["sessionId"] = session_id
    return request


def agent_runtime(max_attempts: int = 3) -> Any:
    """A real ``bedrock-agent-runtime`` client with the app's retry configuration."""
    return boto3.client(
        "bedrock-agent-runtime", region_name="us-east-1", config=client_config(max_attempts=max_attempts)
    )


@pytest.fixture
def kb(aws_credentials: None) -> Iterator[tuple[KnowledgeBaseQA, Stubber]]:
    client = agent_runtime()
    with Stubber(client) as stubber:
        yield KnowledgeBaseQA(client, knowledge_base_id=KB_ID, model_arn=MODEL_ARN), stubber
        stubber.assert_no_pending_responses()

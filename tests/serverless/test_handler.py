"""The Lambda entry point with API Gateway HTTP API (payload format 2.0) events and a Lambda context."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mangum import Mangum

from backend.generators.service import GeneratorService
from backend.generators.storage import LocalStorage
from backend.settings import Settings
from serverless.app import create_app
from tests.conftest import REPO_ROOT
from tests.generators.fakes import ModelFactory
from tests.serverless.conftest import NOW

EVENTS = REPO_ROOT / "tests" / "events"


@dataclass
class LambdaContext:
    """The attributes of the context object Lambda passes to a Python handler."""

    function_name: str = "wb-generator"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:wb-generator"
    memory_limit_in_mb: int = 1024
    aws_request_id: str = "7c9d0e1f-2345-4678-9abc-def012345678"
    log_group_name: str = "/aws/lambda/wb-generator"
    log_stream_name: str = "2026/11/21/[$LATEST]0123456789abcdef"
    remaining_ms: int = 29_000
    identity: Any = None
    client_context: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext()


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


def handler_for(settings: Settings, *replies: Any) -> tuple[Mangum, ModelFactory]:
    factory = ModelFactory(replies)
    service = GeneratorService(
        settings, chat_model_factory=factory, storage=LocalStorage(settings.output_dir), clock=lambda: NOW
    )
    return Mangum(create_app(settings, generator_service=service), lifespan="off"), factory


def body_of(response: dict[str, Any]) -> Any:
    raw = response["body"]
    if response.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    return json.loads(raw)


def test_code_generation_event(local_settings: Settings, lambda_context: LambdaContext) -> None:
    handler, factory = handler_for(local_settings, "```python\ndef f():\n    pass\n```")
    response = handler(load_event("http_api_v2_code_generation.json"), lambda_context)
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "application/json"
    body = body_of(response)
    assert body["key"] == "code-output/20250121T220005.123Z_implement-binary-search.py"
    assert "implement binary search" in factory.prompts[0][1].text


def test_base64_encoded_body_is_decoded(local_settings: Settings, lambda_context: LambdaContext) -> None:
    handler, _ = handler_for(local_settings, "Wind turbines are great. " * 20)
    response = handler(load_event("http_api_v2_blog_generation_base64.json"), lambda_context)
    assert response["statusCode"] == 200
    assert body_of(response)["key"].endswith("_machine-learning-in-healthcare.txt")


@pytest.mark.parametrize(
    ("event", "status", "fragment"),
    [
        ("http_api_v2_summarize_invalid.json", 422, "'lines' must be less than or equal to 10"),
        ("http_api_v2_code_generation_bad_json.json", 422, "not valid JSON"),
        ("http_api_v2_poster.json", 501, "Image generation needs Amazon Bedrock"),
    ],
)
def test_error_events_get_a_json_sentence(
    local_settings: Settings, lambda_context: LambdaContext, event: str, status: int, fragment: str
) -> None:
    handler, factory = handler_for(local_settings)
    response = handler(load_event(event), lambda_context)
    assert response["statusCode"] == status
    assert fragment in body_of(response)["detail"]
    assert factory.prompts == []


def test_history_event_with_query_string(local_settings: Settings, lambda_context: LambdaContext) -> None:
    handler, _ = handler_for(local_settings, "```python\nx = 1\n```")
    handler(load_event("http_api_v2_code_generation.json"), lambda_context)
    response = handler(load_event("http_api_v2_history.json"), lambda_context)
    assert response["statusCode"] == 200
    assert [item["key"] for item in body_of(response)["items"]] == [
        "code-output/20250121T220005.123Z_implement-binary-search.py"
    ]


def test_the_deployed_handler_reads_settings_at_its_first_event(tmp_path: Path) -> None:
    """The module-level ``handler`` in a fresh process, configured only by environment variables."""
    script = f"""
import anyio, json, sys
sys.path.insert(0, {str(REPO_ROOT)!r})
from serverless.handler import handler
from tests.serverless.test_handler import LambdaContext, load_event
for name in ("http_api_v2_health.json", "http_api_v2_summarize_invalid.json"):
    response = handler(load_event(name), LambdaContext())
    # Other code in the process ran (and closed) an event loop: the next event must not depend on it.
    anyio.run(anyio.sleep, 0)
    print(json.dumps({{"status": response["statusCode"], "body": json.loads(response["body"])}}))
"""
    env = {
        **os.environ,
        "APP_PROVIDER": "bedrock",
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "OUTPUT_DIR": str(tmp_path / "lambda-outputs"),
        "BEDROCK_CHAT_MODEL_ID": "eu.amazon.nova-lite-v1:0",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    health, invalid = (json.loads(line) for line in result.stdout.splitlines())
    assert health["status"] == 200
    assert health["body"]["provider"] == "bedrock"
    assert health["body"]["text_model"] == "eu.amazon.nova-lite-v1:0"
    assert health["body"]["storage_location"] == "the local folder OUTPUT_DIR"
    assert str(tmp_path) not in json.dumps(health)  # no server path leaves the API
    assert invalid["status"] == 422

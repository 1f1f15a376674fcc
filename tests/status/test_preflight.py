from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber

from backend.settings import Settings
from backend.status import bedrock_preflight, credentials_check, file_check


@pytest.fixture
def clients(aws_credentials: None) -> Iterator[tuple[Any, Stubber, Any, Stubber]]:
    runtime = boto3.client("bedrock-runtime", region_name="us-east-1")
    control = boto3.client("bedrock", region_name="us-east-1")
    with Stubber(runtime) as rs, Stubber(control) as cs:
        yield runtime, rs, control, cs
        rs.assert_no_pending_responses()
        cs.assert_no_pending_responses()


def settings() -> Settings:
    return Settings(APP_PROVIDER="bedrock", AWS_REGION="us-east-1", BEDROCK_EMBEDDING_DIMENSIONS=256)


def test_all_green_with_one_cheap_call_per_model(clients: tuple[Any, Stubber, Any, Stubber]) -> None:
    runtime, rs, control, cs = clients
    cfg = settings()
    rs.add_response(
        "converse",
        {
            "output": {"message": {"role": "assistant", "content": [{"text": "p"}]}},
            "stopReason": "max_tokens",
            "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
            "metrics": {"latencyMs": 1},
        },
        {
            "modelId": cfg.bedrock_chat_model_id,
            "messages": [{"role": "user", "content": [{"text": "ping"}]}],
            "inferenceConfig": {"maxTokens": 1},
        },
    )
    body = json.dumps({"embedding": [0.1] * 256}).encode()
    rs.add_response(
        "invoke_model",
        {"body": StreamingBody(io.BytesIO(body), len(body)), "contentType": "application/json"},
        {
            "modelId": "amazon.titan-embed-text-v2:0",
            "body": json.dumps({"inputText": "ping", "dimensions": 256}),
            "contentType": "application/json",
            "accept": "application/json",
        },
    )
    cs.add_response(
        "get_foundation_model",
        {
            "modelDetails": {
                "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-canvas-v1:0",
                "modelId": "amazon.nova-canvas-v1:0",
                "providerName": "Amazon",
                "modelLifecycle": {"status": "ACTIVE"},
            }
        },
        {"modelIdentifier": "amazon.nova-canvas-v1:0"},
    )
    checks = bedrock_preflight(cfg, runtime, control)
    assert [c.ok for c in checks] == [True, True, True, True]
    assert "region us-east-1" in checks[0].detail
    assert "max_tokens" in checks[1].detail
    assert "256 dimensions" in checks[2].detail
    assert "active" in checks[3].detail


def test_model_failures_say_what_to_do(clients: tuple[Any, Stubber, Any, Stubber]) -> None:
    runtime, rs, control, cs = clients
    rs.add_client_error("converse", "AccessDeniedException", "You don't have access to the model")
    rs.add_client_error("invoke_model", "ThrottlingException", "Too many requests", http_status_code=429)
    cs.add_client_error(
        "get_foundation_model", "ResourceNotFoundException", "no such model", http_status_code=404
    )
    checks = bedrock_preflight(settings(), runtime, control)
    assert [c.ok for c in checks] == [True, False, False, False]
    assert "Model access" in checks[1].detail
    assert "throttling" in checks[2].detail
    assert "check the model id" in checks[3].detail


def test_missing_credentials_stop_the_preflight_with_a_fix() -> None:
    class NoCreds:
        def __init__(self, **kwargs: Any) -> None:
            pass

        def get_credentials(self) -> None:
            return None

    checks = bedrock_preflight(settings(), runtime_client=None, control_client=None, session_factory=NoCreds)
    assert len(checks) == 1
    assert not checks[0].ok
    assert "aws configure" in checks[0].detail


def test_credentials_found_in_the_real_chain(aws_credentials: None) -> None:
    check = credentials_check(settings())
    assert check.ok
    assert "env" in check.detail


def test_unknown_profile_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    check = credentials_check(Settings(APP_PROVIDER="bedrock", AWS_PROFILE="nope"))
    assert not check.ok
    assert "'nope'" in check.detail


def test_no_credentials_anywhere_in_the_real_chain() -> None:
    check = credentials_check(settings())
    assert not check.ok


def test_file_check(tmp_path: Any) -> None:
    (tmp_path / "m.bin").write_bytes(b"x" * 2_000_000)
    assert file_check("model", lambda: tmp_path).ok

    def missing() -> Any:
        raise FileNotFoundError("The model is not installed.")

    result = file_check("model", missing)
    assert not result.ok
    assert "pip install -r requirements.txt" in result.detail

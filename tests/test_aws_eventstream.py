"""The event-stream test helper: botocore's own parser must accept its frames and map its errors."""

from __future__ import annotations

import base64
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.eventstream import ChecksumMismatch
from botocore.exceptions import ClientError, EventStreamError

from tests.aws_eventstream import EventStreamServer, event, exception


def _client(service: str, attempts: int = 1) -> Any:
    config = Config(retries={"mode": "standard", "total_max_attempts": attempts})
    return boto3.client(service, region_name="us-east-1", config=config)


def _converse(client: Any) -> Any:
    return client.converse_stream(modelId="m", messages=[{"role": "user", "content": [{"text": "hi"}]}])


@pytest.mark.usefixtures("aws_credentials")
def test_converse_stream_frames_parse_into_deltas_and_usage() -> None:
    client = _client("bedrock-runtime")
    server = EventStreamServer(client)
    usage = {"inputTokens": 7, "outputTokens": 2, "totalTokens": 9}
    server.respond(
        [
            event("messageStart", {"role": "assistant"}),
            event("contentBlockDelta", {"delta": {"text": "Hel"}, "contentBlockIndex": 0}),
            event("contentBlockDelta", {"delta": {"text": "lo"}, "contentBlockIndex": 0}),
            event("messageStop", {"stopReason": "end_turn"}),
            event("metadata", {"usage": usage, "metrics": {"latencyMs": 5}}),
        ]
    )

    events = list(_converse(client)["stream"])

    text = "".join(e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e)
    assert text == "Hello"
    assert events[-1]["metadata"]["usage"] == usage
    assert server.json()["messages"][0]["content"] == [{"text": "hi"}]
    assert server.requests[0].url.endswith("/model/m/converse-stream")


@pytest.mark.usefixtures("aws_credentials")
def test_exception_after_some_text_raises_event_stream_error() -> None:
    client = _client("bedrock-runtime")
    server = EventStreamServer(client)
    server.respond(
        [
            event("contentBlockDelta", {"delta": {"text": "partial"}, "contentBlockIndex": 0}),
            exception("throttlingException", "Too many tokens"),
        ]
    )
    stream = iter(_converse(client)["stream"])

    assert next(stream)["contentBlockDelta"]["delta"]["text"] == "partial"
    with pytest.raises(EventStreamError) as err:
        next(stream)
    assert err.value.response["Error"]["Code"] == "throttlingException"


@pytest.mark.usefixtures("aws_credentials")
def test_invoke_agent_chunk_bytes_and_session_header() -> None:
    client = _client("bedrock-agent-runtime")
    server = EventStreamServer(client)
    payload = {"bytes": base64.b64encode(b"Pending").decode()}
    server.respond([event("chunk", payload)], headers={"x-amz-bedrock-agent-session-id": "s-1"})

    reply = client.invoke_agent(agentId="A", agentAliasId="B", sessionId="s-1", inputText="status?")

    assert reply["sessionId"] == "s-1"
    assert [e["chunk"]["bytes"] for e in reply["completion"]] == [b"Pending"]
    assert server.json()["inputText"] == "status?"


@pytest.mark.usefixtures("aws_credentials")
def test_corrupt_frame_fails_the_checksum() -> None:
    client = _client("bedrock-runtime")
    server = EventStreamServer(client)
    good = event("contentBlockDelta", {"delta": {"text": "x"}, "contentBlockIndex": 0})
    server.respond([good[:-1] + bytes([good[-1] ^ 0xFF])])

    with pytest.raises(ChecksumMismatch):
        list(_converse(client)["stream"])


@pytest.mark.usefixtures("aws_credentials")
def test_http_errors_are_retried_by_botocore_then_mapped() -> None:
    client = _client("bedrock-runtime", attempts=3)
    server = EventStreamServer(client)
    for _ in range(3):
        server.fail(429, "ThrottlingException", "Rate exceeded")

    with pytest.raises(ClientError) as err:
        _converse(client)

    assert err.value.response["Error"]["Code"] == "ThrottlingException"
    assert len(server.requests) == 3
    assert server.pending == 0

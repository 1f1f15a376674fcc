"""Row 10 and the Bedrock fault cases: the production streaming path over real event-stream frames,
throttling on every try with botocore's retries really running, and a hung read hitting its timeout.

Each case asserts what the user sees (the text already streamed, then one sentence) and what survives
(the conversation: the next question still works).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from fastapi.testclient import TestClient
from streamlit.testing.v1 import AppTest

from backend.errors import ErrorKind, classify, user_message
from backend.generators.storage import LocalStorage
from backend.providers import build_chat_model
from backend.providers.bedrock import client_config
from backend.providers.params import InferenceParams
from backend.settings import Settings
from serverless.app import build_service, create_app
from serverless.errors import TIMEOUT_MESSAGE
from tests.aws_eventstream import EventStreamServer, event, exception

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
USAGE = {"inputTokens": 11, "outputTokens": 4, "totalTokens": 15}


def bedrock_settings(tmp_path: Path) -> Settings:
    return Settings(
        APP_PROVIDER="bedrock",
        AWS_REGION="us-east-1",
        DATA_DIR=tmp_path / "data",
        INDEX_DIR=tmp_path / "data" / "index",
        UPLOAD_DIR=tmp_path / "data" / "uploads",
        OUTPUT_DIR=tmp_path / "data" / "outputs",
    )


def runtime_client(*, max_attempts: int = 1, read_timeout: int = 60, endpoint_url: str | None = None) -> Any:
    """The product's client configuration (adaptive retries, timeouts), with the attempts under test."""
    config = client_config(read_timeout=read_timeout, max_attempts=max_attempts)
    return boto3.client("bedrock-runtime", region_name="us-east-1", config=config, endpoint_url=endpoint_url)


def deltas(*pieces: str) -> list[bytes]:
    return [event("contentBlockDelta", {"delta": {"text": p}, "contentBlockIndex": 0}) for p in pieces]


def complete_reply(*pieces: str) -> list[bytes]:
    return [
        event("messageStart", {"role": "assistant"}),
        *deltas(*pieces),
        event("contentBlockStop", {"contentBlockIndex": 0}),
        event("messageStop", {"stopReason": "end_turn"}),
        event("metadata", {"usage": USAGE, "metrics": {"latencyMs": 9}}),
    ]


@pytest.mark.usefixtures("aws_credentials")
def test_converse_stream_yields_deltas_and_the_usage_metadata(tmp_path: Path) -> None:
    client = runtime_client()
    server = EventStreamServer(client)
    server.respond(complete_reply("Earned ", "leave is ", "20 days."))
    model = build_chat_model(bedrock_settings(tmp_path), InferenceParams(max_tokens=64), client=client)

    chunks = list(model.stream([("system", "Be brief."), ("human", "How much leave?")]))

    assert [c.text for c in chunks if c.text] == ["Earned ", "leave is ", "20 days."]
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert merged.usage_metadata is not None
    assert (merged.usage_metadata["input_tokens"], merged.usage_metadata["output_tokens"]) == (11, 4)
    sent = server.json()
    assert sent["messages"] == [{"role": "user", "content": [{"text": "How much leave?"}]}]
    assert sent["system"] == [{"text": "Be brief."}]
    assert sent["inferenceConfig"]["maxTokens"] == 64
    assert server.requests[0].url.endswith(f"/model/{HAIKU.replace(':', '%3A')}/converse-stream")


@pytest.fixture
def chat_page(open_page: Callable[..., AppTest], tmp_path: Path) -> Callable[[Any], AppTest]:
    def _open(client: Any) -> AppTest:
        cfg = bedrock_settings(tmp_path)
        model = build_chat_model(cfg, InferenceParams(), client=client)
        return open_page("pages/chatbot.py", {"settings": cfg, "chat_model": model})

    return _open


@pytest.mark.usefixtures("aws_credentials")
@pytest.mark.parametrize(
    ("exception_type", "sentence"),
    [
        ("throttlingException", "Amazon Bedrock is throttling requests"),
        ("modelStreamErrorException", "Amazon Bedrock could not be reached or the model is busy"),
    ],
)
def test_an_exception_mid_stream_keeps_the_text_and_adds_one_sentence(
    chat_page: Callable[[Any], AppTest], exception_type: str, sentence: str
) -> None:
    client = runtime_client()
    server = EventStreamServer(client)
    server.respond(
        [
            event("messageStart", {"role": "assistant"}),
            *deltas("Earned leave ", "is 20"),
            exception(exception_type, "stopped mid-answer"),
        ]
    )
    server.respond(complete_reply("Still here."))
    at = chat_page(client)

    at.chat_input[0].set_value("How much leave?").run()

    assert not at.exception
    shown = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert shown == ["How much leave?", "Earned leave is 20"]  # the streamed part stays on screen
    assert len(at.error) == 1
    assert at.error[0].value.startswith(sentence)
    assert "Traceback" not in at.error[0].value
    # What survives: the conversation, and the next question is answered.
    at.chat_input[0].set_value("Are you there?").run()
    shown = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert shown[-1] == "Still here."
    assert server.pending == 0


@pytest.mark.usefixtures("aws_credentials")
def test_throttling_on_every_try_is_retried_by_botocore_then_one_sentence(
    chat_page: Callable[[Any], AppTest],
) -> None:
    client = runtime_client(max_attempts=3)
    server = EventStreamServer(client)
    for _ in range(3):
        server.fail(429, "ThrottlingException", "Too many requests, please wait before trying again.")
    at = chat_page(client)

    at.chat_input[0].set_value("Hello?").run()

    assert len(server.requests) == 3  # botocore's own retry loop ran: three attempts, then gave up
    assert server.pending == 0
    assert len(at.error) == 1
    assert at.error[0].value.startswith(f"Amazon Bedrock is throttling requests to model '{HAIKU}' right now")
    users = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert users == ["Hello?"]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers (a hung Bedrock read)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.mark.enable_socket
@pytest.mark.usefixtures("aws_credentials")
def test_a_hung_read_hits_the_read_timeout_and_the_api_answers_504(
    silent_server: str, tmp_path: Path
) -> None:
    client = runtime_client(read_timeout=1, max_attempts=1, endpoint_url=silent_server)
    cfg = bedrock_settings(tmp_path)
    service = build_service(cfg, storage=LocalStorage(cfg.output_dir), bedrock_client=client)
    api = TestClient(create_app(cfg, generator_service=service), headers={"X-Workbench-User": "ana"})

    started = time.monotonic()
    response = api.post("/blog-generation", json={"blog_topic": "leave policy"})
    elapsed = time.monotonic() - started

    assert response.status_code == 504
    assert response.json() == {"detail": TIMEOUT_MESSAGE}
    assert elapsed < 10  # bounded by the read timeout, not by the server that never answers
    assert list(cfg.output_dir.rglob("*.txt")) == []  # nothing half-written was saved


@pytest.mark.enable_socket
@pytest.mark.usefixtures("aws_credentials")
def test_a_hung_stream_on_the_chat_page_is_one_sentence(silent_server: str, tmp_path: Path) -> None:
    client = runtime_client(read_timeout=1, max_attempts=1, endpoint_url=silent_server)
    model = build_chat_model(bedrock_settings(tmp_path), InferenceParams(), client=client)
    started = time.monotonic()
    with pytest.raises(ReadTimeoutError) as info:
        list(model.stream("hello"))
    assert time.monotonic() - started < 10
    assert classify(info.value) is ErrorKind.UNAVAILABLE
    assert user_message(info.value).startswith("Amazon Bedrock could not be reached or the model is busy")

"""The pages' API client: in-process over the real app, and remote against gateway-style answers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.api_client import ApiError, GeneratorApiClient
from backend.generators.service import GeneratorService
from backend.generators.storage import LocalStorage
from backend.providers.params import InferenceParams
from backend.settings import Settings
from serverless.app import create_app
from tests.generators.fakes import ModelFactory


@pytest.fixture
def in_process(tmp_path: Path) -> Callable[..., tuple[GeneratorApiClient, ModelFactory]]:
    def _make(*replies: Any) -> tuple[GeneratorApiClient, ModelFactory]:
        settings = Settings(APP_PROVIDER="local", OUTPUT_DIR=tmp_path / "outputs")
        factory = ModelFactory(replies)
        service = GeneratorService(
            settings, chat_model_factory=factory, storage=LocalStorage(settings.output_dir)
        )
        return GeneratorApiClient.in_process(create_app(settings, generator_service=service)), factory

    return _make


def test_in_process_round_trip(in_process: Callable[..., tuple[GeneratorApiClient, ModelFactory]]) -> None:
    client, factory = in_process("```python\nprint('hi')\n```")
    result = client.generate_code("python", "say hi", InferenceParams(temperature=0.3, max_tokens=4096))
    assert result.content == "print('hi')\n"
    # The sidebar allows 4096 tokens; the API's synchronous limit is 2048, and the client respects it.
    assert (factory.params[-1].temperature, factory.params[-1].max_tokens) == (0.3, 2048)
    history = client.history("code")
    assert [item.key for item in history.items] == [result.key]
    assert client.read_output("code", history.items[0].name).content == "print('hi')\n"
    assert client.health().provider == "local"


@pytest.mark.parametrize(
    ("call", "status", "fragment"),
    [
        (lambda c: c.generate_code("cobol", "print hello"), 422, "unsupported language 'cobol'"),
        (lambda c: c.summarize("text", 50), 422, "'lines' must be less than or equal to 10"),
        (lambda c: c.generate_poster("a cat", cfg_scale=7, steps=30, seed=0), 501, "needs Amazon Bedrock"),
        (lambda c: c.read_output("code", "../../etc/passwd"), 404, "Not Found"),
        (lambda c: c.read_output("code", "20250121T220005.123Z_gone.py"), 404, "No saved output named"),
    ],
)
def test_server_errors_become_api_errors_with_the_servers_sentence(
    in_process: Callable[..., tuple[GeneratorApiClient, ModelFactory]],
    call: Callable[[GeneratorApiClient], Any],
    status: int,
    fragment: str,
) -> None:
    client, _ = in_process()
    with pytest.raises(ApiError) as info:
        call(client)
    assert info.value.status_code == status
    assert fragment in info.value.message


def test_in_process_calls_work_inside_a_running_event_loop(
    in_process: Callable[..., tuple[GeneratorApiClient, ModelFactory]],
) -> None:
    client, _ = in_process()

    async def caller() -> str:
        return client.health().provider

    assert asyncio.run(caller()) == "local"


def remote(handler: Callable[[httpx.Request], httpx.Response]) -> GeneratorApiClient:
    return GeneratorApiClient.remote("https://api.example.test", transport=httpx.MockTransport(handler))


def test_remote_requests_use_the_seed_body_format() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={
                "kind": "code",
                "content": "x = 1\n",
                "key": "code-output/20250121T220005.123Z_x.py",
                "location": "s3://b/code-output/20250121T220005.123Z_x.py",
                "model": "m",
                "seconds": 1.5,
            },
        )

    result = remote(handler).generate_code("python", "implement binary search")
    assert result.location.startswith("s3://")
    request = seen[0]
    assert (request.method, str(request.url)) == ("POST", "https://api.example.test/code-generation")
    assert json.loads(request.content) == {"key": "python", "message": "implement binary search"}


@pytest.mark.parametrize(
    ("response", "status", "fragment"),
    [
        # API Gateway's own answers when the function times out or is throttled carry no "detail".
        (httpx.Response(503, json={"message": "Service Unavailable"}), 503, "30 seconds"),
        (httpx.Response(504, json={"message": "Gateway Timeout"}), 504, "shorter output"),
        (httpx.Response(429, json={"message": "Too Many Requests"}), 429, "too many requests"),
        (httpx.Response(403, json={"message": "Forbidden"}), 403, "refused the request"),
        (httpx.Response(500, text="<html>oops</html>"), 500, "HTTP 500"),
        (httpx.Response(403, json={"detail": "Access to model 'x' was denied."}), 403, "Access to model 'x'"),
        (httpx.Response(200, json={"unexpected": True}), 502, "unexpected response"),
    ],
)
def test_remote_failures_are_clear(response: httpx.Response, status: int, fragment: str) -> None:
    with pytest.raises(ApiError) as info:
        remote(lambda request: response).generate_blog("wind power")
    assert info.value.status_code == status
    assert fragment in info.value.message


@pytest.mark.parametrize(
    ("error", "status", "fragment"),
    [
        (httpx.ConnectError("connection refused"), 503, "could not be reached"),
        (httpx.ReadTimeout("timed out"), 504, "did not answer in time"),
    ],
)
def test_network_failures_are_clear(error: Exception, status: int, fragment: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error

    with pytest.raises(ApiError) as info:
        remote(handler).health()
    assert info.value.status_code == status
    assert fragment in info.value.message
    assert "https://api.example.test" in info.value.message or status == 504


def test_from_settings_chooses_remote_or_in_process(tmp_path: Path) -> None:
    remote_client = GeneratorApiClient.from_settings(Settings(API_URL="https://api.example.test/"))
    assert remote_client.target == "https://api.example.test"
    local_client = GeneratorApiClient.from_settings(Settings(APP_PROVIDER="local", OUTPUT_DIR=tmp_path))
    assert local_client.target == "in-process API"
    assert local_client.health().storage == "local"

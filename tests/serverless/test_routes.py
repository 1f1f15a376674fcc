"""Every route through FastAPI's TestClient, with fake models: happy paths, bad bodies, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backend.settings import LOCAL_CHAT_MODEL, Settings
from serverless.app import create_app
from tests.generators.fakes import ModelFactory, with_usage
from tests.serverless.conftest import ANA

FakeApi = Callable[..., tuple[TestClient, ModelFactory]]


def test_code_generation_accepts_the_seed_body(fake_api: FakeApi, local_settings: Settings) -> None:
    client, factory = fake_api(with_usage("```python\ndef bs(a, x):\n    return -1\n```", 30, 9))
    response = client.post("/code-generation", json={"key": "python", "message": "implement binary search"})
    assert response.status_code == 200
    body = response.json()
    assert body["content"] == "def bs(a, x):\n    return -1\n"
    assert body["key"] == f"users/{ANA}/code-output/20250121T220005.123Z_implement-binary-search.py"
    assert body["location"] == f"OUTPUT_DIR/{body['key']}"  # a storage key, never a server path
    assert (local_settings.output_dir / body["key"]).read_text() == body["content"]
    assert body["model"] == LOCAL_CHAT_MODEL
    assert body["usage"] == {"input_tokens": 30, "output_tokens": 9, "total_tokens": 39}
    assert body["language"] == "python"
    assert "implement binary search" in factory.prompts[0][1].text


def test_blog_generation(fake_api: FakeApi) -> None:
    client, _ = fake_api("Healthcare is changing. " * 40)
    response = client.post("/blog-generation", json={"blog_topic": "ML in healthcare"})
    assert response.status_code == 200
    assert response.json()["key"] == f"users/{ANA}/blog-output/20250121T220005.123Z_ml-in-healthcare.txt"
    assert response.json()["kind"] == "blog"


def test_summarize_defaults_to_two_lines(fake_api: FakeApi) -> None:
    client, factory = fake_api("Line one.\nLine two.\nLine three.")
    response = client.post("/summarize", json={"text": "Turbine T-07 overheated and was repaired."})
    assert response.status_code == 200
    assert response.json()["content"] == "Line one.\nLine two."
    assert "exactly 2 short lines" in factory.prompts[0][1].text


def test_params_reach_the_model(fake_api: FakeApi) -> None:
    client, factory = fake_api("```python\nx = 1\n```")
    body = {"key": "python", "message": "set x", "params": {"temperature": 0.2, "max_tokens": 64}}
    assert client.post("/code-generation", json=body).status_code == 200
    assert (factory.params[-1].temperature, factory.params[-1].max_tokens) == (0.2, 64)


def test_poster_offline_is_501_with_a_clear_sentence(fake_api: FakeApi) -> None:
    client, _ = fake_api()
    response = client.post("/poster", json={"prompt": "a cat", "cfg_scale": 7, "steps": 30, "seed": 0})
    assert response.status_code == 501
    assert response.json()["detail"].startswith("Image generation needs Amazon Bedrock")


def test_health(fake_api: FakeApi, local_settings: Settings) -> None:
    client, _ = fake_api()
    assert client.get("/health").json() == {
        "status": "ok",
        "provider": "local",
        "text_model": LOCAL_CHAT_MODEL,
        "image_model": None,
        "image_generation": False,
        "storage": "local",
        "storage_location": "the local folder OUTPUT_DIR",
    }


def test_history_lists_and_reads_outputs(fake_api: FakeApi) -> None:
    client, _ = fake_api("```python\nx = 1\n```", "```python\ny = 2\n```")
    first = client.post("/code-generation", json={"key": "python", "message": "set x"}).json()
    assert client.get("/history/blog").json() == {"kind": "blog", "items": []}
    items = client.get("/history/code", params={"limit": 5}).json()["items"]
    assert [i["key"] for i in items] == [first["key"]]
    item = client.get(f"/history/code/{items[0]['name']}").json()
    assert item["content"] == "x = 1\n"
    assert item["location"] == first["location"]


def test_a_user_neither_lists_nor_opens_anothers_outputs(fake_api: FakeApi) -> None:
    client, _ = fake_api("```python\nx = 1\n```")
    saved = client.post("/code-generation", json={"key": "python", "message": "set x"}).json()
    name = saved["key"].rsplit("/", 1)[1]
    as_bob = {"X-Workbench-User": "bob"}
    assert client.get("/history/code", headers=as_bob).json() == {"kind": "code", "items": []}
    response = client.get(f"/history/code/{name}", headers=as_bob)
    assert response.status_code == 404
    assert "No saved output named" in response.json()["detail"]
    # Ana still has it.
    assert client.get(f"/history/code/{name}").json()["content"] == "x = 1\n"


@pytest.mark.parametrize(
    ("headers", "fragment"),
    [
        ({}, "names no user"),
        ({"X-Workbench-User": ""}, "names no user"),
        ({"X-Workbench-User": "ana bob"}, "not a valid user name"),
        ({"X-Workbench-User": "x" * 129}, "not a valid user name"),
    ],
)
def test_a_call_that_names_no_valid_user_is_401(
    local_settings: Settings, headers: dict[str, str], fragment: str
) -> None:
    client = TestClient(create_app(local_settings))
    for method, path in [("GET", "/history/code"), ("POST", "/code-generation")]:
        response = client.request(method, path, headers=headers, json={"key": "python", "message": "x"})
        assert response.status_code == 401
        assert fragment in response.json()["detail"]
    # Health shows no user data and needs no user.
    assert client.get("/health", headers=headers).status_code == 200


@pytest.mark.parametrize("mode", ["iam", "jwt"])
def test_an_authenticated_api_refuses_calls_that_bypassed_api_gateway(
    local_settings: Settings, mode: str
) -> None:
    client = TestClient(create_app(local_settings, auth=mode), headers={"X-Workbench-User": "ana"})  # type: ignore[arg-type]
    response = client.get("/history/code")
    assert response.status_code == 401
    assert f"API_AUTH={mode}" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "status", "fragment"),
    [
        ("/history/code/20250121T220005.123Z_missing.py", 404, "No saved output named"),
        ("/history/code/..%2F..%2Fetc%2Fpasswd", 404, "Not Found"),
        ("/history/code/.partial-x1y2", 404, "No saved code output named"),
        ("/history/code/notes.txt", 404, "No saved code output named"),
        ("/history/videos", 422, "'kind' must be 'code', 'blog', 'summary' or 'poster'"),
        ("/history/code?limit=0", 422, "'limit' must be greater than or equal to 1"),
        ("/history/code?limit=1000", 422, "'limit' must be less than or equal to 100"),
        ("/nowhere", 404, "Not Found"),
    ],
)
def test_history_errors(fake_api: FakeApi, path: str, status: int, fragment: str) -> None:
    client, _ = fake_api()
    response = client.get(path)
    assert response.status_code == status
    assert fragment in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "fields", "fragment"),
    [
        ("/code-generation", {"message": "implement binary search"}, ["key"], "'key' is required"),
        ("/code-generation", {"key": "cobol", "message": "x" * 10}, ["key"], "unsupported language 'cobol'"),
        ("/code-generation", {"key": "python", "message": "hi"}, ["message"], "at least 3 characters"),
        (
            "/code-generation",
            {"key": "python", "message": "x" * 4001},
            ["message"],
            "at most 4000 characters",
        ),
        (
            "/code-generation",
            {"key": "python", "message": "ok ok", "lang": "x"},
            ["lang"],
            "not a known field",
        ),
        (
            "/code-generation",
            {"key": "python", "message": "sort a list", "params": {"max_tokens": 100_000}},
            ["params.max_tokens"],
            "less than or equal to 2048",
        ),
        (
            "/code-generation",
            {"key": "python", "message": "sort a list", "params": {"temperature": 3}},
            ["params.temperature"],
            "less than or equal to 1",
        ),
        (
            "/blog-generation",
            {"topic": "typo in the field name"},
            ["blog_topic", "topic"],
            "'blog_topic' is required",
        ),
        ("/blog-generation", {"blog_topic": "x" * 301}, ["blog_topic"], "at most 300 characters"),
        ("/blog-generation", {"blog_topic": 42}, ["blog_topic"], "must be a valid string"),
        ("/summarize", {"text": "", "lines": 2}, ["text"], "at least 1 character"),
        ("/summarize", {"text": "abc", "lines": 0}, ["lines"], "greater than or equal to 1"),
        ("/summarize", {"text": "abc", "lines": "two"}, ["lines"], "must be a valid integer"),
        ("/summarize", {"text": "t" * 20_001}, ["text"], "at most 20000 characters"),
        ("/poster", {"prompt": "a cat", "cfg_scale": 36}, ["cfg_scale"], "less than or equal to 35"),
        ("/poster", {"prompt": "a cat", "steps": 5}, ["steps"], "greater than or equal to 10"),
        ("/poster", {"prompt": "a cat", "steps": 151}, ["steps"], "less than or equal to 150"),
        ("/poster", {"prompt": "a cat", "seed": 4_294_967_296}, ["seed"], "less than or equal to 4294967295"),
        ("/poster", {"prompt": "a cat", "seed": -1}, ["seed"], "greater than or equal to 0"),
        ("/poster", {"prompt": "ab"}, ["prompt"], "at least 3 characters"),
        ("/poster", ["not", "an", "object"], ["body"], "the request body must be a JSON object"),
    ],
)
def test_bad_bodies_get_422_with_a_sentence_naming_the_field(
    fake_api: FakeApi, path: str, body: Any, fields: list[str], fragment: str
) -> None:
    client, factory = fake_api()
    response = client.post(path, json=body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["detail"].startswith("Invalid request: ")
    assert payload["detail"].endswith(".")
    assert fragment in payload["detail"]
    assert sorted(e["field"] for e in payload["errors"]) == sorted(fields)
    assert factory.prompts == []  # nothing reached the model


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b'{"key": "python", "message": ', "the request body is not valid JSON"),
        (b"", "the request body is required"),
    ],
)
def test_malformed_json_is_a_clear_422(fake_api: FakeApi, content: bytes, fragment: str) -> None:
    client, _ = fake_api()
    response = client.post("/code-generation", content=content, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_an_unexpected_bug_is_a_500_sentence_without_a_traceback(fake_api: FakeApi) -> None:
    client, _ = fake_api(ZeroDivisionError("division by zero"), raise_server_exceptions=False)
    response = client.post("/blog-generation", json={"blog_topic": "anything"})
    assert response.status_code == 500
    detail = response.json()["detail"]
    assert "Something went wrong" in detail
    assert "ZeroDivisionError" in detail
    assert "Traceback" not in response.text


def test_settings_are_read_at_the_first_request_and_bad_ones_are_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("APP_PROVIDER", "openai")
    app = create_app()  # reads nothing yet
    response = TestClient(app).get("/health")
    assert response.status_code == 500
    assert response.json()["detail"].startswith(
        "The API is misconfigured: Invalid configuration: APP_PROVIDER"
    )


def test_settings_from_the_environment_are_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APP_PROVIDER", "bedrock")
    monkeypatch.setenv("BEDROCK_CHAT_MODEL_ID", "eu.amazon.nova-lite-v1:0")
    monkeypatch.setenv("OUTPUT_DIR", str(tmp_path / "from-env"))
    health = TestClient(create_app()).get("/health").json()
    assert (health["provider"], health["text_model"]) == ("bedrock", "eu.amazon.nova-lite-v1:0")
    assert health["storage_location"] == "the local folder OUTPUT_DIR"  # the setting, not the path

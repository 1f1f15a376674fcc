"""The action group's OpenAPI schema: generated from the handler, checked in, within the agents' subset."""

from __future__ import annotations

import json
from typing import Any

import pytest

from serverless.agent.schema import SCHEMA_FILE, for_bedrock_agents, generate, main, render

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def walk(node: Any) -> list[tuple[str, Any]]:
    """Every (key, value) pair in a JSON document."""
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in [(key, value), *walk(value)]]
    if isinstance(node, list):
        return [pair for item in node for pair in walk(item)]
    return []


def test_the_checked_in_schema_is_the_generated_one() -> None:
    assert SCHEMA_FILE.read_text() == render()


def test_check_mode_reports_a_stale_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n")
    monkeypatch.setattr("serverless.agent.schema.SCHEMA_FILE", stale)
    assert main(["--check"]) == 1
    assert main([]) == 0
    assert main(["--check"]) == 0
    assert json.loads(stale.read_text())["paths"]


def test_schema_describes_the_handler_route() -> None:
    schema = generate()
    operation = schema["paths"]["/accounts/{accountId}/status"]["get"]
    assert operation["operationId"] == "getAccountStatus"
    (parameter,) = operation["parameters"]
    assert (parameter["name"], parameter["in"], parameter["required"]) == ("accountId", "path", True)
    assert parameter["schema"]["pattern"] == "^[0-9]{4}$"
    assert set(operation["responses"]) == {"200", "400", "404", "503"}
    status = schema["components"]["schemas"]["AccountStatus"]
    assert status["required"] == ["accountId", "accountName", "accountStatus", "reason"]


def test_schema_is_within_what_bedrock_agents_accept() -> None:
    schema = generate()
    assert schema["openapi"] == "3.0.0"
    keys = {key for key, _ in walk(schema)}
    assert "enum" not in keys
    assert "servers" not in schema
    for path, operations in schema["paths"].items():
        assert path.startswith("/")
        for method, operation in operations.items():
            assert method in HTTP_METHODS
            assert operation["description"]
            assert operation["operationId"]
            for parameter in operation.get("parameters", []):
                assert parameter["description"]
                assert parameter["schema"]["type"]
    refs = {value.rsplit("/", 1)[-1] for key, value in walk(schema) if key == "$ref"}
    assert refs == set(schema["components"]["schemas"])  # every component is used, none is missing


def test_for_bedrock_agents_drops_422_and_the_components_only_it_used() -> None:
    raw: dict[str, Any] = {
        "openapi": "3.0.3",
        "servers": [{"url": "/"}],
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}
                        },
                        "422": {
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/E"}}}
                        },
                    }
                }
            }
        },
        "components": {
            "schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "string"},
                "E": {"properties": {"detail": {"$ref": "#/components/schemas/V"}}},
                "V": {"type": "object"},
            }
        },
    }
    out = for_bedrock_agents(raw)
    assert out["openapi"] == "3.0.0"
    assert "servers" not in out
    assert set(out["paths"]["/a"]["get"]["responses"]) == {"200"}
    assert set(out["components"]["schemas"]) == {"A", "B"}
    assert raw["openapi"] == "3.0.3"
    assert "422" in raw["paths"]["/a"]["get"]["responses"]


def test_the_app_calls_the_path_the_schema_declares() -> None:
    from backend.banking.events import STATUS_PATH

    assert STATUS_PATH in generate()["paths"]

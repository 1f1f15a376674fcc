"""The Bedrock Agents Lambda response format (OpenAPI action groups), as a JSON Schema for tests."""

from __future__ import annotations

from typing import Any

import jsonschema

AGENT_RESPONSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["messageVersion", "response"],
    "properties": {
        "messageVersion": {"const": "1.0"},
        "response": {
            "type": "object",
            "required": ["actionGroup", "apiPath", "httpMethod", "httpStatusCode", "responseBody"],
            "properties": {
                "actionGroup": {"type": "string", "minLength": 1},
                "apiPath": {"type": "string", "pattern": "^/"},
                "httpMethod": {"type": "string", "pattern": "^(GET|POST|PUT|PATCH|DELETE)$"},
                "httpStatusCode": {"type": "integer", "minimum": 100, "maximum": 599},
                "responseBody": {
                    "type": "object",
                    "required": ["application/json"],
                    "additionalProperties": False,
                    "properties": {
                        "application/json": {
                            "type": "object",
                            "required": ["body"],
                            "additionalProperties": False,
                            "properties": {"body": {"type": "string"}},
                        }
                    },
                },
            },
        },
        "sessionAttributes": {"type": "object"},
        "promptSessionAttributes": {"type": "object"},
    },
}


def assert_agent_response(response: dict[str, Any]) -> None:
    jsonschema.validate(response, AGENT_RESPONSE_SCHEMA)

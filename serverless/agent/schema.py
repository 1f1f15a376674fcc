"""Generate the action group's OpenAPI schema from the handler's routes: ``serverless/agent/openapi.json``.

    .venv/bin/python -m serverless.agent.schema           # rewrites openapi.json
    .venv/bin/python -m serverless.agent.schema --check   # fails if openapi.json is out of date

Powertools' ``BedrockAgentResolver.get_openapi_json_schema`` writes OpenAPI 3.0.3 from the routes and
their pydantic models. ``for_bedrock_agents`` then fits it to what Bedrock Agents accept: the version
"3.0.0" their documentation requires, and no automatic 422 response (the handler answers a bad ID with
400 and one sentence) nor the components only that response used. A test checks the subset (no
``enum``, a description on every operation and parameter) and that the checked-in file is current.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("openapi.json")
TITLE = "Retail bank account status"
DESCRIPTION = "Look up the status of a customer's new bank account by its 4-digit account ID."
VERSION = "1.0.0"


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(item) for item in node))
    return set()


def for_bedrock_agents(schema: dict[str, Any]) -> dict[str, Any]:
    """The subset of OpenAPI 3.0 that Bedrock Agents accept (pure: returns a new dict)."""
    out = json.loads(json.dumps(schema))
    out["openapi"] = "3.0.0"
    out.pop("servers", None)
    for operations in out.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    components = out.get("components", {}).get("schemas", {})
    # Keep the components the paths use, and the ones those use in turn.
    keep: set[str] = set()
    pending = _refs(out.get("paths", {}))
    while pending:
        name = pending.pop()
        if name not in keep and name in components:
            keep.add(name)
            pending |= _refs(components[name])
    if components:
        out["components"]["schemas"] = {name: components[name] for name in components if name in keep}
    return out


def generate() -> dict[str, Any]:
    from serverless.agent.handler import app

    raw = json.loads(app.get_openapi_json_schema(title=TITLE, version=VERSION, description=DESCRIPTION))
    return for_bedrock_agents(raw)


def render() -> str:
    return json.dumps(generate(), indent=2) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m serverless.agent.schema", description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if openapi.json is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not SCHEMA_FILE.is_file() or SCHEMA_FILE.read_text() != text:
            print(f"{SCHEMA_FILE} is out of date: run 'python -m serverless.agent.schema'.")
            return 1
        print(f"{SCHEMA_FILE} is up to date.")
        return 0
    SCHEMA_FILE.write_text(text)
    print(f"Wrote {SCHEMA_FILE}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The action-group Lambda loads no heavy module, reads nothing at import, and its bundle runs alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.serverless.test_bundle import HEAVY, copy_bundle_sources, loaded_after_import, run_python


def test_the_agent_handler_imports_no_heavy_module() -> None:
    heavy = HEAVY | {"langchain_core", "langchain_aws", "fastapi", "numpy"}
    assert loaded_after_import("serverless.agent.handler", heavy) == []


def test_importing_the_agent_handler_reads_no_settings(tmp_path: Path) -> None:
    # An invalid setting would raise if the module read the environment at import time.
    lazy = {"boto3", "pydantic_settings"}
    env = {"BANKING_STORE": "not-a-store"}
    assert loaded_after_import("serverless.agent.handler", lazy, cwd=tmp_path, env=env) == []


def test_agent_requirements_are_pinned_and_light() -> None:
    lines = [
        line.strip()
        for line in (REPO_ROOT / "serverless" / "agent" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "-c ../../constraints.txt"
    pins = dict(line.split("==") for line in lines[1:])
    assert set(pins) == {"aws-lambda-powertools", "pydantic", "pydantic-settings", "boto3"}
    constraints = (REPO_ROOT / "constraints.txt").read_text().splitlines()
    for name, version in pins.items():
        assert f"{name}=={version}" in constraints, name


@pytest.mark.skipif(not Path("/usr/bin/make").exists(), reason="needs make")
def test_the_agent_bundle_holds_only_the_action_group_and_answers_an_agent_event(tmp_path: Path) -> None:
    bundle, files = copy_bundle_sources(REPO_ROOT / "serverless" / "agent" / "Makefile", tmp_path)
    assert files == [
        "backend/__init__.py",
        "backend/banking/__init__.py",
        "backend/banking/accounts.py",
        "backend/banking/dynamodb_store.py",
        "backend/banking/sqlite_store.py",
        "backend/settings.py",
        "serverless/__init__.py",
        "serverless/agent/__init__.py",
        "serverless/agent/handler.py",
        "serverless/agent/openapi.json",
        "serverless/agent/publish_schema.py",
    ]
    data = tmp_path / "data"
    event = (REPO_ROOT / "tests" / "events" / "agent_account_status_5555.json").read_text()
    out = run_python(
        "import json, pathlib, sys\n"
        "from backend.banking.sqlite_store import SQLiteAccountStore\n"
        "import serverless.agent.handler as h\n"
        f"assert h.__file__.startswith({str(bundle)!r}), h.__file__\n"
        f"SQLiteAccountStore(pathlib.Path({str(data)!r}, 'banking', 'accounts.sqlite3')).seed()\n"
        f"r = h.handler(json.loads({event!r}), None)['response']\n"
        "body = json.loads(r['responseBody']['application/json']['body'])\n"
        "print(r['httpStatusCode'], body['accountStatus'])\n",
        cwd=bundle,
        env={"BANKING_STORE": "sqlite", "DATA_DIR": str(data), "PYTHONPATH": ""},
    )
    assert out.split() == ["200", "Active"]

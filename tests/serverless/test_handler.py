"""The Lambda entry point with API Gateway HTTP API (payload format 2.0) events and a Lambda context."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mangum import Mangum

from backend.generators.naming import owner_id
from backend.generators.service import GeneratorService
from backend.generators.storage import LocalStorage
from backend.settings import Settings
from serverless.app import create_app
from tests.conftest import REPO_ROOT
from tests.generators.fakes import ModelFactory
from tests.serverless.conftest import ANA, NOW

EVENTS = REPO_ROOT / "tests" / "events"
# The events come through API Gateway's IAM authorizer; most are signed by the app's EC2 instance role
# (a session of this role), naming its signed-in user "ana" in X-Workbench-User.
APP_ROLE_ARN = "arn:aws:iam::123456789012:role/workbench-app"


@dataclass
class LambdaContext:
    """The attributes of the context object Lambda passes to a Python handler."""

    function_name: str = "wb-generator"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:wb-generator"
    memory_limit_in_mb: int = 1024
    aws_request_id: str = "7c9d0e1f-2345-4678-9abc-def012345678"
    log_group_name: str = "/aws/lambda/wb-generator"
    log_stream_name: str = "2026/11/21/[$LATEST]0123456789abcdef"
    remaining_ms: int = 29_000
    identity: Any = None
    client_context: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext()


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return event


@pytest.fixture
def iam_settings(local_settings: Settings) -> Settings:
    """The deployed API's authentication (API_AUTH=iam) with the app's role trusted to name users."""
    return local_settings.model_copy(update={"api_auth": "iam", "api_trusted_role_arn": APP_ROLE_ARN})


def handler_for(settings: Settings, *replies: Any) -> tuple[Mangum, ModelFactory]:
    factory = ModelFactory(replies)
    service = GeneratorService(
        settings, chat_model_factory=factory, storage=LocalStorage(settings.output_dir), clock=lambda: NOW
    )
    return Mangum(create_app(settings, generator_service=service), lifespan="off"), factory


def body_of(response: dict[str, Any]) -> Any:
    raw = response["body"]
    if response.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode()
    return json.loads(raw)


def test_code_generation_event(iam_settings: Settings, lambda_context: LambdaContext) -> None:
    handler, factory = handler_for(iam_settings, "```python\ndef f():\n    pass\n```")
    response = handler(load_event("http_api_v2_code_generation.json"), lambda_context)
    assert response["statusCode"] == 200
    assert response["headers"]["content-type"] == "application/json"
    body = body_of(response)
    assert body["key"] == f"users/{ANA}/code-output/20250121T220005.123Z_implement-binary-search.py"
    assert "implement binary search" in factory.prompts[0][1].text


def test_base64_encoded_body_is_decoded(iam_settings: Settings, lambda_context: LambdaContext) -> None:
    handler, _ = handler_for(iam_settings, "Wind turbines are great. " * 20)
    response = handler(load_event("http_api_v2_blog_generation_base64.json"), lambda_context)
    assert response["statusCode"] == 200
    assert body_of(response)["key"].endswith("_machine-learning-in-healthcare.txt")


@pytest.mark.parametrize(
    ("event", "status", "fragment"),
    [
        ("http_api_v2_summarize_invalid.json", 422, "'lines' must be less than or equal to 10"),
        ("http_api_v2_code_generation_bad_json.json", 422, "not valid JSON"),
        ("http_api_v2_poster.json", 501, "Image generation needs Amazon Bedrock"),
    ],
)
def test_error_events_get_a_json_sentence(
    iam_settings: Settings, lambda_context: LambdaContext, event: str, status: int, fragment: str
) -> None:
    handler, factory = handler_for(iam_settings)
    response = handler(load_event(event), lambda_context)
    assert response["statusCode"] == status
    assert fragment in body_of(response)["detail"]
    assert factory.prompts == []


def test_history_event_with_query_string(iam_settings: Settings, lambda_context: LambdaContext) -> None:
    handler, _ = handler_for(iam_settings, "```python\nx = 1\n```")
    handler(load_event("http_api_v2_code_generation.json"), lambda_context)
    response = handler(load_event("http_api_v2_history.json"), lambda_context)
    assert response["statusCode"] == 200
    assert [item["key"] for item in body_of(response)["items"]] == [
        f"users/{ANA}/code-output/20250121T220005.123Z_implement-binary-search.py"
    ]


def test_each_authorizer_identity_sees_only_its_own_history(
    iam_settings: Settings, lambda_context: LambdaContext
) -> None:
    """Ana saves code through the app's role; a developer (IAM) and a Cognito user (JWT) don't see it."""
    handler, _ = handler_for(iam_settings, "```python\nx = 1\n```")
    saved = body_of(handler(load_event("http_api_v2_code_generation.json"), lambda_context))
    assert saved["key"].startswith(f"users/{ANA}/code-output/")

    developer = handler(load_event("http_api_v2_history_iam_developer.json"), lambda_context)
    assert developer["statusCode"] == 200
    assert body_of(developer)["items"] == []

    # The same output folder, behind a JWT authorizer.
    jwt_handler, _ = handler_for(iam_settings.model_copy(update={"api_auth": "jwt"}))
    carla = jwt_handler(load_event("http_api_v2_history_jwt.json"), lambda_context)
    assert carla["statusCode"] == 200
    assert body_of(carla)["items"] == []

    # Opening Ana's output by name as the developer: not found in their folder.
    event = load_event("http_api_v2_history_iam_developer.json")
    name = saved["key"].rsplit("/", 1)[1]
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/history/code/{name}"
    event["routeKey"] = event["requestContext"]["routeKey"] = "GET /history/{kind}/{name}"
    event["rawQueryString"], event["queryStringParameters"] = "", {}
    event["pathParameters"] = {"kind": "code", "name": name}
    opened = handler(event, lambda_context)
    assert opened["statusCode"] == 404


def test_the_developers_own_outputs_are_listed_under_their_iam_identity(
    iam_settings: Settings, lambda_context: LambdaContext
) -> None:
    handler, _ = handler_for(iam_settings, "```python\nx = 1\n```")
    event = load_event("http_api_v2_code_generation.json")
    developer = load_event("http_api_v2_history_iam_developer.json")
    event["requestContext"]["authorizer"] = developer["requestContext"]["authorizer"]
    del event["headers"]["x-workbench-user"]
    saved = body_of(handler(event, lambda_context))
    owner = owner_id("iam:arn:aws:sts::123456789012:assumed-role/Developer/bob")
    assert saved["key"].startswith(f"users/{owner}/code-output/")
    listed = body_of(handler(developer, lambda_context))["items"]
    assert [item["key"] for item in listed] == [saved["key"]]


@pytest.mark.parametrize(
    ("event", "settings_update", "status", "fragment"),
    [
        # No authorizer identity (a route left without the authorizer): refused, whatever the header says.
        ("http_api_v2_history_unsigned.json", {}, 401, "not signed"),
        ("http_api_v2_history_unsigned.json", {"api_auth": "jwt"}, 401, "no verified token"),
        # A principal other than the app's role may not act for a named user.
        ("http_api_v2_history_iam_developer_names_a_user.json", {}, 403, "Only the app's role"),
        # Without a trusted role configured, even the app's role acts only as itself.
        ("http_api_v2_history.json", {"api_trusted_role_arn": None}, 403, "Only the app's role"),
        # The app's role must name a user.
        (
            "http_api_v2_history_iam_developer.json",
            {"api_trusted_role_arn": "arn:aws:iam::123456789012:role/Developer"},
            401,
            "names no user",
        ),
        # An API deployed with API_AUTH=none refuses everything that comes through API Gateway.
        ("http_api_v2_history.json", {"api_auth": "none"}, 403, "API_AUTH=none"),
        # A JWT API ignores IAM identities, and a token caller may not name another user.
        ("http_api_v2_history.json", {"api_auth": "jwt"}, 401, "no verified token"),
    ],
)
def test_unauthenticated_or_impersonating_events_are_refused(
    iam_settings: Settings,
    lambda_context: LambdaContext,
    event: str,
    settings_update: dict[str, Any],
    status: int,
    fragment: str,
) -> None:
    handler, factory = handler_for(iam_settings.model_copy(update=settings_update))
    response = handler(load_event(event), lambda_context)
    assert response["statusCode"] == status
    assert fragment in body_of(response)["detail"]
    assert "Traceback" not in response["body"]
    assert factory.prompts == []


def test_a_token_caller_may_not_name_another_user(
    iam_settings: Settings, lambda_context: LambdaContext
) -> None:
    handler, _ = handler_for(iam_settings.model_copy(update={"api_auth": "jwt"}))
    event = load_event("http_api_v2_history_jwt.json")
    event["headers"]["x-workbench-user"] = "ana"
    response = handler(event, lambda_context)
    assert response["statusCode"] == 403
    assert "acts as itself" in body_of(response)["detail"]


def test_the_deployed_handler_reads_settings_at_its_first_event(tmp_path: Path) -> None:
    """The module-level ``handler`` in a fresh process, configured only by environment variables."""
    script = f"""
import anyio, json, sys
sys.path.insert(0, {str(REPO_ROOT)!r})
from serverless.handler import handler
from tests.serverless.test_handler import LambdaContext, load_event
for name in ("http_api_v2_health.json", "http_api_v2_summarize_invalid.json"):
    response = handler(load_event(name), LambdaContext())
    # Other code in the process ran (and closed) an event loop: the next event must not depend on it.
    anyio.run(anyio.sleep, 0)
    print(json.dumps({{"status": response["statusCode"], "body": json.loads(response["body"])}}))
"""
    env = {
        **os.environ,
        "APP_PROVIDER": "bedrock",
        "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "OUTPUT_DIR": str(tmp_path / "lambda-outputs"),
        "BEDROCK_CHAT_MODEL_ID": "eu.amazon.nova-lite-v1:0",
        "API_AUTH": "iam",
        "API_TRUSTED_ROLE_ARN": APP_ROLE_ARN,
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    health, invalid = (json.loads(line) for line in result.stdout.splitlines())
    assert health["status"] == 200
    assert health["body"]["provider"] == "bedrock"
    assert health["body"]["text_model"] == "eu.amazon.nova-lite-v1:0"
    assert health["body"]["storage_location"] == "the local folder OUTPUT_DIR"
    assert str(tmp_path) not in json.dumps(health)  # no server path leaves the API
    assert invalid["status"] == 422

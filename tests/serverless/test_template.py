"""The SAM template: cfn-lint, least-privilege IAM for each model configuration, routes, authorizers,
timeouts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from serverless.app import BEDROCK_READ_TIMEOUT_S, create_app
from tests.cloudformation import assert_cfn_lint_passes, load_template
from tests.conftest import REPO_ROOT

TEMPLATE = REPO_ROOT / "serverless" / "template.yaml"
PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::StackName": "wb",
    "AWS::URLSuffix": "amazonaws.com",
}
BUCKET_ARN = "arn:aws:s3:::wb-outputbucket"
NO_VALUE = object()


def load() -> dict[str, Any]:
    return load_template(TEMPLATE)


def resolve(node: Any, params: dict[str, str], conditions: dict[str, bool]) -> Any:
    """Evaluate the intrinsic functions this template uses, for one set of parameters."""
    if isinstance(node, list):
        items = [resolve(item, params, conditions) for item in node]
        return [item for item in items if item is not NO_VALUE]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"}:
        name = node["Ref"]
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "OutputBucket":
            return "wb-outputbucket"
        return params.get(name, PSEUDO.get(name, f"<{name}>"))
    if set(node) == {"Fn::If"}:
        condition, yes, no = node["Fn::If"]
        return resolve(yes if conditions[condition] else no, params, conditions)
    if set(node) == {"Fn::GetAtt"}:
        target = node["Fn::GetAtt"]
        return BUCKET_ARN if target[0] == "OutputBucket" else f"<{'.'.join(target)}>"
    if set(node) == {"Fn::Sub"}:

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "OutputBucket.Arn":
                return BUCKET_ARN
            return str(params.get(name, PSEUDO.get(name, f"<{name}>")))

        return re.sub(r"\$\{([^}]+)\}", value, node["Fn::Sub"])
    resolved = {key: resolve(value, params, conditions) for key, value in node.items()}
    return {key: value for key, value in resolved.items() if value is not NO_VALUE}


def resource(name: str, params: dict[str, str]) -> dict[str, Any]:
    template = load()
    values = {name: spec.get("Default") for name, spec in template["Parameters"].items()} | params
    conditions = {
        "UseChatProfile": values["ChatInferenceProfile"] != "none",
        "HasCourseKnowledgeBase": values["CourseKnowledgeBaseId"] != "",
        "UseJwt": values["Authorizer"] == "jwt",
        "HasTrustedAppRole": values["TrustedAppRoleArn"] != "",
    }
    resolved: dict[str, Any] = resolve(template["Resources"][name], values, conditions)
    return resolved


def function(params: dict[str, str]) -> dict[str, Any]:
    return resource("GeneratorFunction", params)


def routes(params: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {
        name: resource(name, params)["Properties"]
        for name, spec in load()["Resources"].items()
        if spec["Type"] == "AWS::ApiGatewayV2::Route"
    }


def statements(fn: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in fn["Properties"]["Policies"] for s in policy["Statement"]]


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_passes() -> None:
    assert_cfn_lint_passes(TEMPLATE)


def test_text_model_through_an_inference_profile_is_the_only_chat_model_allowed() -> None:
    fn = function({"ChatModelId": "anthropic.claude-haiku-4-5-20251001-v1:0", "ChatInferenceProfile": "us"})
    model_id = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    env = fn["Properties"]["Environment"]["Variables"]
    assert env["BEDROCK_CHAT_MODEL_ID"] == env["BEDROCK_CHAT_MODEL_CHOICES"] == model_id
    bedrock = {s["Sid"]: s for s in statements(fn) if as_list(s["Action"]) == ["bedrock:InvokeModel"]}
    assert bedrock["InvokeTextModelThroughProfile"]["Resource"] == (
        f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{model_id}"
    )
    behind = bedrock["TextModelBehindProfile"]
    assert (
        behind["Resource"] == "arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"
    )
    profile_arn = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{model_id}"
    assert behind["Condition"] == {"StringEquals": {"bedrock:InferenceProfileArn": profile_arn}}
    assert (
        bedrock["InvokeImageModel"]["Resource"]
        == "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-canvas-v1:0"
    )
    assert "InvokeTextModel" not in bedrock


def test_text_model_without_a_profile_is_one_regional_foundation_model() -> None:
    fn = function(
        {
            "ChatModelId": "amazon.nova-lite-v1:0",
            "ChatInferenceProfile": "none",
            "ImageModelId": "stability.stable-diffusion-xl-v1",
        }
    )
    assert fn["Properties"]["Environment"]["Variables"]["BEDROCK_CHAT_MODEL_ID"] == "amazon.nova-lite-v1:0"
    bedrock = {s["Sid"]: s["Resource"] for s in statements(fn) if s["Sid"].startswith(("Invoke", "Text"))}
    assert bedrock == {
        "InvokeTextModel": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
        "InvokeImageModel": "arn:aws:bedrock:us-east-1::foundation-model/stability.stable-diffusion-xl-v1",
    }


@pytest.mark.parametrize(("profile", "course_kb"), [("us", ""), ("none", ""), ("us", "KB12345678")])
def test_every_permission_is_narrow(profile: str, course_kb: str) -> None:
    fn = function({"ChatInferenceProfile": profile, "CourseKnowledgeBaseId": course_kb})
    allowed = {"bedrock:InvokeModel", "s3:PutObject", "s3:GetObject", "s3:ListBucket", "bedrock:Retrieve"}
    for statement in statements(fn):
        assert statement["Effect"] == "Allow"
        if statement["Action"] == "bedrock:RetrieveAndGenerate":  # has no resource type; see the template
            assert course_kb
            assert statement["Resource"] == "*"
            continue
        assert set(as_list(statement["Action"])) <= allowed, statement
        for resource in as_list(statement["Resource"]):
            assert resource != "*"
            assert "*" not in resource or resource.startswith(("arn:aws:bedrock:*::", f"{BUCKET_ARN}/"))
    by_sid = {s["Sid"]: s for s in statements(fn)}
    assert sorted(by_sid["ReadWriteOutputs"]["Resource"]) == sorted(
        f"{BUCKET_ARN}/users/*/{kind}-output/*" for kind in ("code", "blog", "summary", "poster")
    )
    assert by_sid["ListOutputHistory"]["Resource"] == BUCKET_ARN
    assert sorted(by_sid["ListOutputHistory"]["Condition"]["StringLike"]["s3:prefix"]) == sorted(
        f"users/*/{kind}-output/*" for kind in ("code", "blog", "summary", "poster")
    )
    # The API never streams, so the streaming permission is not granted.
    assert "bedrock:InvokeModelWithResponseStream" not in str(statements(fn))


def test_the_bucket_is_private_and_encrypted() -> None:
    bucket = load()["Resources"]["OutputBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    encryption = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in {"AES256", "aws:kms"}
    policy = load()["Resources"]["OutputBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert (policy["Effect"], policy["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})


def test_timeouts_fit_api_gateway_limit() -> None:
    fn = function({})
    integration = resource("GeneratorIntegration", {})["Properties"]
    assert integration["TimeoutInMillis"] == 30000
    assert (integration["IntegrationType"], integration["PayloadFormatVersion"]) == ("AWS_PROXY", "2.0")
    timeout = fn["Properties"]["Timeout"]
    assert timeout < 30
    assert timeout > BEDROCK_READ_TIMEOUT_S


def test_the_template_routes_are_exactly_the_app_routes() -> None:
    template_routes = {tuple(r["RouteKey"].split(" ", 1)) for r in routes({}).values()}
    app_routes = {
        (method, route.path)
        for route in create_app().routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    assert template_routes == app_routes
    assert {r["Target"] for r in routes({}).values()} == {"integrations/<GeneratorIntegration>"}


def test_every_route_needs_iam_by_default_and_the_function_trusts_only_the_app_role() -> None:
    assert {r["AuthorizationType"] for r in routes({}).values()} == {"AWS_IAM"}
    assert all("AuthorizerId" not in r for r in routes({}).values())
    env = function({})["Properties"]["Environment"]["Variables"]
    assert env["API_AUTH"] == "iam"
    assert "API_TRUSTED_ROLE_ARN" not in env  # nobody may name a user until the app's role is given
    app_role = "arn:aws:iam::123456789012:role/workbench-app"
    env = function({"TrustedAppRoleArn": app_role})["Properties"]["Environment"]["Variables"]
    assert env["API_TRUSTED_ROLE_ARN"] == app_role


def test_the_jwt_authorizer_checks_tokens_from_the_configured_user_pool() -> None:
    params = {
        "Authorizer": "jwt",
        "CognitoUserPoolId": "us-east-1_AbCdEfGhI",
        "CognitoAppClientId": "4b5c6d7e",
    }
    assert {r["AuthorizationType"] for r in routes(params).values()} == {"JWT"}
    assert {r["AuthorizerId"] for r in routes(params).values()} == {"<CognitoJwtAuthorizer>"}
    authorizer = resource("CognitoJwtAuthorizer", params)["Properties"]
    assert authorizer["JwtConfiguration"] == {
        "Issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
        "Audience": ["4b5c6d7e"],
    }
    assert authorizer["IdentitySource"] == ["$request.header.Authorization"]
    assert load()["Resources"]["CognitoJwtAuthorizer"]["Condition"] == "UseJwt"
    assert function(params)["Properties"]["Environment"]["Variables"]["API_AUTH"] == "jwt"


def test_lambda_runs_the_handler_from_a_makefile_build() -> None:
    fn = load()["Resources"]["GeneratorFunction"]
    assert fn["Metadata"]["BuildMethod"] == "makefile"
    assert fn["Properties"]["Handler"] == "serverless.handler.handler"
    assert (REPO_ROOT / "serverless" / "Makefile").read_text().count("build-GeneratorFunction:") == 1
    assert Path(REPO_ROOT / "serverless" / fn["Properties"]["CodeUri"], "handler.py").is_file()


def test_course_knowledge_base_is_granted_only_when_configured() -> None:
    without = function({})
    assert "COURSE_KNOWLEDGE_BASE_ID" not in without["Properties"]["Environment"]["Variables"]
    assert not [s for s in statements(without) if "Retrieve" in str(s["Action"])]

    fn = function({"CourseKnowledgeBaseId": "KB12345678", "KnowledgeBaseModelId": "amazon.nova-pro-v1:0"})
    env = fn["Properties"]["Environment"]["Variables"]
    model_arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"
    assert env["COURSE_KNOWLEDGE_BASE_ID"] == "KB12345678"
    assert env["BEDROCK_KB_MODEL_ARN"] == model_arn
    by_sid = {s["Sid"]: s for s in statements(fn)}
    assert by_sid["RetrieveFromCourseKnowledgeBase"]["Resource"] == (
        "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678"
    )
    assert by_sid["InvokeKnowledgeBaseModel"]["Resource"] == model_arn
    assert by_sid["RetrieveAndGenerate"]["Action"] == "bedrock:RetrieveAndGenerate"

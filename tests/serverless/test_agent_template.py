"""The banking agent's SAM template: cfn-lint, the Lambda's resource policy, least privilege, the agent."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from serverless.agent.handler import app
from serverless.agent.publish_schema import SCHEMA_FILE, publish
from tests.cloudformation import assert_cfn_lint_passes, load_template
from tests.conftest import REPO_ROOT
from tests.serverless.test_template import as_list, resolve

TEMPLATE = REPO_ROOT / "serverless" / "agent" / "template.yaml"
INSTRUCTION = (
    "You are a banking assistant in a Retail Bank. You are friendly and polite. You help resolve customer "
    "queries by providing bank customers status on their new bank accounts."
)


def load() -> dict[str, Any]:
    return load_template(TEMPLATE)


def resources(params: dict[str, str]) -> dict[str, Any]:
    template = load()
    values = {name: spec.get("Default") for name, spec in template["Parameters"].items()} | params
    conditions = {
        "UseProfile": values["AgentInferenceProfile"] != "none",
        "HasFaqKnowledgeBase": values["FaqKnowledgeBaseId"] != "",
    }
    resolved: dict[str, Any] = resolve(template["Resources"], values, conditions)
    return resolved


def role_statements(res: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for p in res["AgentRole"]["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


def test_cfn_lint_passes() -> None:
    assert_cfn_lint_passes(TEMPLATE)


def test_only_bedrock_from_this_agent_may_invoke_the_lambda() -> None:
    permission = load()["Resources"]["AccountStatusInvokePermission"]["Properties"]
    assert permission["Principal"] == "bedrock.amazonaws.com"
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["SourceArn"] == {"Fn::GetAtt": ["BankingAgent", "AgentArn"]}
    assert permission["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert permission["FunctionName"] == {"Fn::GetAtt": ["AccountStatusFunction", "Arn"]}


def test_the_lambda_may_only_read_one_item_table() -> None:
    fn = resources({})["AccountStatusFunction"]["Properties"]
    statements = [s for policy in fn["Policies"] for s in policy["Statement"]]
    assert statements == [
        {
            "Sid": "ReadAccountStatus",
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": "<AccountTable.Arn>",
        }
    ]
    assert fn["Handler"] == "serverless.agent.handler.handler"
    assert fn["Environment"]["Variables"]["BANKING_STORE"] == "dynamodb"
    assert (REPO_ROOT / "serverless" / "agent" / "Makefile").read_text().count(
        "build-AccountStatusFunction:"
    ) == 1


def test_the_agent_has_the_course_instruction_action_group_and_schema_in_s3() -> None:
    agent = resources({})["BankingAgent"]["Properties"]
    assert " ".join(agent["Instruction"].split()) == INSTRUCTION
    assert agent["AgentName"] == "bankofchicago-agent"
    (group,) = agent["ActionGroups"]
    assert group["ActionGroupExecutor"] == {"Lambda": "<AccountStatusFunction.Arn>"}
    assert group["ApiSchema"]["S3"]["S3ObjectKey"] == "openapi/account-status.json"
    assert "KnowledgeBases" not in agent
    schema = resources({})["ActionGroupSchema"]["Properties"]
    assert schema["Key"] == group["ApiSchema"]["S3"]["S3ObjectKey"]
    assert load()["Resources"]["BankingAgent"]["DependsOn"] == "ActionGroupSchema"
    alias = load()["Resources"]["BankingAgentAlias"]["Properties"]
    assert alias["AgentId"] == {"Fn::GetAtt": ["BankingAgent", "AgentId"]}


def test_the_faq_knowledge_base_is_associated_and_readable_when_given() -> None:
    res = resources({"FaqKnowledgeBaseId": "KB12345678"})
    (kb,) = res["BankingAgent"]["Properties"]["KnowledgeBases"]
    assert (kb["KnowledgeBaseId"], kb["KnowledgeBaseState"]) == ("KB12345678", "ENABLED")
    retrieve = {s["Sid"]: s for s in role_statements(res)}["RetrieveBankFaqs"]
    assert retrieve["Action"] == "bedrock:Retrieve"
    assert retrieve["Resource"] == "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB12345678"
    assert "RetrieveBankFaqs" not in {s["Sid"] for s in role_statements(resources({}))}


@pytest.mark.parametrize(
    ("profile", "model", "expected"),
    [
        ("us", "anthropic.claude-haiku-4-5-20251001-v1:0", "us.anthropic.claude-haiku-4-5-20251001-v1:0"),
        ("none", "amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0"),
    ],
)
def test_the_model_is_configurable_and_the_only_one_the_role_may_call(
    profile: str, model: str, expected: str
) -> None:
    res = resources({"AgentInferenceProfile": profile, "AgentModelId": model})
    assert res["BankingAgent"]["Properties"]["FoundationModel"] == expected
    allowed = {
        "bedrock:InvokeModel",
        "bedrock:InvokeModelWithResponseStream",
        "bedrock:GetInferenceProfile",
        "s3:GetObject",
        "bedrock:Retrieve",
    }
    for statement in role_statements(res):
        assert statement["Effect"] == "Allow"
        assert set(as_list(statement["Action"])) <= allowed
        assert "*" not in as_list(statement["Resource"])
    model_resources = sorted(
        r
        for s in role_statements(res)
        if "bedrock:InvokeModel" in as_list(s["Action"])
        for r in as_list(s["Resource"])
    )
    if profile == "none":
        assert model_resources == [f"arn:aws:bedrock:us-east-1::foundation-model/{model}"]
    else:
        assert model_resources == [
            f"arn:aws:bedrock:*::foundation-model/{model}",
            f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{expected}",
        ]
    trust = res["AgentRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Principal"] == {"Service": "bedrock.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}


def test_the_schema_publisher_may_only_write_the_schema_object() -> None:
    fn = resources({})["SchemaPublisherFunction"]["Properties"]
    (statement,) = [s for policy in fn["Policies"] for s in policy["Statement"]]
    assert statement["Resource"] == "<SchemaBucket.Arn>/openapi/account-status.json"
    assert sorted(as_list(statement["Action"])) == ["s3:DeleteObject", "s3:PutObject"]


def cfn_event(request_type: str) -> dict[str, Any]:
    return {
        "RequestType": request_type,
        "ResponseURL": "https://cloudformation-custom-resource-response.example/abc",
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/wb/1",
        "RequestId": "req-1",
        "LogicalResourceId": "ActionGroupSchema",
        "ResourceProperties": {"Bucket": "schemas", "Key": "openapi/account-status.json"},
    }


def test_the_publisher_puts_the_generated_schema_and_answers_cloudformation(aws_credentials: None) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="schemas")
        reply = publish(
            cfn_event("Create"), s3, schema=SCHEMA_FILE.read_bytes(), send=lambda u, b: sent.append((u, b))
        )
        body = s3.get_object(Bucket="schemas", Key="openapi/account-status.json")["Body"].read()
        assert json.loads(body) == json.loads(SCHEMA_FILE.read_text())
        assert "/accounts/{accountId}/status" in json.loads(body)["paths"]
        publish(cfn_event("Delete"), s3, schema=b"", send=lambda u, b: sent.append((u, b)))
        assert s3.list_objects_v2(Bucket="schemas").get("KeyCount") == 0
    assert reply["Status"] == "SUCCESS"
    assert sent[0] == ("https://cloudformation-custom-resource-response.example/abc", reply)
    assert reply["PhysicalResourceId"] == "s3://schemas/openapi/account-status.json"


def test_a_failed_publish_still_answers_cloudformation(aws_credentials: None) -> None:
    sent: list[dict[str, Any]] = []
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")  # no bucket: the put fails
        reply = publish(cfn_event("Create"), s3, schema=b"{}", send=lambda u, b: sent.append(b))
    assert reply["Status"] == "FAILED"
    assert "NoSuchBucket" in reply["Reason"]
    assert sent == [reply]


def test_schema_paths_match_the_handler_routes() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    routes = {(r.method.upper(), r.openapi_path) for r in app._static_routes + app._dynamic_routes}
    assert {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops} == routes

"""The EC2 CloudFormation template: cfn-lint, IMDSv2, encrypted disk, no SSH, the CIDR, least privilege."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cloudformation import assert_cfn_lint_passes, load_template
from tests.conftest import REPO_ROOT
from tests.serverless.test_template import NO_VALUE, as_list, resolve

TEMPLATE = REPO_ROOT / "deploy" / "ec2" / "template.yaml"
BASE = {
    "AllowedCidr": "203.0.113.0/24",
    "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
    "ArtifactBucket": "workbench-artifacts-123456789012-us-east-1",
    "AppVersion": "826421fabc12",
}


def load() -> dict[str, Any]:
    return load_template(TEMPLATE)


def resolved(name: str, params: dict[str, str]) -> dict[str, Any]:
    template = load()
    values = {k: spec.get("Default") for k, spec in template["Parameters"].items()} | BASE | params
    conditions = {
        "UseChatProfile": values["ChatInferenceProfile"] != "none",
        "UseDynamoDb": values["AppDatabase"] == "dynamodb",
        "UseGenerationApi": values["GenerationApiId"] != "",
        "UseBedrock": values["Provider"] == "bedrock",
    }
    node: dict[str, Any] = resolve(template["Resources"][name], values, conditions)
    return node


def role_statements(params: dict[str, str]) -> dict[str, dict[str, Any]]:
    role = resolved("InstanceRole", params)["Properties"]
    statements = [s for policy in role["Policies"] for s in policy["PolicyDocument"]["Statement"]]
    assert NO_VALUE not in statements
    return {s["Sid"]: s for s in statements}


def test_cfn_lint_passes() -> None:
    assert_cfn_lint_passes(TEMPLATE)


def test_instance_uses_amazon_linux_2023_imdsv2_and_an_encrypted_volume_without_ssh() -> None:
    template = load()
    assert template["Parameters"]["ImageId"]["Default"].startswith(
        "/aws/service/ami-amazon-linux-latest/al2023-"
    )
    data = template["Resources"]["LaunchTemplate"]["Properties"]["LaunchTemplateData"]
    assert data["MetadataOptions"]["HttpTokens"] == "required"
    assert data["MetadataOptions"]["HttpPutResponseHopLimit"] == 1
    ebs = data["BlockDeviceMappings"][0]["Ebs"]
    assert ebs["Encrypted"] is True
    instance = template["Resources"]["Instance"]["Properties"]
    assert "KeyName" not in instance
    ports = [
        (rule["FromPort"], rule["ToPort"])
        for name in ("LoadBalancerSecurityGroup", "InstanceSecurityGroup")
        for rule in template["Resources"][name]["Properties"]["SecurityGroupIngress"]
    ]
    assert (22, 22) not in ports
    assert ports == [(443, 443), (80, 80)]


def test_only_the_configured_cidr_reaches_the_load_balancer_and_only_it_reaches_the_instance() -> None:
    lb_rules = resolved("LoadBalancerSecurityGroup", {})["Properties"]["SecurityGroupIngress"]
    assert [rule["CidrIp"] for rule in lb_rules] == ["203.0.113.0/24"]
    instance_rules = resolved("InstanceSecurityGroup", {})["Properties"]["SecurityGroupIngress"]
    assert [rule.get("CidrIp") for rule in instance_rules] == [None]
    assert instance_rules[0]["SourceSecurityGroupId"] == "<LoadBalancerSecurityGroup>"


def test_https_with_the_acm_certificate_and_health_checks_on_streamlits_endpoint() -> None:
    listener = resolved("HttpsListener", {})["Properties"]
    assert (listener["Protocol"], listener["Port"]) == ("HTTPS", 443)
    assert listener["Certificates"] == [{"CertificateArn": BASE["CertificateArn"]}]
    group = resolved("TargetGroup", {})["Properties"]
    assert group["HealthCheckPath"] == "/_stcore/health"
    assert group["Port"] == 80  # nginx on the instance (Streamlit itself listens on 127.0.0.1 only)
    attributes = {a["Key"]: a["Value"] for a in group["TargetGroupAttributes"]}
    assert attributes["stickiness.enabled"] == "true"


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"ChatInferenceProfile": "none"},
        {"AppDatabase": "dynamodb", "GenerationApiId": "a1b2c3d4e5"},
        {"Provider": "local"},
    ],
)
def test_the_instance_role_is_least_privilege(params: dict[str, str]) -> None:
    statements = role_statements(params)
    for statement in statements.values():
        assert statement["Effect"] == "Allow"
        for resource in as_list(statement["Resource"]):
            assert resource != "*"
        assert not any(action.endswith(":*") for action in as_list(statement["Action"]))
    assert statements["ReadWriteOutputs"]["Resource"] == "arn:aws:s3:::wb-outputbucket/users/*"
    assert statements["ReadReleases"]["Action"] == "s3:GetObject"
    assert (
        statements["ReadSecrets"]["Resource"][1]
        == "arn:aws:ssm:us-east-1:123456789012:parameter/workbench/wb/*"
    )
    assert set(statements["WriteLogs"]["Action"]) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
    }
    assert ("AppTable" in statements) is (params.get("AppDatabase") == "dynamodb")
    assert ("CallGenerationApi" in statements) is ("GenerationApiId" in params)
    assert ("InvokeConfiguredModels" in statements) is (params.get("Provider") != "local")


def test_bedrock_access_is_the_configured_models_only() -> None:
    models = role_statements({})["InvokeConfiguredModels"]["Resource"]
    assert models == [
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-canvas-v1:0",
    ]
    behind = role_statements({})["ChatModelBehindProfile"]
    assert behind["Condition"]["StringEquals"]["bedrock:InferenceProfileArn"] == models[0]
    regional = role_statements({"ChatInferenceProfile": "none"})
    assert "ChatModelBehindProfile" not in regional
    assert regional["InvokeConfiguredModels"]["Resource"][0] == (
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"
    )
    api = role_statements({"GenerationApiId": "a1b2c3d4e5"})["CallGenerationApi"]
    assert api["Resource"] == "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*"


def test_session_manager_replaces_ssh() -> None:
    role = load()["Resources"]["InstanceRole"]["Properties"]
    assert role["ManagedPolicyArns"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"}
    ]


def test_user_data_runs_the_release_bootstrap_and_signals_the_stack() -> None:
    user_data = load()["Resources"]["Instance"]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"][0]
    assert "bash /tmp/release/deploy/ec2/bootstrap.sh" in user_data
    assert "cfn-signal --exit-code" in user_data
    assert "AUTH_MODE=${AuthMode}" in user_data
    assert load()["Parameters"]["AuthMode"]["AllowedValues"] == ["local", "oidc"]  # never "none" on a server
    # No secret is a template parameter or in the user data: they come from SSM at install time.
    assert "SESSION_SECRET" not in user_data
    assert not [name for name in load()["Parameters"] if "secret" in name.lower()]

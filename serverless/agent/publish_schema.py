"""A CloudFormation custom resource that puts ``openapi.json`` (shipped in this bundle) into S3.

The agent's action group reads its schema from S3, and CloudFormation cannot upload a file itself, so
``template.yaml`` runs this function before it creates the agent. On Delete it removes the object, so the
bucket can be deleted with the stack. The reply goes to CloudFormation's pre-signed ``ResponseURL``.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("openapi.json")
_log = logging.getLogger(__name__)


def cfn_reply(event: dict[str, Any], status: str, reason: str, physical_id: str) -> dict[str, Any]:
    """The body CloudFormation expects at the ResponseURL (pure)."""
    return {
        "Status": status,
        "Reason": reason[:1000],
        "PhysicalResourceId": physical_id,
        "StackId": event["StackId"],
        "RequestId": event["RequestId"],
        "LogicalResourceId": event["LogicalResourceId"],
    }


def put_to_url(url: str, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": ""})
    with urllib.request.urlopen(request, timeout=30):
        pass


def publish(
    event: dict[str, Any],
    s3: Any,
    *,
    schema: bytes,
    send: Callable[[str, dict[str, Any]], None] = put_to_url,
) -> dict[str, Any]:
    props = event["ResourceProperties"]
    bucket, key = props["Bucket"], props["Key"]
    physical_id = f"s3://{bucket}/{key}"
    try:
        if event["RequestType"] == "Delete":
            s3.delete_object(Bucket=bucket, Key=key)
        else:
            s3.put_object(Bucket=bucket, Key=key, Body=schema, ContentType="application/json")
        reply = cfn_reply(event, "SUCCESS", f"Schema at {physical_id}.", physical_id)
    except Exception as exc:  # CloudFormation must always get an answer, or the stack hangs for an hour
        _log.exception("schema publish failed")
        reply = cfn_reply(event, "FAILED", f"{type(exc).__name__}: {exc}", physical_id)
    send(event["ResponseURL"], reply)
    return reply


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    import boto3

    return publish(event, boto3.client("s3"), schema=SCHEMA_FILE.read_bytes())

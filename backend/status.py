"""Preflight checks for the status page: is the configured provider ready, and if not, what to do."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

from backend.errors import user_message
from backend.settings import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _timed(name: str, probe: Callable[[], str], *, model_id: str | None, region: str) -> Check:
    started = time.perf_counter()
    try:
        detail = probe()
    except (ClientError, BotoCoreError) as exc:
        return Check(name, False, user_message(exc, model_id=model_id, region=region))
    return Check(name, True, f"{detail} ({(time.perf_counter() - started) * 1000:.0f} ms)")


def credentials_check(settings: Settings, session_factory: Callable[..., Any] = boto3.Session) -> Check:
    """Find credentials the way boto3 will, without calling AWS."""
    try:
        session = session_factory(profile_name=settings.aws_profile, region_name=settings.aws_region)
    except ProfileNotFound:
        return Check(
            "AWS credentials",
            False,
            f"The AWS profile '{settings.aws_profile}' does not exist: create it with "
            f"'aws configure --profile {settings.aws_profile}' or unset AWS_PROFILE.",
        )
    creds = session.get_credentials()
    if creds is None:
        return Check(
            "AWS credentials",
            False,
            "No AWS credentials were found: run 'aws configure' (or 'aws sso login'), set AWS_PROFILE, "
            "or attach an instance role on EC2; to work offline, set APP_PROVIDER=local.",
        )
    return Check("AWS credentials", True, f"found ({creds.method}), region {settings.aws_region}")


def chat_model_check(settings: Settings, runtime_client: Any, model_id: str) -> Check:
    """A one-token Converse call: proves credentials, region, model access and the id in one go."""

    def probe() -> str:
        response = runtime_client.converse(
            modelId=model_id,
            messages=[{"role": "user", "content": [{"text": "ping"}]}],
            inferenceConfig={"maxTokens": 1},
        )
        return f"reachable, stop reason {response.get('stopReason', '?')}"

    return _timed(f"Chat model {model_id}", probe, model_id=model_id, region=settings.aws_region)


def embedding_model_check(settings: Settings, runtime_client: Any) -> Check:
    model_id = settings.bedrock_embedding_model_id

    def probe() -> str:
        response = runtime_client.invoke_model(
            modelId=model_id,
            body=json.dumps({"inputText": "ping", "dimensions": settings.bedrock_embedding_dimensions}),
            contentType="application/json",
            accept="application/json",
        )
        vector = json.loads(response["body"].read())["embedding"]
        return f"reachable, {len(vector)} dimensions"

    return _timed(f"Embedding model {model_id}", probe, model_id=model_id, region=settings.aws_region)


def image_model_check(settings: Settings, control_client: Any) -> Check:
    """Image generation is billed per image, so only the control plane is asked whether the model exists."""
    model_id = settings.bedrock_image_model_id

    def probe() -> str:
        details = control_client.get_foundation_model(modelIdentifier=model_id)["modelDetails"]
        state = details.get("modelLifecycle", {}).get("status", "ACTIVE")
        return f"available ({state.lower()})"

    return _timed(f"Image model {model_id}", probe, model_id=model_id, region=settings.aws_region)


def bedrock_preflight(
    settings: Settings,
    runtime_client: Any,
    control_client: Any,
    session_factory: Callable[..., Any] = boto3.Session,
) -> list[Check]:
    creds = credentials_check(settings, session_factory)
    if not creds.ok:
        # Every model call would fail the same way; one actionable line is clearer than four.
        return [creds]
    return [
        creds,
        chat_model_check(settings, runtime_client, settings.bedrock_chat_model_id),
        embedding_model_check(settings, runtime_client),
        image_model_check(settings, control_client),
    ]


def file_check(name: str, locate: Callable[[], Path]) -> Check:
    try:
        path = locate()
    except Exception as exc:  # a missing package raises from its locator
        return Check(name, False, f"{exc} Reinstall with 'pip install -r requirements.txt'.")
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    size_mb = sum(f.stat().st_size for f in files) / 1e6
    return Check(name, True, f"{path} ({size_mb:.0f} MB)")

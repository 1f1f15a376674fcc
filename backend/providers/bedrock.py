"""Amazon Bedrock: boto3 clients and ChatBedrockConverse built from our settings and parameters."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from langchain_aws import BedrockEmbeddings, ChatBedrockConverse

from backend.providers.params import InferenceParams, bare_model_id, supports_top_k
from backend.settings import Settings

# The course's seed uses a 300 s read timeout: long generations stream for minutes.
DEFAULT_READ_TIMEOUT_S = 300


def client_config(*, read_timeout: int = DEFAULT_READ_TIMEOUT_S, max_attempts: int = 5) -> Config:
    """Adaptive retries back off on throttling instead of failing the first 429."""
    return Config(
        read_timeout=read_timeout,
        connect_timeout=10,
        # total_max_attempts counts the first try: botocore's "max_attempts" counts retries only, so
        # max_attempts=1 (the preflight's "one try") made two calls, and the API's 3 made four.
        retries={"total_max_attempts": max_attempts, "mode": "adaptive"},
    )


def make_aws_client(
    settings: Settings, service: str, *, read_timeout: int = DEFAULT_READ_TIMEOUT_S, max_attempts: int = 5
) -> Any:
    """A boto3 client for ``service`` in the configured region and profile."""
    session = boto3.Session(profile_name=settings.aws_profile, region_name=settings.aws_region)
    return session.client(service, config=client_config(read_timeout=read_timeout, max_attempts=max_attempts))


def top_k_request_fields(model_id: str, top_k: int | None) -> dict[str, Any] | None:
    """Converse has no top_k field; the families that accept it take it in additionalModelRequestFields."""
    if top_k is None or not supports_top_k(model_id):
        return None
    if bare_model_id(model_id).startswith("amazon.nova"):
        return {"inferenceConfig": {"topK": top_k}}
    return {"top_k": top_k}


def converse_kwargs(params: InferenceParams, model_id: str) -> dict[str, Any]:
    """ChatBedrockConverse constructor arguments for our parameters (only those that are set)."""
    kwargs: dict[str, Any] = {
        "model": model_id,
        "temperature": params.temperature,
        "max_tokens": params.max_tokens,
    }
    if params.top_p is not None:
        kwargs["top_p"] = params.top_p
    if params.stop_sequences:
        kwargs["stop"] = list(params.stop_sequences)
    extra = top_k_request_fields(model_id, params.top_k)
    if extra:
        kwargs["additional_model_request_fields"] = extra
    return kwargs


def bedrock_chat_model(settings: Settings, params: InferenceParams, client: Any) -> ChatBedrockConverse:
    model_id = params.model_id or settings.bedrock_chat_model_id
    return ChatBedrockConverse(
        client=client, region_name=settings.aws_region, **converse_kwargs(params, model_id)
    )


def bedrock_embeddings(settings: Settings, client: Any) -> BedrockEmbeddings:
    # Always name the model: the library default is still Titan v1.
    return BedrockEmbeddings(
        client=client,
        region_name=settings.aws_region,
        model_id=settings.bedrock_embedding_model_id,
        dimensions=settings.bedrock_embedding_dimensions,
        normalize=True,
    )

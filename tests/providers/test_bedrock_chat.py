"""The Bedrock chat path with a real boto3 client whose requests are asserted by Stubber."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber

from backend.providers import build_chat_model
from backend.providers.bedrock import converse_kwargs, top_k_request_fields
from backend.providers.params import InferenceParams
from backend.settings import Settings
from tests.fakes import converse_response

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def bedrock_settings(**overrides: Any) -> Settings:
    return Settings(APP_PROVIDER="bedrock", AWS_REGION="us-east-1", **overrides)


def test_converse_request_is_exact(runtime: tuple[Any, Stubber]) -> None:
    client, stubber = runtime
    params = InferenceParams(
        temperature=0.2, top_p=0.8, top_k=40, max_tokens=300, stop_sequences=("\n\nHuman:",)
    )
    expected = {
        "modelId": HAIKU,
        "messages": [{"role": "user", "content": [{"text": "What is Bedrock?"}]}],
        "system": [{"text": "Be brief."}],
        "inferenceConfig": {
            "maxTokens": 300,
            "temperature": 0.2,
            "topP": 0.8,
            "stopSequences": ["\n\nHuman:"],
        },
        "additionalModelRequestFields": {"top_k": 40},
    }
    stubber.add_response(
        "converse", converse_response("A managed service.", input_tokens=12, output_tokens=3), expected
    )
    model = build_chat_model(bedrock_settings(), params, client=client)
    reply = model.invoke([("system", "Be brief."), ("human", "What is Bedrock?")])
    assert reply.text == "A managed service."
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["total_tokens"] == 15


def test_sidebar_model_choice_overrides_default_and_unset_params_are_not_sent(
    runtime: tuple[Any, Stubber],
) -> None:
    client, stubber = runtime
    expected = {
        "modelId": "us.amazon.nova-lite-v1:0",
        "messages": [
            {"role": "user", "content": [{"text": "hi"}]},
            {"role": "assistant", "content": [{"text": "hello"}]},
            {"role": "user", "content": [{"text": "and again"}]},
        ],
        "system": [],  # langchain-aws always sends the field
        "inferenceConfig": {"maxTokens": 512, "temperature": 0.5},
    }
    stubber.add_response("converse", converse_response("ok"), expected)
    params = InferenceParams(model_id="us.amazon.nova-lite-v1:0")
    model = build_chat_model(bedrock_settings(), params, client=client)
    assert model.invoke([("human", "hi"), ("ai", "hello"), ("human", "and again")]).text == "ok"


def test_throttling_surfaces_as_client_error(runtime: tuple[Any, Stubber]) -> None:
    from botocore.exceptions import ClientError

    from backend.errors import ErrorKind, classify

    client, stubber = runtime
    stubber.add_client_error("converse", service_error_code="ThrottlingException", http_status_code=429)
    model = build_chat_model(bedrock_settings(), InferenceParams(), client=client)
    with pytest.raises(ClientError) as info:
        model.invoke("hello")
    assert classify(info.value) is ErrorKind.THROTTLED


@pytest.mark.parametrize(
    ("model_id", "top_k", "expected"),
    [
        (HAIKU, 10, {"top_k": 10}),
        ("anthropic.claude-3-5-haiku-20241022-v1:0", 0, {"top_k": 0}),
        ("us.amazon.nova-pro-v1:0", 25, {"inferenceConfig": {"topK": 25}}),
        ("amazon.nova-lite-v1:0", 5, {"inferenceConfig": {"topK": 5}}),
        ("meta.llama3-70b-instruct-v1:0", 10, None),
        ("mistral.mistral-large-2407-v1:0", 10, None),
        (HAIKU, None, None),
    ],
)
def test_top_k_goes_where_each_family_expects_it(model_id: str, top_k: int | None, expected: object) -> None:
    assert top_k_request_fields(model_id, top_k) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (InferenceParams(), {"model": "m", "temperature": 0.5, "max_tokens": 512}),
        (
            InferenceParams(temperature=0.0, top_p=1.0, max_tokens=1, stop_sequences=("a", "b")),
            {"model": "m", "temperature": 0.0, "max_tokens": 1, "top_p": 1.0, "stop": ["a", "b"]},
        ),
    ],
)
def test_converse_kwargs_only_carry_what_is_set(params: InferenceParams, expected: dict[str, Any]) -> None:
    assert converse_kwargs(params, "m") == expected


def test_embeddings_always_name_titan_v2_with_dimensions(runtime: tuple[Any, Stubber]) -> None:
    import io
    import json

    from botocore.response import StreamingBody

    from backend.providers import build_embeddings

    client, stubber = runtime
    payload = json.dumps({"embedding": [0.6, 0.8], "inputTextTokenCount": 2}).encode()
    stubber.add_response(
        "invoke_model",
        {"body": StreamingBody(io.BytesIO(payload), len(payload)), "contentType": "application/json"},
        {
            "modelId": "amazon.titan-embed-text-v2:0",
            "body": json.dumps({"inputText": "leave policy", "dimensions": 512}),
            "accept": "application/json",
            "contentType": "application/json",
        },
    )
    embeddings = build_embeddings(bedrock_settings(BEDROCK_EMBEDDING_DIMENSIONS=512), client=client)
    vector = embeddings.embed_query("leave policy")
    assert vector == pytest.approx([0.6, 0.8])

"""The API on the Bedrock path: exact Converse and InvokeModel requests (Stubber), outputs in moto S3."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError
from botocore.response import StreamingBody
from botocore.stub import Stubber
from fastapi.testclient import TestClient
from moto import mock_aws

from backend.generators.images import PNG_SIGNATURE
from backend.generators.storage import LocalStorage, S3Storage, make_s3_client
from backend.settings import Settings
from serverless.app import build_service, create_app
from tests.fakes import converse_response
from tests.serverless.conftest import ANA, AS_ANA

HAIKU = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
NOVA_LITE = "us.amazon.nova-lite-v1:0"
BUCKET = "workbench-outputs-test"
PNG = PNG_SIGNATURE + b"\x00\x00\x00\rIHDR poster pixels"

CODE_SYSTEM = (
    "You are a senior software engineer. You write correct, idiomatic, well-commented Python code. "
    "Reply with one complete program or module in a single fenced code block, then nothing else."
)
BLOG_SYSTEM = (
    "You are a clear, friendly technical writer. Write plain prose without headings or bullet lists, "
    "and do not invent statistics or quotes."
)
POSTER_STYLE = "Cinematic lighting, dramatic composition, rich colour, high detail."
CODE_USER = "Write Python code for the following instructions:\n\nimplement binary search"


def bedrock_settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(
        APP_PROVIDER="bedrock", AWS_REGION="us-east-1", OUTPUT_DIR=tmp_path / "outputs", **overrides
    )


@pytest.fixture
def s3(aws_credentials: None) -> Iterator[Any]:
    with mock_aws():
        client = make_s3_client(Settings(AWS_REGION="us-east-1"))
        client.create_bucket(Bucket=BUCKET)
        yield client


def api(settings: Settings, runtime_client: Any, storage: Any = None) -> TestClient:
    service = build_service(settings, storage=storage, bedrock_client=runtime_client)
    return TestClient(create_app(settings, generator_service=service), headers=AS_ANA)


def test_code_generation_sends_the_exact_converse_request(
    runtime: tuple[Any, Stubber], s3: Any, tmp_path: Path
) -> None:
    client, stubber = runtime
    stubber.add_response(
        "converse",
        converse_response("```python\ndef binary_search(xs, x):\n    ...\n```"),
        {
            "modelId": HAIKU,
            "messages": [
                {
                    "role": "user",
                    "content": [{"text": CODE_USER}],
                }
            ],
            "system": [{"text": CODE_SYSTEM}],
            "inferenceConfig": {"maxTokens": 1024, "temperature": 0.5},
        },
    )
    http = api(bedrock_settings(tmp_path), client, S3Storage(s3, BUCKET))
    response = http.post("/code-generation", json={"key": "python", "message": "implement binary search"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == HAIKU
    assert body["usage"] == {"input_tokens": 25, "output_tokens": 40, "total_tokens": 65}
    assert body["location"] == f"s3://{BUCKET}/{body['key']}"
    stored = s3.get_object(Bucket=BUCKET, Key=body["key"])
    assert stored["Body"].read().decode() == "def binary_search(xs, x):\n    ...\n"
    assert stored["ContentType"].startswith("text/plain")


def test_sidebar_params_become_inference_config_and_model_choice(
    runtime: tuple[Any, Stubber], tmp_path: Path
) -> None:
    client, stubber = runtime
    stubber.add_response(
        "converse",
        converse_response("A short blog."),
        {
            "modelId": NOVA_LITE,
            "messages": [
                {
                    "role": "user",
                    "content": [{"text": "Write a blog post of about 200 words on the topic: Wind power"}],
                }
            ],
            "system": [{"text": BLOG_SYSTEM}],
            "inferenceConfig": {
                "maxTokens": 300,
                "temperature": 0.2,
                "topP": 0.9,
                "stopSequences": ["THE END"],
            },
            "additionalModelRequestFields": {"inferenceConfig": {"topK": 20}},
        },
    )
    params = {
        "model_id": NOVA_LITE,
        "temperature": 0.2,
        "top_p": 0.9,
        "top_k": 20,
        "max_tokens": 300,
        "stop_sequences": ["THE END"],
    }
    http = api(bedrock_settings(tmp_path), client, LocalStorage(tmp_path / "outputs"))
    response = http.post("/blog-generation", json={"blog_topic": "Wind power", "params": params})
    assert response.status_code == 200, response.text
    assert response.json()["model"] == NOVA_LITE


@pytest.mark.parametrize(
    ("code", "http_status", "status", "fragment"),
    [
        ("ThrottlingException", 429, 503, "throttling"),
        ("AccessDeniedException", 403, 403, "bedrock:InvokeModel"),
        ("ResourceNotFoundException", 404, 502, "not available in region us-east-1"),
    ],
)
def test_bedrock_errors_become_clear_statuses(
    runtime: tuple[Any, Stubber], tmp_path: Path, code: str, http_status: int, status: int, fragment: str
) -> None:
    client, stubber = runtime
    stubber.add_client_error(
        "converse", service_error_code=code, service_message="no", http_status_code=http_status
    )
    http = api(bedrock_settings(tmp_path), client, LocalStorage(tmp_path / "outputs"))
    response = http.post("/summarize", json={"text": "Turbine log", "lines": 2})
    assert response.status_code == status
    assert fragment in response.json()["detail"]
    assert HAIKU in response.json()["detail"] or status == 503
    assert not (tmp_path / "outputs").exists()
    if status == 503:
        assert response.headers["retry-after"] == "5"


def test_a_bedrock_read_timeout_is_a_504_that_explains_the_limit(
    aws_credentials: None, tmp_path: Path
) -> None:
    client = boto3.client(
        "bedrock-runtime", region_name="us-east-1", config=Config(retries={"max_attempts": 1})
    )

    def time_out(**kwargs: Any) -> None:
        raise ReadTimeoutError(
            endpoint_url="https://bedrock-runtime.us-east-1.amazonaws.com/model/x/converse"
        )

    client.meta.events.register("before-send.bedrock-runtime.Converse", time_out)
    http = api(bedrock_settings(tmp_path), client, LocalStorage(tmp_path / "outputs"))
    response = http.post("/blog-generation", json={"blog_topic": "A very long epic"})
    assert response.status_code == 504
    assert "30 seconds" in response.json()["detail"]
    assert "lower max tokens" in response.json()["detail"]


def nova_request(prompt: str, seed: int, cfg: float) -> dict[str, Any]:
    body = {
        "taskType": "TEXT_IMAGE",
        "textToImageParams": {
            "text": f"Movie poster: {prompt}. {POSTER_STYLE}",
            "negativeText": "blurry, low quality, distorted faces, extra limbs, watermark, misspelled text",
        },
        "imageGenerationConfig": {
            "numberOfImages": 1,
            "width": 896,
            "height": 1152,
            "cfgScale": cfg,
            "seed": seed,
            "quality": "standard",
        },
    }
    return {
        "modelId": "amazon.nova-canvas-v1:0",
        "body": json.dumps(body),
        "contentType": "application/json",
        "accept": "application/json",
    }


def image_response(payload: dict[str, Any]) -> dict[str, Any]:
    raw = json.dumps(payload).encode()
    return {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"}


def test_poster_invokes_the_image_model_and_returns_a_presigned_url(
    runtime: tuple[Any, Stubber], s3: Any, tmp_path: Path
) -> None:
    client, stubber = runtime
    stubber.add_response(
        "invoke_model",
        image_response({"images": [base64.b64encode(PNG).decode()]}),
        nova_request("A lighthouse in a storm", seed=42, cfg=10.0),
    )
    http = api(bedrock_settings(tmp_path), client, S3Storage(s3, BUCKET))
    response = http.post(
        "/poster", json={"prompt": "A lighthouse in a storm", "cfg_scale": 12, "steps": 30, "seed": 42}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["key"].startswith(f"users/{ANA}/poster-output/")
    assert body["key"].endswith(".png")
    assert s3.get_object(Bucket=BUCKET, Key=body["key"])["Body"].read() == PNG
    assert (body["cfg_scale"], body["steps"], body["seed"]) == (10.0, None, 42)
    assert any("cfg_scale 12 is outside" in note for note in body["notes"])
    assert any("steps is not used" in note for note in body["notes"])
    assert body["image_base64"] is None
    url = urlsplit(body["image_url"])
    assert body["key"] in url.path
    assert parse_qs(url.query)["X-Amz-Expires"] == ["3600"]


def test_poster_with_local_storage_returns_the_png(runtime: tuple[Any, Stubber], tmp_path: Path) -> None:
    client, stubber = runtime
    stubber.add_response(
        "invoke_model",
        image_response({"images": [base64.b64encode(PNG).decode()]}),
        nova_request("A cat", seed=0, cfg=7.0),
    )
    http = api(bedrock_settings(tmp_path), client, LocalStorage(tmp_path / "outputs"))
    body = http.post("/poster", json={"prompt": "A cat"}).json()
    assert base64.b64decode(body["image_base64"]) == PNG
    assert body["image_url"] is None
    assert (tmp_path / "outputs" / body["key"]).read_bytes() == PNG
    assert str(tmp_path) not in json.dumps(body)


def test_sdxl_is_called_with_the_course_body(runtime: tuple[Any, Stubber], tmp_path: Path) -> None:
    client, stubber = runtime
    sdxl_body = {
        "text_prompts": [
            {
                "text": f"Movie poster: A cat. {POSTER_STYLE}",
                "weight": 1.0,
            },
            {
                "text": "blurry, low quality, distorted faces, extra limbs, watermark, misspelled text",
                "weight": -1.0,
            },
        ],
        "cfg_scale": 7.0,
        "steps": 50,
        "seed": 4294967295,
        "width": 896,
        "height": 1152,
        "samples": 1,
    }
    stubber.add_response(
        "invoke_model",
        image_response(
            {
                "result": "success",
                "artifacts": [{"base64": base64.b64encode(PNG).decode(), "finishReason": "SUCCESS"}],
            }
        ),
        {
            "modelId": "stability.stable-diffusion-xl-v1",
            "body": json.dumps(sdxl_body),
            "contentType": "application/json",
            "accept": "application/json",
        },
    )
    settings = bedrock_settings(tmp_path, BEDROCK_IMAGE_MODEL_ID="stability.stable-diffusion-xl-v1")
    http = api(settings, client, LocalStorage(tmp_path / "outputs"))
    response = http.post("/poster", json={"prompt": "A cat", "steps": 50, "seed": 4294967295})
    assert response.status_code == 200, response.text
    assert response.json()["notes"] == []


def test_a_blocked_poster_is_a_400_with_the_reason(runtime: tuple[Any, Stubber], tmp_path: Path) -> None:
    client, stubber = runtime
    stubber.add_client_error(
        "invoke_model",
        service_error_code="ValidationException",
        service_message="This request has been blocked by our content filters.",
        http_status_code=400,
    )
    http = api(bedrock_settings(tmp_path), client, LocalStorage(tmp_path / "outputs"))
    response = http.post("/poster", json={"prompt": "something not allowed"})
    assert response.status_code == 400
    assert "blocked by our content filters" in response.json()["detail"]


def test_health_on_bedrock_reports_the_models_and_the_bucket(
    runtime: tuple[Any, Stubber], s3: Any, tmp_path: Path
) -> None:
    client, _ = runtime
    health = api(bedrock_settings(tmp_path), client, S3Storage(s3, BUCKET)).get("/health").json()
    assert health["provider"] == "bedrock"
    assert health["text_model"] == HAIKU
    assert health["image_model"] == "amazon.nova-canvas-v1:0"
    assert health["image_generation"] is True
    assert (health["storage"], health["storage_location"]) == ("s3", f"s3://{BUCKET}")

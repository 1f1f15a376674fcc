"""The table from failures to HTTP status and one sentence (never a traceback)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError, ReadTimeoutError

from backend.errors import LocalModelMissingError
from backend.generators.errors import (
    EmptyOutputError,
    ImageGenerationUnavailableError,
    InvalidRequestError,
    ModelCallError,
    StorageError,
)
from backend.generators.images import ImageBlockedError, ImageResponseError, UnsupportedImageModelError
from backend.generators.storage import InvalidKeyError, OutputNotFoundError
from serverless.errors import ConfigurationError, status_and_message, validation_sentence

MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def client_error(code: str, message: str = "", operation: str = "Converse") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def wrapped(cause: BaseException, wrapper: Exception) -> Exception:
    try:
        raise wrapper from cause
    except Exception as exc:
        return exc


@pytest.mark.parametrize(
    ("exc", "status", "fragment"),
    [
        (wrapped(client_error("ThrottlingException"), ModelCallError(MODEL)), 503, "throttling requests"),
        (wrapped(client_error("ServiceQuotaExceededException"), ModelCallError(MODEL)), 503, "throttling"),
        (
            wrapped(client_error("AccessDeniedException"), ModelCallError(MODEL)),
            403,
            f"Access to model '{MODEL}'",
        ),
        (
            wrapped(client_error("ResourceNotFoundException", "Model not found"), ModelCallError(MODEL)),
            502,
            "not available",
        ),
        (
            wrapped(
                client_error("ValidationException", "The provided model identifier is invalid."),
                ModelCallError(MODEL),
            ),
            502,
            "not available in region us-east-1",
        ),
        (
            wrapped(
                client_error("ValidationException", "Blocked by content filters."), ModelCallError(MODEL)
            ),
            400,
            "rejected",
        ),
        (wrapped(client_error("ModelNotReadyException"), ModelCallError(MODEL)), 503, "busy"),
        (wrapped(NoCredentialsError(), ModelCallError(MODEL)), 503, "No valid AWS credentials"),
        (
            wrapped(EndpointConnectionError(endpoint_url="https://x"), ModelCallError(MODEL)),
            503,
            "could not be reached",
        ),
        (wrapped(ReadTimeoutError(endpoint_url="https://x"), ModelCallError(MODEL)), 504, "30 seconds"),
        (
            wrapped(LocalModelMissingError("The model file is missing."), ModelCallError("m")),
            503,
            "Reinstall",
        ),
        (wrapped(ZeroDivisionError("x"), ModelCallError(MODEL)), 500, "(ZeroDivisionError)"),
        (
            wrapped(
                client_error("AccessDenied", operation="PutObject"),
                StorageError("s3://b", "saving the output to"),
            ),
            403,
            "s3:PutObject",
        ),
        (
            wrapped(
                client_error("SlowDown", operation="PutObject"),
                StorageError("s3://b", "saving the output to"),
            ),
            503,
            "busy",
        ),
        (
            wrapped(
                EndpointConnectionError(endpoint_url="https://s3"),
                StorageError("s3://b", "listing outputs in"),
            ),
            503,
            "try again",
        ),
        (
            wrapped(
                PermissionError(13, "Permission denied"), StorageError("/data/out", "saving the output to")
            ),
            500,
            "writable",
        ),
        (
            wrapped(NoCredentialsError(), StorageError("s3://b", "saving the output to")),
            503,
            "No valid AWS credentials",
        ),
        (
            wrapped(client_error("InvalidObjectState"), StorageError("s3://b", "reading an output from")),
            500,
            "(ClientError)",
        ),
        (InvalidRequestError("params.model_id", "is not offered"), 422, "Invalid request: params.model_id"),
        (ImageGenerationUnavailableError(), 501, "needs Amazon Bedrock"),
        (OutputNotFoundError("No saved output named 'x'."), 404, "No saved output"),
        (InvalidKeyError("bad"), 404, "No saved output has that name"),
        (ImageBlockedError("blocked by the model's content filter"), 400, "content filter"),
        (ImageResponseError("no image"), 502, "no image"),
        (EmptyOutputError("The model returned no code"), 502, "no code"),
        (UnsupportedImageModelError("set BEDROCK_IMAGE_MODEL_ID"), 500, "BEDROCK_IMAGE_MODEL_ID"),
        (ConfigurationError("Invalid configuration: APP_PROVIDER"), 500, "misconfigured"),
        (RuntimeError("surprise"), 500, "Something went wrong"),
    ],
)
def test_failures_map_to_a_status_and_a_sentence(exc: Exception, status: int, fragment: str) -> None:
    got_status, message = status_and_message(exc, region="us-east-1")
    assert got_status == status
    assert fragment in message
    assert "Traceback" not in message
    assert "\n" not in message


def test_validation_sentence_caps_the_list() -> None:
    errors = [{"type": "missing", "loc": ("body", f"f{i}"), "msg": "Field required"} for i in range(7)]
    sentence = validation_sentence(errors)
    assert sentence.startswith("Invalid request: 'f0' is required; 'f1' is required;")
    assert sentence.endswith("(and 2 more).")

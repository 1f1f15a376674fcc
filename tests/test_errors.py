from __future__ import annotations

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)

from backend.errors import ErrorKind, LocalModelMissingError, classify, user_message


def client_error(code: str, message: str = "details") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Converse")


@pytest.mark.parametrize(
    ("exc", "kind", "phrase"),
    [
        (client_error("ThrottlingException"), ErrorKind.THROTTLED, "throttling"),
        (client_error("ServiceQuotaExceededException"), ErrorKind.THROTTLED, "quota"),
        (client_error("AccessDeniedException"), ErrorKind.ACCESS_DENIED, "Model access"),
        (
            client_error("ValidationException", "The provided model identifier is invalid."),
            ErrorKind.UNKNOWN_MODEL,
            "check the model id",
        ),
        (
            client_error(
                "ValidationException",
                "Invocation of model ID anthropic.claude-x with on-demand throughput isn't supported.",
            ),
            ErrorKind.UNKNOWN_MODEL,
            "inference-profile",
        ),
        (client_error("ResourceNotFoundException"), ErrorKind.UNKNOWN_MODEL, "not available"),
        (client_error("ValidationException", "temperature: must be <= 1"), ErrorKind.BAD_REQUEST, "rejected"),
        (client_error("UnrecognizedClientException"), ErrorKind.NO_CREDENTIALS, "aws configure"),
        (client_error("ExpiredTokenException"), ErrorKind.NO_CREDENTIALS, "aws sso login"),
        (client_error("ModelNotReadyException"), ErrorKind.UNAVAILABLE, "try again"),
        (NoCredentialsError(), ErrorKind.NO_CREDENTIALS, "APP_PROVIDER=local"),
        (ProfileNotFound(profile="work"), ErrorKind.NO_CREDENTIALS, "aws configure --profile"),
        (EndpointConnectionError(endpoint_url="https://x"), ErrorKind.UNAVAILABLE, "AWS_REGION"),
        (LocalModelMissingError("The model is gone."), ErrorKind.LOCAL_MODEL_MISSING, "pip install"),
        (RuntimeError("boom"), ErrorKind.UNEXPECTED, "RuntimeError"),
    ],
)
def test_each_failure_gets_its_category_and_an_actionable_sentence(
    exc: BaseException, kind: ErrorKind, phrase: str
) -> None:
    assert classify(exc) is kind
    message = user_message(exc, model_id="m", region="us-east-1")
    assert phrase in message
    assert "Traceback" not in message
    assert "\n" not in message


def test_wrapped_errors_are_classified_by_their_cause() -> None:
    outer = ValueError("wrapped by a library")
    outer.__cause__ = client_error("ThrottlingException")
    assert classify(outer) is ErrorKind.THROTTLED


def test_message_names_model_and_region() -> None:
    message = user_message(
        client_error("AccessDeniedException"), model_id="amazon.nova-pro-v1:0", region="eu-west-1"
    )
    assert "amazon.nova-pro-v1:0" in message
    assert "eu-west-1" in message


def test_translation_does_not_log_and_the_page_boundary_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    from ui.errors import report

    exc = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "Converse")
    with caplog.at_level("DEBUG"):
        sentence = user_message(exc)
        assert caplog.records == []
        assert report(exc) == sentence
    assert len(caplog.records) == 1
    assert caplog.records[0].exc_info is not None  # the traceback goes to the log, once

"""Turn model and AWS failures into one actionable sentence for a person, and a category for APIs.

Pages show ``user_message(exc)``; the serverless API maps ``classify(exc)`` to an HTTP status.
Stack traces go to the log, never to the user.
"""

from __future__ import annotations

import enum

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)


class ErrorKind(enum.Enum):
    THROTTLED = "throttled"
    ACCESS_DENIED = "access_denied"
    UNKNOWN_MODEL = "unknown_model"
    NO_CREDENTIALS = "no_credentials"
    UNAVAILABLE = "unavailable"
    BAD_REQUEST = "bad_request"
    LOCAL_MODEL_MISSING = "local_model_missing"
    BUSY = "busy"
    UNEXPECTED = "unexpected"


class SentenceError(Exception):
    """A failure whose message is already the one sentence to show a person (``user_message`` uses it)."""


class LocalModelMissingError(RuntimeError):
    """A model file that ships in a pip package is not installed."""


class LocalModelBusyError(RuntimeError):
    """Every offline-model context is writing and the waiting line is full; the message says where."""

    def __init__(self, position: int, max_waiting: int) -> None:
        self.position = position
        self.max_waiting = max_waiting
        super().__init__(
            f"The offline model is busy: you are number {position} in line and only {max_waiting} "
            "requests may wait, so try again in a few seconds."
        )


class ServerStoppingError(RuntimeError):
    """The server was asked to stop (SIGTERM) while a generation ran; it ended at its next token."""

    def __init__(self) -> None:
        super().__init__(
            "The server is shutting down, so this answer stopped here; ask again once it is back."
        )


_THROTTLING_CODES = {
    "ThrottlingException",
    "TooManyRequestsException",
    "ServiceQuotaExceededException",
    "RequestLimitExceeded",
}
_ACCESS_CODES = {"AccessDeniedException", "AccessDenied"}
_CREDENTIAL_CODES = {
    "UnrecognizedClientException",
    "ExpiredTokenException",
    "InvalidSignatureException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
}
_UNAVAILABLE_CODES = {
    "ServiceUnavailableException",
    "ModelNotReadyException",
    "ModelTimeoutException",
    "InternalServerException",
    "ModelErrorException",
    "ModelStreamErrorException",
}
_NOT_FOUND_CODES = {"ResourceNotFoundException"}


def _client_error_code(exc: ClientError) -> str:
    code = str(exc.response.get("Error", {}).get("Code", ""))
    # Event-stream exceptions arrive camel-cased ("throttlingException"); the HTTP ones do not.
    return code[:1].upper() + code[1:]


def _client_error_text(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", ""))


def _looks_like_unknown_model(text: str) -> bool:
    lowered = text.lower()
    return any(
        marker in lowered
        for marker in (
            "model identifier is invalid",
            "model id",
            "isn't supported",
            "is not supported",
            "inference profile",
            "end of its life",
            "model version has reached",
        )
    )


def _root_cause(exc: BaseException) -> BaseException:
    # LangChain and httpx sometimes wrap the boto error; the category lives in the innermost one.
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        if isinstance(
            current,
            (
                ClientError,
                BotoCoreError,
                LocalModelMissingError,
                LocalModelBusyError,
                ServerStoppingError,
                SentenceError,
            ),
        ):
            return current
        nxt = current.__cause__ or current.__context__
        if nxt is None:
            break
        current = nxt
    return exc


def classify(exc: BaseException) -> ErrorKind:
    """The category of a failure, for choosing an HTTP status or a retry policy."""
    exc = _root_cause(exc)
    if isinstance(exc, LocalModelMissingError):
        return ErrorKind.LOCAL_MODEL_MISSING
    if isinstance(exc, (LocalModelBusyError, ServerStoppingError)):
        return ErrorKind.BUSY
    if isinstance(
        exc,
        (
            NoCredentialsError,
            PartialCredentialsError,
            ProfileNotFound,
            TokenRetrievalError,
            UnauthorizedSSOTokenError,
        ),
    ):
        return ErrorKind.NO_CREDENTIALS
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, NoRegionError)):
        return ErrorKind.UNAVAILABLE
    if isinstance(exc, ClientError):
        code = _client_error_code(exc)
        if code in _THROTTLING_CODES:
            return ErrorKind.THROTTLED
        if code in _ACCESS_CODES:
            return ErrorKind.ACCESS_DENIED
        if code in _CREDENTIAL_CODES:
            return ErrorKind.NO_CREDENTIALS
        if code in _UNAVAILABLE_CODES:
            return ErrorKind.UNAVAILABLE
        if code in _NOT_FOUND_CODES or (
            code == "ValidationException" and _looks_like_unknown_model(_client_error_text(exc))
        ):
            return ErrorKind.UNKNOWN_MODEL
        if code == "ValidationException":
            return ErrorKind.BAD_REQUEST
    return ErrorKind.UNEXPECTED


def user_message(exc: BaseException, *, model_id: str | None = None, region: str | None = None) -> str:
    """One sentence a person can act on. Never includes a stack trace.

    Pure translation: it does not log. The boundary that caught the exception (a page, a route, the
    CLI) logs it once, with its traceback (``ui.errors.report``, the API's exception handler).
    """
    kind = classify(exc)
    root = _root_cause(exc)
    if isinstance(root, SentenceError):
        return str(root)
    model = f"model '{model_id}'" if model_id else "the model"
    where = f" in region {region}" if region else ""
    detail = _client_error_text(root) if isinstance(root, ClientError) else ""
    if kind is ErrorKind.THROTTLED:
        return (
            f"Amazon Bedrock is throttling requests to {model} right now; wait a few seconds and try "
            "again, or ask your AWS admin to raise the quota."
        )
    if kind is ErrorKind.ACCESS_DENIED:
        return (
            f"Access to {model}{where} was denied: enable the model in the Bedrock console "
            "(Model access) and make sure your IAM role allows bedrock:InvokeModel on it."
        )
    if kind is ErrorKind.NO_CREDENTIALS:
        if isinstance(root, ProfileNotFound):
            return f"{root}: fix AWS_PROFILE or create the profile with 'aws configure --profile NAME'."
        return (
            "No valid AWS credentials were found: run 'aws configure' (or 'aws sso login'), or set "
            "AWS_PROFILE, then reload the page; to work offline instead, set APP_PROVIDER=local."
        )
    if kind is ErrorKind.UNKNOWN_MODEL:
        return (
            f"{model.capitalize()} is not available{where}: check the model id in your settings "
            f"(some models need an inference-profile id such as 'us.…'). AWS said: {detail}"
        ).strip()
    if kind is ErrorKind.UNAVAILABLE:
        return (
            f"Amazon Bedrock could not be reached or the model is busy{where}; check your network "
            "and AWS_REGION, then try again."
        )
    if kind is ErrorKind.BAD_REQUEST:
        return f"Bedrock rejected the request: {detail or root}. Check the inference settings in the sidebar."
    if kind is ErrorKind.BUSY:
        return str(root)
    if kind is ErrorKind.LOCAL_MODEL_MISSING:
        return f"{root} Reinstall the app's requirements with 'pip install -r requirements.txt'."
    return (
        f"Something went wrong while calling {model} ({type(root).__name__}); the details are in the app log."
    )

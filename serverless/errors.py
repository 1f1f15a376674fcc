"""Exceptions to HTTP statuses and one readable sentence: what API clients and the pages show.

Stack traces go to the log (CloudWatch in Lambda), never into a response.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field

from backend.generators.errors import (
    EmptyOutputError,
    ImageGenerationUnavailableError,
    InvalidRequestError,
    ModelCallError,
    StorageError,
)
from backend.generators.images import ImageBlockedError, ImageResponseError, UnsupportedImageModelError
from backend.generators.schemas import NOT_BLANK
from backend.generators.storage import InvalidKeyError, OutputNotFoundError
from backend.kb.errors import CourseQaUnavailableError, KnowledgeBaseError
from serverless.identity import ForbiddenCallerError, UnauthenticatedError

# What the client should do after a 504: the Bedrock read timeout is below API Gateway's 30 s limit.
TIMEOUT_MESSAGE = (
    "The model did not finish within the API's time limit (API Gateway stops synchronous calls after "
    "30 seconds); ask for a shorter output (lower max tokens, fewer steps) and try again."
)


# S3's own words for "busy, try again" (Bedrock's are classified by backend.errors).
_S3_RETRYABLE_CODES = {"SlowDown", "ServiceUnavailable", "RequestTimeout", "InternalError"}


class ErrorBody(BaseModel):
    """Every error response except 422: one sentence a person can act on."""

    detail: str = Field(description="One sentence saying what went wrong and what to do.")


class FieldError(BaseModel):
    field: str = Field(description="The field, dotted for nested ones ('params.temperature'), or 'body'.")
    reason: str


class ValidationErrorBody(BaseModel):
    """A 422: the sentence, and the same failures field by field."""

    detail: str = Field(description="'Invalid request: ' and each failure, in one sentence.")
    errors: list[FieldError]


# The statuses each kind of route can answer besides 200 (see ``status_and_message`` below), with the
# meaning a client should act on. The OpenAPI document declares exactly these, with their bodies.
ERROR_MEANINGS: dict[int, str] = {
    400: "Bedrock rejected the request (a bad parameter) or blocked the image prompt.",
    401: "The request carries no identity this API accepts (API_AUTH).",
    403: "The caller may not do this, or access to the model or the output bucket was denied.",
    404: "No saved output has that name.",
    422: "The request body, path or query failed validation.",
    500: "The API is misconfigured or hit a bug; the details are in the server log.",
    501: "Image generation or course Q&A is not available with this provider.",
    502: "The model answered with nothing usable.",
    503: "The model or the storage is busy or unreachable, or credentials are missing; retry later.",
    504: "The model did not finish within the API's time limit.",
}
TEXT_ROUTE_ERRORS = (400, 401, 403, 422, 500, 502, 503, 504)
POSTER_ROUTE_ERRORS = (400, 401, 403, 422, 500, 501, 502, 503, 504)
HISTORY_ROUTE_ERRORS = (401, 403, 422, 500, 503)
HISTORY_ITEM_ERRORS = (401, 403, 404, 422, 500, 503)
HEALTH_ROUTE_ERRORS = (500,)
COURSE_QA_ERRORS = (400, 401, 403, 422, 500, 501, 502, 503, 504)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """FastAPI ``responses=`` for ``statuses``: the real body of each error, and what it means."""
    return {
        status: {
            "model": ValidationErrorBody if status == 422 else ErrorBody,
            "description": ERROR_MEANINGS[status],
        }
        for status in statuses
    }


class ConfigurationError(RuntimeError):
    """The server's settings are invalid; the message names the variable (from ``load_settings``)."""


# Failures with a known meaning; anything else is a bug and is answered with a 500 by the same table.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (
    ConfigurationError,
    CourseQaUnavailableError,
    EmptyOutputError,
    ForbiddenCallerError,
    ImageBlockedError,
    ImageGenerationUnavailableError,
    ImageResponseError,
    InvalidKeyError,
    InvalidRequestError,
    KnowledgeBaseError,
    ModelCallError,
    OutputNotFoundError,
    StorageError,
    UnauthenticatedError,
    UnsupportedImageModelError,
)


def _field_name(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path"}:
        parts = parts[1:]
    return ".".join(parts)


def _reason(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    msg = str(error.get("msg", "is invalid"))
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    if kind == "json_invalid":
        return f"is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')})"
    if kind == "model_attributes_type" or kind == "dict_type":
        return "must be a JSON object"
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == NOT_BLANK:
        return "must not be blank"
    if msg.startswith("Value error, "):
        msg = msg.removeprefix("Value error, ")
    # pydantic says "String should have at most 300 characters"; we say "must have at most 300 characters".
    for prefix in ("Input should", "String should", "List should", "Value should"):
        if msg.startswith(prefix):
            msg = "must" + msg.removeprefix(prefix)
            break
    return msg[:1].lower() + msg[1:]


def validation_sentence(errors: Sequence[Any]) -> str:
    """'Invalid request: 'key' unsupported language 'cobol'; choose one of: …; 'lines' must be …'."""
    parts = []
    for error in errors[:5]:
        # A JSON syntax error's location is a character offset, not a field.
        field = "" if error.get("type") == "json_invalid" else _field_name(error.get("loc", ()))
        reason = _reason(error)
        parts.append(f"'{field}' {reason}" if field else f"the request body {reason}")
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "Invalid request: " + "; ".join(parts) + more + "."


def validation_details(errors: Sequence[Any]) -> list[dict[str, str]]:
    return [
        {
            "field": ("" if e.get("type") == "json_invalid" else _field_name(e.get("loc", ()))) or "body",
            "reason": _reason(e),
        }
        for e in errors
    ]


def error_body(exc: BaseException, status: int, message: str) -> dict[str, Any]:
    """The JSON body for ``status``: ``ErrorBody``, or ``ValidationErrorBody`` for a 422."""
    if status != 422:
        return {"detail": message}
    field = exc.field if isinstance(exc, InvalidRequestError) else "body"
    reason = exc.reason if isinstance(exc, InvalidRequestError) else message
    return {"detail": message, "errors": [{"field": field, "reason": reason}]}


def declare_model_choices(document: dict[str, Any], choices: Sequence[str]) -> None:
    """Make ``params.model_id`` an enum of the models this deployment offers (they come from settings)."""
    for name, body in document.get("components", {}).get("schemas", {}).items():
        if name.startswith("TextParams") and "model_id" in body.get("properties", {}):
            field = body["properties"]["model_id"]
            field.pop("anyOf", None)
            field["anyOf"] = [{"type": "string", "enum": list(choices)}, {"type": "null"}]


def status_and_message(exc: BaseException, *, region: str | None = None) -> tuple[int, str]:
    """The HTTP status and the sentence for a failure raised while serving a request."""
    if isinstance(exc, UnauthenticatedError):
        return 401, str(exc)
    if isinstance(exc, ForbiddenCallerError):
        return 403, str(exc)
    if isinstance(exc, InvalidRequestError):
        return 422, str(exc)
    if isinstance(exc, ConfigurationError):
        return 500, f"The API is misconfigured: {exc}"
    if isinstance(exc, (ImageGenerationUnavailableError, CourseQaUnavailableError)):
        return 501, str(exc)
    if isinstance(exc, (OutputNotFoundError, InvalidKeyError)):
        return 404, str(exc) if isinstance(exc, OutputNotFoundError) else "No saved output has that name."
    if isinstance(exc, ImageBlockedError):
        return 400, str(exc)
    if isinstance(exc, (ImageResponseError, EmptyOutputError)):
        return 502, str(exc)
    if isinstance(exc, UnsupportedImageModelError):
        return 500, str(exc)

    # The cloud errors: imported here so the handler's cold start does not pay for botocore.
    from botocore.exceptions import ConnectTimeoutError, ReadTimeoutError

    from backend.errors import ErrorKind, classify, user_message

    if isinstance(exc, KnowledgeBaseError):  # already one sentence; a missing Knowledge Base is a 404
        return (404 if exc.kind is ErrorKind.UNKNOWN_MODEL else _kind_status()[exc.kind]), exc.message
    kind = classify(exc)
    if isinstance(exc, StorageError):
        return _storage_failure(exc, kind)
    # botocore's timeout is not the innermost error (urllib3's is, below it): look along the whole chain.
    if isinstance(exc, ModelCallError) and any(
        isinstance(link, (ReadTimeoutError, ConnectTimeoutError)) for link in _chain(exc)
    ):
        return 504, TIMEOUT_MESSAGE
    model_id = exc.model_id if isinstance(exc, ModelCallError) else None
    status = _kind_status()[kind]
    # For an unexpected failure, name the innermost error (not our wrapper); the log has the traceback.
    subject = _innermost(exc) if kind is ErrorKind.UNEXPECTED else exc
    return status, user_message(subject, model_id=model_id, region=region)


def _kind_status() -> dict[Any, int]:
    from backend.errors import ErrorKind

    return {
        ErrorKind.THROTTLED: 503,
        ErrorKind.ACCESS_DENIED: 403,
        ErrorKind.NO_CREDENTIALS: 503,
        ErrorKind.UNAVAILABLE: 503,
        ErrorKind.LOCAL_MODEL_MISSING: 503,
        ErrorKind.BUSY: 503,
        ErrorKind.UNKNOWN_MODEL: 502,
        ErrorKind.BAD_REQUEST: 400,
        ErrorKind.UNEXPECTED: 500,
    }


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the errors it was raised from, outermost first."""
    links = [exc]
    while (nxt := links[-1].__cause__ or links[-1].__context__) is not None and nxt not in links:
        links.append(nxt)
    return links


def _innermost(exc: BaseException) -> BaseException:
    return _chain(exc)[-1]


def _storage_failure(exc: StorageError, kind: Any) -> tuple[int, str]:
    from backend.errors import ErrorKind, user_message

    root = _innermost(exc)
    if kind is ErrorKind.ACCESS_DENIED:
        return 403, (
            f"{exc} Access was denied: the API's role needs s3:PutObject, s3:GetObject and s3:ListBucket on "
            "the output prefixes of that bucket."
        )
    if kind is ErrorKind.NO_CREDENTIALS:
        return 503, f"{exc} {user_message(exc)}"
    code = getattr(root, "response", {}).get("Error", {}).get("Code") if hasattr(root, "response") else None
    if kind in (ErrorKind.THROTTLED, ErrorKind.UNAVAILABLE) or code in _S3_RETRYABLE_CODES:
        return 503, f"{exc} The storage service is busy or unreachable; try again in a few seconds."
    if isinstance(root, OSError):
        return 500, f"{exc} {root.strerror or type(root).__name__}: check that the output folder is writable."
    return 500, f"{exc} ({type(root).__name__}); the details are in the server log."

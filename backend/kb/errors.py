"""Knowledge Base failures as one sentence a person can act on, and a category for HTTP statuses.

The service wraps every AWS error in ``KnowledgeBaseError``; the API maps ``kind`` to a status and the
page shows ``message``. The wrapped exception stays as ``__cause__`` for the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # botocore is imported on the first failure, not at the Lambda's cold start
    from backend.errors import ErrorKind

NOT_FOUND_CODES = {"ResourceNotFoundException"}


class KnowledgeBaseError(RuntimeError):
    """A Knowledge Base call failed; ``message`` is the one sentence to show."""

    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class CourseQaUnavailableError(RuntimeError):
    """Course Q&A is not configured for this provider (Bedrock without a Knowledge Base id)."""


def _is_missing_knowledge_base(exc: BaseException) -> bool:
    from botocore.exceptions import ClientError

    if not isinstance(exc, ClientError):
        return False
    error = exc.response.get("Error", {})
    code, text = str(error.get("Code", "")), str(error.get("Message", "")).lower()
    code = code[:1].upper() + code[1:]  # event-stream exceptions are camel-cased
    if code in NOT_FOUND_CODES:
        return "model" not in text or "knowledge base" in text
    return code == "ValidationException" and "knowledge base" in text and "not" in text


def knowledge_base_error(
    exc: BaseException, *, knowledge_base_id: str, model_arn: str, region: str, attempts: int
) -> KnowledgeBaseError:
    """The one-sentence failure for ``exc`` raised by RetrieveAndGenerate on ``knowledge_base_id``."""
    from backend.errors import ErrorKind, classify, user_message

    where = f"Knowledge Base '{knowledge_base_id}' in region {region}"
    if _is_missing_knowledge_base(exc):
        return KnowledgeBaseError(
            ErrorKind.UNKNOWN_MODEL,
            f"{where} was not found: check COURSE_KNOWLEDGE_BASE_ID (or BEDROCK_KNOWLEDGE_BASE_ID) and "
            "AWS_REGION, and that the Knowledge Base has not been deleted.",
        )
    kind = classify(exc)
    if kind is ErrorKind.ACCESS_DENIED:
        return KnowledgeBaseError(
            kind,
            f"Access to {where} was denied: the IAM role needs bedrock:RetrieveAndGenerate, "
            f"bedrock:Retrieve on the Knowledge Base and bedrock:InvokeModel on {model_arn}.",
        )
    if kind is ErrorKind.THROTTLED:
        return KnowledgeBaseError(
            kind,
            f"Amazon Bedrock is throttling requests to {where} (still busy after {attempts} attempts); "
            "wait a few seconds and ask again, or ask your AWS admin to raise the quota.",
        )
    return KnowledgeBaseError(kind, user_message(exc, model_id=model_arn, region=region))

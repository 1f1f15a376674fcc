"""Pure request and response translation for ``bedrock-agent-runtime`` RetrieveAndGenerate (no I/O).

Tested in tables (tests/kb/test_translate.py); the service only sends what these build.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from backend.kb.types import Citation

# PDF page metadata the Knowledge Base attaches to each chunk: a zero-based page index sent as a number
# (2.0 is the third page), the same convention as backend/rag/bedrock_retrievers.py.
KB_PAGE_KEY = "x-amz-bedrock-kb-document-page-number"
KB_SOURCE_KEY = "x-amz-bedrock-kb-source-uri"
# Where a reference's document lives, per data-source type, when it is not in S3.
_OTHER_LOCATIONS = (
    ("webLocation", "url"),
    ("confluenceLocation", "url"),
    ("salesforceLocation", "url"),
    ("sharePointLocation", "url"),
    ("customDocumentLocation", "id"),
)


def retrieve_and_generate_request(
    prompt: str,
    *,
    knowledge_base_id: str,
    model_arn: str,
    number_of_results: int,
    session_id: str | None = None,
) -> dict[str, Any]:
    """The RetrieveAndGenerate(Stream) request; ``sessionId`` only when continuing a conversation."""
    request: dict[str, Any] = {
        "input": {"text": prompt},
        "retrieveAndGenerateConfiguration": {
            "type": "KNOWLEDGE_BASE",
            "knowledgeBaseConfiguration": {
                "knowledgeBaseId": knowledge_base_id,
                "modelArn": model_arn,
                "retrievalConfiguration": {
                    "vectorSearchConfiguration": {"numberOfResults": number_of_results}
                },
            },
        },
    }
    if session_id:
        request["sessionId"] = session_id
    return request


def page_number(metadata: Mapping[str, Any] | None) -> int | None:
    """The 1-based page of a reference, from its zero-based page metadata; None when absent or unreadable."""
    value = (metadata or {}).get(KB_PAGE_KEY)
    if value is None or isinstance(value, bool):
        return None
    try:
        index = int(float(value))
    except (TypeError, ValueError):
        return None
    return index + 1 if index >= 0 else None


def reference_source(reference: Mapping[str, Any]) -> str:
    """Where a retrieved reference comes from: its S3 URI, else another location, else its metadata."""
    location = reference.get("location") or {}
    uri = (location.get("s3Location") or {}).get("uri")
    if uri:
        return str(uri)
    for key, field in _OTHER_LOCATIONS:
        value = (location.get(key) or {}).get(field)
        if value:
            return str(value)
    source = (reference.get("metadata") or {}).get(KB_SOURCE_KEY)
    return str(source) if source else ""


def citations_from(citations: Iterable[Mapping[str, Any]], limit: int) -> list[Citation]:
    """Distinct (source, page) pairs of every retrieved reference, in the order cited, at most ``limit``."""
    found: list[Citation] = []
    for citation in citations:
        for reference in citation.get("retrievedReferences") or ():
            source = reference_source(reference)
            if not source:
                continue
            cited = Citation(source=source, page=page_number(reference.get("metadata")))
            if cited not in found:
                found.append(cited)
            if len(found) >= limit:
                return found
    return found


def answer_text(response: Mapping[str, Any]) -> str:
    """The generated text of a RetrieveAndGenerate response ('' when a guardrail blocked everything)."""
    return str((response.get("output") or {}).get("text", "")).strip()


def stream_event_text(event: Mapping[str, Any]) -> str:
    """The text a RetrieveAndGenerateStream ``output`` event adds ('' for any other event)."""
    return str((event.get("output") or {}).get("text", ""))


def stream_event_citations(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The citation a ``citation`` event carries, in the shape ``citations_from`` reads.

    Newer responses nest it under ``citation``; older ones put ``retrievedReferences`` on the event.
    """
    body = event.get("citation")
    if not body:
        return []
    inner = body.get("citation")
    return [inner] if inner else [body]

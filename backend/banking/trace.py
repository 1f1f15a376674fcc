"""What a banking reply is made of, besides its text: the steps that ran and the sources it cites.

The agent's trace events (``invoke_agent`` / ``invoke_inline_agent`` with ``enableTrace``) and the
offline guided flow both become a list of ``TraceStep`` the page shows as collapsible steps. Everything
here is pure: trace and attribution payloads in, small dataclasses out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

Mode = Literal["agent", "inline", "guided"]


@dataclass(frozen=True)
class TraceStep:
    kind: str  # "rationale" | "action_call" | "action_result" | "kb_lookup" | "kb_result" | "intent" | ...
    title: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "title": self.title, "detail": self.detail}


@dataclass(frozen=True)
class Citation:
    source: str  # an s3:// URI (Knowledge Base) or a shipped file name (offline FAQ)
    page: int | None = None
    excerpt: str = ""

    def label(self) -> str:
        name = self.source.rsplit("/", 1)[-1]
        return f"{name}#page={self.page}" if self.page else name

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "page": self.page, "excerpt": self.excerpt}


@dataclass
class AgentReply:
    """A finished reply's trace. ``awaiting`` names the slot the assistant asked for (e.g. "accountId")."""

    mode: Mode
    steps: list[TraceStep] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    awaiting: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "steps": [s.to_dict() for s in self.steps],
            "citations": [c.to_dict() for c in self.citations],
            "awaiting": self.awaiting,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> AgentReply:
        return cls(
            mode=raw["mode"],
            steps=[TraceStep(**s) for s in raw.get("steps", [])],
            citations=[Citation(**c) for c in raw.get("citations", [])],
            awaiting=raw.get("awaiting"),
        )


def _params(parameters: list[dict[str, Any]] | None) -> str:
    return ", ".join(f"{p.get('name')}={p.get('value')}" for p in parameters or [])


def _pretty(text: str) -> str:
    """JSON bodies indented for reading; anything else unchanged."""
    try:
        return json.dumps(json.loads(text), indent=2)
    except (TypeError, ValueError):
        return text


def _page(metadata: dict[str, Any] | None) -> int | None:
    value = (metadata or {}).get("x-amz-bedrock-kb-document-page-number")
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _uri(location: dict[str, Any] | None) -> str:
    location = location or {}
    for key in (
        "s3Location",
        "webLocation",
        "confluenceLocation",
        "salesforceLocation",
        "sharePointLocation",
    ):
        where = location.get(key) or {}
        if where.get("uri") or where.get("url"):
            return str(where.get("uri") or where.get("url"))
    return str(location.get("type", "unknown source"))


def steps_from_trace(trace: dict[str, Any]) -> list[TraceStep]:
    """The steps one ``trace`` event describes (its ``trace.trace`` member), in the order they ran."""
    steps: list[TraceStep] = []
    orchestration = trace.get("orchestrationTrace") or {}
    if rationale := (orchestration.get("rationale") or {}).get("text"):
        steps.append(TraceStep("rationale", "Rationale", rationale))
    invocation = orchestration.get("invocationInput") or {}
    if action := invocation.get("actionGroupInvocationInput"):
        call = f"{action.get('verb', '').upper()} {action.get('apiPath', action.get('function', ''))}".strip()
        detail = f"with {_params(action.get('parameters'))}" if action.get("parameters") else ""
        steps.append(
            TraceStep("action_call", f"Action group {action.get('actionGroupName', '')}: {call}", detail)
        )
    if lookup := invocation.get("knowledgeBaseLookupInput"):
        steps.append(
            TraceStep(
                "kb_lookup",
                f"Knowledge base lookup ({lookup.get('knowledgeBaseId', '')})",
                lookup.get("text", ""),
            )
        )
    observation = orchestration.get("observation") or {}
    if output := observation.get("actionGroupInvocationOutput"):
        steps.append(TraceStep("action_result", "Action group result", _pretty(output.get("text", ""))))
    if found := observation.get("knowledgeBaseLookupOutput"):
        refs = found.get("retrievedReferences") or []
        lines = [
            f"- {_uri(r.get('location'))}: {(r.get('content') or {}).get('text', '')[:200]}" for r in refs
        ]
        steps.append(TraceStep("kb_result", f"Knowledge base results ({len(refs)})", "\n".join(lines)))
    if failure := trace.get("failureTrace"):
        steps.append(TraceStep("failure", "Failure", str(failure.get("failureReason", ""))))
    guardrail = trace.get("guardrailTrace") or {}
    if guardrail.get("action") == "INTERVENED":
        steps.append(TraceStep("guardrail", "Guardrail intervened", ""))
    pre = ((trace.get("preProcessingTrace") or {}).get("modelInvocationOutput") or {}).get("parsedResponse")
    if pre and pre.get("rationale"):
        valid = "accepted" if pre.get("isValid", True) else "rejected"
        steps.append(TraceStep("preprocessing", f"Pre-processing: input {valid}", pre["rationale"]))
    return steps


def citations_from_attribution(attribution: dict[str, Any] | None) -> list[Citation]:
    """The sources a streamed ``chunk`` cites (``attribution.citations[].retrievedReferences[]``)."""
    out: list[Citation] = []
    for citation in (attribution or {}).get("citations") or []:
        for ref in citation.get("retrievedReferences") or []:
            out.append(
                Citation(
                    source=_uri(ref.get("location")),
                    page=_page(ref.get("metadata")),
                    excerpt=(ref.get("content") or {}).get("text", ""),
                )
            )
    return out


def merge_citations(existing: list[Citation], new: list[Citation]) -> list[Citation]:
    """Add ``new`` to ``existing``, one entry per (source, page)."""
    seen = {(c.source, c.page) for c in existing}
    merged = list(existing)
    for citation in new:
        if (citation.source, citation.page) not in seen:
            seen.add((citation.source, citation.page))
            merged.append(citation)
    return merged


def action_call_step(event: dict[str, Any], *, runner: str) -> TraceStep:
    """The step for an agent-format event the app passed to the action-group handler itself."""
    call = f"{event['httpMethod']} {event['apiPath']}"
    params = _params(event.get("parameters")) or "no parameters"
    return TraceStep(
        "action_call",
        f"Action group {event['actionGroup']}: {call}",
        f"{runner} called serverless/agent/handler.py with {params}",
    )


def action_result_step(status: int, body: dict[str, Any]) -> TraceStep:
    return TraceStep("action_result", f"Action group result (HTTP {status})", json.dumps(body, indent=2))

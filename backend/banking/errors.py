"""Banking assistant failures as one sentence each (the page shows it and keeps the conversation).

Agent-specific cases come first (access denied to the agent or its Knowledge Base, an agent that is not
prepared or an alias that is missing, throttling after retries, a missing account table); everything
else falls back to the shared ``backend.errors.user_message``. Event-stream errors arrive with the event
name as code (``throttlingException``), API errors with the shape name (``ThrottlingException``), so
codes are compared without case.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from backend.banking.accounts import AccountTableMissingError
from backend.errors import user_message


class AgentNotConfiguredError(RuntimeError):
    """A setting the agent needs is missing; the message is one sentence naming it."""


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "")).lower()
    return ""


def is_throttling(exc: BaseException) -> bool:
    return error_code(exc) in {
        "throttlingexception",
        "servicequotaexceededexception",
        "toomanyrequestsexception",
    }


def banking_error_message(
    exc: BaseException, *, agent: str | None = None, region: str | None = None, attempts: int = 1
) -> str:
    """One actionable sentence for a failed banking turn. ``agent`` describes the agent called."""
    if isinstance(exc, (AccountTableMissingError, AgentNotConfiguredError)):
        return str(exc)
    code = error_code(exc)
    text = str(exc.response.get("Error", {}).get("Message", "")) if isinstance(exc, ClientError) else ""
    who = agent or "the banking agent"
    where = f" in {region}" if region else ""
    if code in {"accessdeniedexception", "accessdenied"}:
        return (
            f"Access to {who}{where} was denied: allow bedrock:InvokeAgent on the agent alias "
            "(bedrock:InvokeInlineAgent and the model for the inline agent), bedrock:Retrieve on its "
            "knowledge base, and dynamodb:GetItem on the account table for your IAM role."
        )
    if code == "resourcenotfoundexception":
        return (
            f"{who[0].upper()}{who[1:]} or its alias was not found{where}: check BEDROCK_AGENT_ID and "
            "BEDROCK_AGENT_ALIAS_ID, and that the alias points to a prepared version."
        )
    if code == "conflictexception" or "prepare" in text.lower() or "not in a valid state" in text.lower():
        return (
            f"{who[0].upper()}{who[1:]} is not prepared: prepare it in the Bedrock console (Agents, "
            "Prepare) or redeploy serverless/agent/template.yaml, then ask again."
        )
    if is_throttling(exc):
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        return (
            f"Amazon Bedrock is throttling {who}{tries}; wait a few seconds and ask again, or ask your "
            "AWS admin to raise the quota."
        )
    if code in {"dependencyfailedexception", "badgatewayexception"}:
        return (
            f"{who[0].upper()}{who[1:]} could not reach its action group or knowledge base: check the "
            "action-group Lambda's logs and its resource policy, then ask again."
        )
    return user_message(exc, region=region)

"""Pure translations between the agent's return-of-control payloads and the action group's Lambda event.

When the app runs the action group itself (the inline agent's RETURN_CONTROL, and the offline guided
flow), it calls the same handler as the deployed Lambda with the same agent-format event, and sends the
handler's answer back as an ``apiResult``.
"""

from __future__ import annotations

import json
from typing import Any

ACTION_GROUP = "account-status"
AGENT_NAME = "bankofchicago-agent"
STATUS_PATH = "/accounts/{accountId}/status"


def agent_event(
    api_input: dict[str, Any], *, session_id: str, input_text: str, agent_id: str = "INLINE"
) -> dict[str, Any]:
    """The Lambda event Bedrock Agents would send for one ``apiInvocationInput``."""
    event: dict[str, Any] = {
        "messageVersion": "1.0",
        "agent": {"name": AGENT_NAME, "id": agent_id, "alias": "INLINE", "version": "DRAFT"},
        "sessionId": session_id,
        "sessionAttributes": {},
        "promptSessionAttributes": {},
        "inputText": input_text,
        "actionGroup": api_input.get("actionGroup", ACTION_GROUP),
        "apiPath": api_input["apiPath"],
        "httpMethod": api_input.get("httpMethod", "GET").upper(),
        "parameters": [
            {"name": p["name"], "type": p.get("type", "string"), "value": str(p.get("value", ""))}
            for p in api_input.get("parameters") or []
        ],
    }
    if api_input.get("requestBody"):
        event["requestBody"] = api_input["requestBody"]
    return event


def status_event(account_id: str, *, session_id: str, input_text: str) -> dict[str, Any]:
    """The event for ``GET /accounts/{accountId}/status`` (what the agent sends for a status question)."""
    api_input = {
        "actionGroup": ACTION_GROUP,
        "apiPath": STATUS_PATH,
        "httpMethod": "GET",
        "parameters": [{"name": "accountId", "type": "string", "value": account_id}],
    }
    return agent_event(api_input, session_id=session_id, input_text=input_text, agent_id="GUIDED")


def api_result(response: dict[str, Any]) -> dict[str, Any]:
    """A handler response in the Agent format, as a ``returnControlInvocationResults`` entry."""
    inner = response["response"]
    return {
        "apiResult": {
            "actionGroup": inner["actionGroup"],
            "apiPath": inner["apiPath"],
            "httpMethod": inner["httpMethod"],
            "httpStatusCode": inner["httpStatusCode"],
            "responseBody": inner["responseBody"],
        }
    }


def response_status(response: dict[str, Any]) -> int:
    return int(response["response"]["httpStatusCode"])


def response_json(response: dict[str, Any]) -> dict[str, Any]:
    """The handler's JSON body (``responseBody["application/json"].body``), parsed."""
    body = response["response"]["responseBody"]["application/json"]["body"]
    parsed: dict[str, Any] = json.loads(body) if isinstance(body, str) else dict(body)
    return parsed

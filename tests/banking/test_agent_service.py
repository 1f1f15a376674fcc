"""The agent and inline-agent services over real event-stream frames (botocore's parser runs)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from backend.banking.agent import INSTRUCTION, AgentLoopError, BankingAgentService, InlineBankingAgentService
from backend.banking.errors import banking_error_message
from backend.banking.sqlite_store import SQLiteAccountStore
from serverless.agent.schema import SCHEMA_FILE
from tests.aws_eventstream import EventStreamServer, event, exception
from ui.banking_resources import action_handler

SESSION = "0b7d3c9e-1f0a-4d35-9a51-5cc7f7a1e001"
MODEL = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


def chunk(text: str, citations: list[dict[str, Any]] | None = None) -> bytes:
    payload: dict[str, Any] = {"bytes": base64.b64encode(text.encode()).decode()}
    if citations is not None:
        payload["attribution"] = {"citations": citations}
    return event("chunk", payload)


def trace(inner: dict[str, Any]) -> bytes:
    return event("trace", {"agentId": "AGENT12345", "sessionId": SESSION, "trace": inner})


ACTION_CALL = trace(
    {
        "orchestrationTrace": {
            "rationale": {
                "text": "The customer gave account 7777; I will look up its status.",
                "traceId": "t1",
            },
        }
    }
)
ACTION_INPUT = trace(
    {
        "orchestrationTrace": {
            "invocationInput": {
                "invocationType": "ACTION_GROUP",
                "traceId": "t1",
                "actionGroupInvocationInput": {
                    "actionGroupName": "account-status",
                    "apiPath": "/accounts/{accountId}/status",
                    "verb": "get",
                    "parameters": [{"name": "accountId", "type": "string", "value": "7777"}],
                },
            }
        }
    }
)
ACTION_OUTPUT = trace(
    {
        "orchestrationTrace": {
            "observation": {
                "type": "ACTION_GROUP",
                "traceId": "t1",
                "actionGroupInvocationOutput": {
                    "text": '{"accountStatus": "Pending", "reason": "InvalidAddressProof"}'
                },
            }
        }
    }
)
KB_LOOKUP = trace(
    {
        "orchestrationTrace": {
            "invocationInput": {
                "invocationType": "KNOWLEDGE_BASE",
                "traceId": "t2",
                "knowledgeBaseLookupInput": {
                    "text": "accepted proof of address",
                    "knowledgeBaseId": "KB12345678",
                },
            }
        }
    }
)
FAQ_REF = {
    "content": {"text": "We accept a utility bill, a bank statement or a lease agreement."},
    "location": {"type": "S3", "s3Location": {"uri": "s3://bank-faq/bank_new_account_faq.pdf"}},
    "metadata": {"x-amz-bedrock-kb-document-page-number": 2.0},
}


def client(attempts: int = 1) -> Any:
    config = Config(retries={"mode": "standard", "total_max_attempts": attempts})
    return boto3.client("bedrock-agent-runtime", region_name="us-east-1", config=config)


@pytest.mark.usefixtures("aws_credentials")
def test_invoke_agent_streams_the_final_response_with_trace_and_citations() -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    server.respond(
        [
            ACTION_CALL,
            ACTION_INPUT,
            ACTION_OUTPUT,
            KB_LOOKUP,
            chunk("Account 7777 is Pending: ", [{"retrievedReferences": [FAQ_REF]}]),
            chunk("InvalidAddressProof.", [{"retrievedReferences": [FAQ_REF]}]),
        ]
    )
    service = BankingAgentService(runtime, agent_id="AGENT12345", alias_id="ALIAS12345")

    turn = service.ask("7777", SESSION)
    pieces = list(turn.pieces())

    assert pieces == ["Account 7777 is Pending: ", "InvalidAddressProof."]
    assert server.json() == {
        "inputText": "7777",
        "enableTrace": True,
        "streamingConfigurations": {"streamFinalResponse": True},
    }
    assert server.requests[0].url.endswith(
        f"/agents/AGENT12345/agentAliases/ALIAS12345/sessions/{SESSION}/text"
    )
    assert [(s.kind, s.title) for s in turn.reply.steps] == [
        ("rationale", "Rationale"),
        ("action_call", "Action group account-status: GET /accounts/{accountId}/status"),
        ("action_result", "Action group result"),
        ("kb_lookup", "Knowledge base lookup (KB12345678)"),
    ]
    assert turn.reply.steps[1].detail == "with accountId=7777"
    assert json.loads(turn.reply.steps[2].detail)["reason"] == "InvalidAddressProof"
    (citation,) = turn.reply.citations  # the same reference cited twice is listed once
    assert citation.label() == "bank_new_account_faq.pdf#page=2"
    assert turn.reply.mode == "agent"


@pytest.mark.usefixtures("aws_credentials")
def test_throttling_in_the_stream_is_retried_with_backoff() -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    server.respond([exception("throttlingException", "Rate exceeded")])
    server.respond([exception("throttlingException", "Rate exceeded")])
    server.respond([chunk("Account 5555 is Active.")])
    sleeps: list[float] = []
    service = BankingAgentService(
        runtime, agent_id="AGENT12345", alias_id="ALIAS12345", retries=2, backoff_s=0.5, sleep=sleeps.append
    )

    turn = service.ask("5555", SESSION)
    assert "".join(turn.pieces()) == "Account 5555 is Active."
    assert sleeps == [0.5, 1.0]
    assert len(server.requests) == 3
    assert [s.kind for s in turn.reply.steps] == ["retry", "retry"]


@pytest.mark.usefixtures("aws_credentials")
def test_throttling_that_outlasts_the_retries_is_one_sentence() -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    for _ in range(3):
        server.respond([exception("throttlingException", "Rate exceeded")])
    service = BankingAgentService(runtime, agent_id="A", alias_id="B", retries=2, sleep=lambda _: None)

    turn = service.ask("5555", SESSION)
    with pytest.raises(ClientError) as info:
        list(turn.pieces())
    assert turn.attempts == 3
    message = banking_error_message(info.value, attempts=turn.attempts)
    assert message.startswith("Amazon Bedrock is throttling the banking agent after 3 attempts;")


@pytest.mark.usefixtures("aws_credentials")
def test_throttling_after_text_was_shown_is_not_retried() -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    server.respond([chunk("Account 5555 "), exception("throttlingException", "Rate exceeded")])
    service = BankingAgentService(runtime, agent_id="A", alias_id="B", retries=2, sleep=lambda _: None)
    shown: list[str] = []
    pieces = service.ask("5555", SESSION).pieces()
    shown.append(next(pieces))
    with pytest.raises(ClientError, match="Rate exceeded"):
        next(pieces)
    assert shown == ["Account 5555 "]
    assert server.pending == 0


@pytest.mark.usefixtures("aws_credentials")
@pytest.mark.parametrize(
    ("status", "code", "aws_message", "expected"),
    [
        (
            403,
            "AccessDeniedException",
            "not authorized",
            "Access to the banking agent in us-east-1 was denied:",
        ),
        (
            404,
            "ResourceNotFoundException",
            "Failed to retrieve resource because it doesn't exist.",
            "The banking agent or its alias was not found in us-east-1: check BEDROCK_AGENT_ID",
        ),
        (
            409,
            "ConflictException",
            "Agent is not in a valid state",
            "The banking agent is not prepared: prepare it in the Bedrock console",
        ),
        (
            424,
            "DependencyFailedException",
            "Lambda failed",
            "The banking agent could not reach its action group",
        ),
    ],
)
def test_api_errors_are_one_sentence(status: int, code: str, aws_message: str, expected: str) -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    server.fail(status, code, aws_message)
    service = BankingAgentService(runtime, agent_id="A", alias_id="B", sleep=lambda _: None)
    with pytest.raises(ClientError) as info:
        list(service.ask("hi", SESSION).pieces())
    message = banking_error_message(info.value, region="us-east-1")
    assert message.startswith(expected)
    assert "\n" not in message


@pytest.mark.usefixtures("aws_credentials")
def test_an_access_denied_event_mid_stream_is_one_sentence() -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    server.respond([KB_LOOKUP, exception("accessDeniedException", "not allowed to Retrieve")])
    service = BankingAgentService(runtime, agent_id="A", alias_id="B")
    turn = service.ask("fees?", SESSION)
    with pytest.raises(ClientError) as info:
        list(turn.pieces())
    assert banking_error_message(info.value).startswith("Access to the banking agent was denied:")
    assert [s.kind for s in turn.reply.steps] == ["kb_lookup"]


@pytest.fixture
def store(tmp_path: Path) -> SQLiteAccountStore:
    sqlite = SQLiteAccountStore(tmp_path / "accounts.sqlite3")
    sqlite.seed()
    return sqlite


def return_control(account_id: str) -> bytes:
    return event(
        "returnControl",
        {
            "invocationId": "inv-1",
            "invocationInputs": [
                {
                    "apiInvocationInput": {
                        "actionGroup": "account-status",
                        "apiPath": "/accounts/{accountId}/status",
                        "httpMethod": "GET",
                        "parameters": [{"name": "accountId", "type": "string", "value": account_id}],
                        "actionInvocationType": "RESULT",
                    }
                }
            ],
        },
    )


@pytest.mark.usefixtures("aws_credentials")
def test_inline_agent_returns_control_and_the_app_runs_the_same_handler(store: SQLiteAccountStore) -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    server.respond([ACTION_CALL, return_control("7777")])
    server.respond([chunk("Your account 7777 is Pending because of InvalidAddressProof.")])
    service = InlineBankingAgentService(
        runtime,
        foundation_model=MODEL,
        schema_json=SCHEMA_FILE.read_text(),
        action_handler=action_handler(store),
        knowledge_base_id="KB12345678",
    )

    turn = service.ask("7777", SESSION)
    text = "".join(turn.pieces())

    assert text == "Your account 7777 is Pending because of InvalidAddressProof."
    first, second = server.json(0), server.json(1)
    assert first["inputText"] == "7777"
    assert first["instruction"] == INSTRUCTION
    assert first["foundationModel"] == MODEL
    assert first["streamingConfigurations"] == {"streamFinalResponse": True}
    (group,) = first["actionGroups"]
    assert group["actionGroupExecutor"] == {"customControl": "RETURN_CONTROL"}
    assert json.loads(group["apiSchema"]["payload"]) == json.loads(SCHEMA_FILE.read_text())
    assert first["knowledgeBases"][0]["knowledgeBaseId"] == "KB12345678"
    assert "inputText" not in second
    state = second["inlineSessionState"]
    assert state["invocationId"] == "inv-1"
    (result,) = state["returnControlInvocationResults"]
    api = result["apiResult"]
    assert (api["apiPath"], api["httpMethod"], api["httpStatusCode"]) == (
        "/accounts/{accountId}/status",
        "GET",
        200,
    )
    body = json.loads(api["responseBody"]["application/json"]["body"])
    assert body == {
        "accountId": "7777",
        "accountName": "Manju",
        "accountStatus": "Pending",
        "reason": "InvalidAddressProof",
    }
    assert server.requests[0].url.endswith(f"/agents/{SESSION}")
    kinds = [s.kind for s in turn.reply.steps]
    assert kinds == ["rationale", "action_call", "action_result"]
    assert "The app (return of control) called serverless/agent/handler.py" in turn.reply.steps[1].detail
    assert turn.reply.mode == "inline"


@pytest.mark.usefixtures("aws_credentials")
def test_inline_agent_unknown_account_goes_back_to_the_agent_as_404(store: SQLiteAccountStore) -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    server.respond([return_control("1234")])
    server.respond([chunk("I couldn't find account 1234.")])
    service = InlineBankingAgentService(
        runtime, foundation_model=MODEL, schema_json="{}", action_handler=action_handler(store)
    )
    turn = service.ask("1234", SESSION)
    assert "".join(turn.pieces()) == "I couldn't find account 1234."
    api = server.json(1)["inlineSessionState"]["returnControlInvocationResults"][0]["apiResult"]
    assert api["httpStatusCode"] == 404
    assert json.loads(api["responseBody"]["application/json"]["body"]) == {
        "message": "There is no account with that ID (1234)."
    }
    assert "knowledgeBases" not in server.json(0)


@pytest.mark.usefixtures("aws_credentials")
def test_inline_agent_that_keeps_asking_for_actions_is_stopped(store: SQLiteAccountStore) -> None:
    runtime = client()
    server = EventStreamServer(runtime)
    for _ in range(6):
        server.respond([return_control("5555")])
    service = InlineBankingAgentService(
        runtime, foundation_model=MODEL, schema_json="{}", action_handler=action_handler(store)
    )
    with pytest.raises(AgentLoopError, match="more than 5 actions"):
        list(service.ask("5555", SESSION).pieces())
    assert server.pending == 0

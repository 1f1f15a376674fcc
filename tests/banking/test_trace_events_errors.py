"""Pure translations: trace events to steps, attributions to citations, return of control to events."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError, EventStreamError

from backend.banking.accounts import AccountTableMissingError
from backend.banking.errors import AgentNotConfiguredError, banking_error_message, is_throttling
from backend.banking.events import agent_event, api_result, status_event
from backend.banking.trace import (
    AgentReply,
    Citation,
    TraceStep,
    citations_from_attribution,
    steps_from_trace,
)
from backend.chat.conversation import Conversation, Turn


@pytest.mark.parametrize(
    ("trace", "expected"),
    [
        (
            {"orchestrationTrace": {"rationale": {"text": "Look it up."}}},
            [("rationale", "Rationale", "Look it up.")],
        ),
        (
            {
                "orchestrationTrace": {
                    "observation": {
                        "knowledgeBaseLookupOutput": {
                            "retrievedReferences": [
                                {
                                    "content": {"text": "Fees..."},
                                    "location": {"s3Location": {"uri": "s3://b/f.pdf"}},
                                }
                            ]
                        }
                    }
                }
            },
            [("kb_result", "Knowledge base results (1)", "- s3://b/f.pdf: Fees...")],
        ),
        (
            {"failureTrace": {"failureReason": "Lambda timed out"}},
            [("failure", "Failure", "Lambda timed out")],
        ),
        ({"guardrailTrace": {"action": "INTERVENED"}}, [("guardrail", "Guardrail intervened", "")]),
        ({"guardrailTrace": {"action": "NONE"}}, []),
        (
            {
                "preProcessingTrace": {
                    "modelInvocationOutput": {"parsedResponse": {"isValid": False, "rationale": "Off topic."}}
                }
            },
            [("preprocessing", "Pre-processing: input rejected", "Off topic.")],
        ),
        ({"orchestrationTrace": {"modelInvocationInput": {"text": "prompt"}}}, []),
    ],
)
def test_steps_from_trace(trace: dict[str, Any], expected: list[tuple[str, str, str]]) -> None:
    assert [(s.kind, s.title, s.detail) for s in steps_from_trace(trace)] == expected


@pytest.mark.parametrize(
    ("attribution", "expected"),
    [
        (None, []),
        ({"citations": []}, []),
        (
            {
                "citations": [
                    {
                        "retrievedReferences": [
                            {
                                "content": {"text": "x"},
                                "location": {"s3Location": {"uri": "s3://b/faq.pdf"}},
                                "metadata": {"x-amz-bedrock-kb-document-page-number": 3.0},
                            },
                            {
                                "content": {"text": "y"},
                                "location": {"webLocation": {"url": "https://bank/faq"}},
                            },
                        ]
                    }
                ]
            },
            [Citation("s3://b/faq.pdf", 3, "x"), Citation("https://bank/faq", None, "y")],
        ),
    ],
)
def test_citations_from_attribution(attribution: dict[str, Any] | None, expected: list[Citation]) -> None:
    assert citations_from_attribution(attribution) == expected


def test_citation_labels() -> None:
    assert Citation("s3://b/docs/faq.pdf", 2).label() == "faq.pdf#page=2"
    assert Citation("bank_new_account_faq.pdf").label() == "bank_new_account_faq.pdf"


def test_return_control_input_becomes_the_lambda_event_and_back() -> None:
    api_input = {
        "actionGroup": "account-status",
        "apiPath": "/accounts/{accountId}/status",
        "httpMethod": "get",
        "parameters": [{"name": "accountId", "type": "string", "value": 7777}],
        "actionInvocationType": "RESULT",
        "agentId": "X",
    }
    event = agent_event(api_input, session_id="s-1", input_text="7777")
    assert event["httpMethod"] == "GET"
    assert event["parameters"] == [{"name": "accountId", "type": "string", "value": "7777"}]
    assert event["messageVersion"] == "1.0"
    assert "requestBody" not in event
    assert status_event("7777", session_id="s-1", input_text="7777")["parameters"] == event["parameters"]
    response = {
        "messageVersion": "1.0",
        "response": {
            "actionGroup": "account-status",
            "apiPath": "/accounts/{accountId}/status",
            "httpMethod": "GET",
            "httpStatusCode": 404,
            "responseBody": {"application/json": {"body": json.dumps({"message": "none"})}},
        },
    }
    assert api_result(response) == {"apiResult": response["response"]}


def client_error(code: str, message: str = "m") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "InvokeAgent")


@pytest.mark.parametrize(
    ("exc", "start"),
    [
        (
            AccountTableMissingError("The DynamoDB table 'x' does not exist in us-east-1."),
            "The DynamoDB table 'x'",
        ),
        (
            AgentNotConfiguredError("BEDROCK_AGENT_ID is set but BEDROCK_AGENT_ALIAS_ID is not."),
            "BEDROCK_AGENT_ID",
        ),
        (client_error("AccessDeniedException"), "Access to the banking agent was denied"),
        (
            EventStreamError({"Error": {"Code": "accessDeniedException", "Message": "x"}}, "InvokeAgent"),
            "Access to the banking agent was denied",
        ),
        (
            client_error("ValidationException", "Agent must be prepared before invoking"),
            "The banking agent is not prepared",
        ),
        (client_error("ThrottlingException"), "Amazon Bedrock is throttling the banking agent;"),
        (client_error("UnrecognizedClientException"), "No valid AWS credentials were found"),
    ],
)
def test_every_failure_is_one_sentence(exc: BaseException, start: str) -> None:
    message = banking_error_message(exc)
    assert message.startswith(start)
    assert "Traceback" not in message


def test_throttling_codes_match_without_case() -> None:
    assert is_throttling(client_error("throttlingException"))
    assert is_throttling(client_error("ThrottlingException"))
    assert not is_throttling(client_error("ValidationException"))
    assert not is_throttling(ValueError("x"))


def test_a_turn_with_an_agent_trace_round_trips_through_json() -> None:
    conversation = Conversation()
    conversation.add_assistant("Hello", agent=AgentReply("guided", awaiting="accountId"))
    conversation.add_user("7777")
    conversation.turns.append(Turn("assistant", "Account 7777 (Manju): Pending, InvalidAddressProof."))
    reply = AgentReply("guided", [TraceStep("intent", "Intent: status", "")], [Citation("f.pdf", 1, "x")])
    conversation.attach_agent(reply)
    restored = Conversation.from_dict(json.loads(json.dumps(conversation.to_dict())))
    assert restored.turns[-1].agent == reply
    assert restored.turns[0].agent == AgentReply("guided", awaiting="accountId")
    assert restored.last_agent_reply() == reply
    conversation.add_error("boom")
    assert conversation.last_agent_reply() == reply  # errors are skipped

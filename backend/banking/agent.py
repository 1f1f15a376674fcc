"""The banking agent on Bedrock: a deployed agent (``invoke_agent``) or the same agent inline.

Both stream the final response (``streamingConfigurations.streamFinalResponse``) with the trace on, and
turn the event stream into text pieces, trace steps and citations. The inline agent
(``invoke_inline_agent``) carries the same instruction and OpenAPI schema as the deployed one, with a
RETURN_CONTROL action group: the app runs the action-group handler itself (``ActionHandler``, the same
code as the Lambda) and sends the result back in ``inlineSessionState``.

A throttled call is retried with backoff while nothing has been shown yet; the ``bedrock-agent-runtime``
client is injected (tests serve real event-stream frames to it).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from backend.banking.errors import is_throttling
from backend.banking.events import agent_event, api_result, response_json, response_status
from backend.banking.trace import (
    AgentReply,
    Mode,
    TraceStep,
    action_call_step,
    action_result_step,
    citations_from_attribution,
    merge_citations,
    steps_from_trace,
)

INSTRUCTION = (
    "You are a banking assistant in a Retail Bank. You are friendly and polite. You help resolve customer "
    "queries by providing bank customers status on their new bank accounts."
)
ACTION_GROUP_DESCRIPTION = "Look up the status of a customer's new bank account by its 4-digit account ID."
FAQ_DESCRIPTION = (
    "Frequently asked questions of the retail bank - opening an account, documents, identity and address "
    "proof, fees, cards and online banking."
)
# A turn with more return-of-control rounds than this is stopped (the agent is looping).
MAX_ACTION_ROUNDS = 5

ActionHandler = Callable[[dict[str, Any]], dict[str, Any]]


class AgentLoopError(RuntimeError):
    """The inline agent asked for more actions than one turn allows."""


@dataclass
class _Invocation:
    """What one streamed invocation produced besides text: a return-of-control request, if any."""

    return_control: dict[str, Any] | None = None


class AgentTurn:
    """One question's reply: iterate ``pieces()`` for the streamed text, then read ``reply``."""

    def __init__(self, run: Callable[[AgentTurn], Iterator[str]], mode: Mode) -> None:
        self._run = run
        self.reply = AgentReply(mode=mode)
        self.attempts = 1  # calls made for the current invocation (throttled calls are retried)

    def pieces(self) -> Iterator[str]:
        yield from self._run(self)

    def add_steps(self, steps: list[TraceStep]) -> None:
        self.reply.steps.extend(steps)


def _consume(stream: Any, turn: AgentTurn, invocation: _Invocation) -> Iterator[str]:
    """Walk one ``completion`` event stream; botocore raises the stream's exception events."""
    for event in stream:
        if "chunk" in event:
            chunk = event["chunk"]
            turn.reply.citations = merge_citations(
                turn.reply.citations, citations_from_attribution(chunk.get("attribution"))
            )
            text = chunk.get("bytes", b"").decode("utf-8")
            if text:
                yield text
        elif "trace" in event:
            turn.add_steps(steps_from_trace((event["trace"] or {}).get("trace") or {}))
        elif "returnControl" in event:
            invocation.return_control = event["returnControl"]


class _Retrying:
    """Retry a throttled invocation with exponential backoff until it has yielded text."""

    def __init__(self, retries: int, backoff_s: float, sleep: Callable[[float], None]) -> None:
        self.retries = retries
        self.backoff_s = backoff_s
        self.sleep = sleep

    def stream(self, call: Callable[[], Any], turn: AgentTurn, invocation: _Invocation) -> Iterator[str]:
        attempt = 0
        while True:
            attempt += 1
            shown = False
            try:
                for piece in _consume(call()["completion"], turn, invocation):
                    shown = True
                    yield piece
                return
            except Exception as exc:
                if shown or not is_throttling(exc) or attempt > self.retries:
                    raise
                turn.attempts += 1
                delay = self.backoff_s * 2 ** (attempt - 1)
                turn.add_steps(
                    [TraceStep("retry", f"Throttled: retry {attempt} of {self.retries} in {delay:.1f} s")]
                )
                self.sleep(delay)


class BankingAgentService:
    """The deployed agent (``BEDROCK_AGENT_ID`` and its alias) through ``invoke_agent``."""

    def __init__(
        self,
        client: Any,
        *,
        agent_id: str,
        alias_id: str,
        retries: int = 2,
        backoff_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.agent_id = agent_id
        self.alias_id = alias_id
        self._retry = _Retrying(retries, backoff_s, sleep)

    def request(self, text: str, session_id: str) -> dict[str, Any]:
        """The exact ``invoke_agent`` request for one question (pure)."""
        return {
            "agentId": self.agent_id,
            "agentAliasId": self.alias_id,
            "sessionId": session_id,
            "inputText": text,
            "enableTrace": True,
            "streamingConfigurations": {"streamFinalResponse": True},
        }

    def ask(self, text: str, session_id: str, *, awaiting_account_id: bool = False) -> AgentTurn:
        """Stream the agent's reply (the agent keeps the conversation's state in its session)."""

        def run(turn: AgentTurn) -> Iterator[str]:
            invocation = _Invocation()
            yield from self._retry.stream(
                lambda: self.client.invoke_agent(**self.request(text, session_id)), turn, invocation
            )
            if invocation.return_control is not None:
                # The deployed agent runs its own Lambda; return of control means it was set up differently.
                raise AgentLoopError(
                    "The agent returned control to the app, but its action group should run its Lambda: "
                    "check the action group's executor in serverless/agent/template.yaml."
                )

        return AgentTurn(run, "agent")


class InlineBankingAgentService:
    """The same agent defined per request (``invoke_inline_agent``); the app runs the action group."""

    def __init__(
        self,
        client: Any,
        *,
        foundation_model: str,
        schema_json: str,
        action_handler: ActionHandler,
        knowledge_base_id: str | None = None,
        retries: int = 2,
        backoff_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.foundation_model = foundation_model
        self.schema_json = schema_json
        self.action_handler = action_handler
        self.knowledge_base_id = knowledge_base_id
        self._retry = _Retrying(retries, backoff_s, sleep)

    def request(
        self, session_id: str, *, text: str | None = None, results: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The exact ``invoke_inline_agent`` request: a question, or returned-control results (pure)."""
        request: dict[str, Any] = {
            "sessionId": session_id,
            "foundationModel": self.foundation_model,
            "instruction": INSTRUCTION,
            "enableTrace": True,
            "streamingConfigurations": {"streamFinalResponse": True},
            "actionGroups": [
                {
                    "actionGroupName": "account-status",
                    "description": ACTION_GROUP_DESCRIPTION,
                    "actionGroupExecutor": {"customControl": "RETURN_CONTROL"},
                    "apiSchema": {"payload": self.schema_json},
                }
            ],
        }
        if self.knowledge_base_id:
            request["knowledgeBases"] = [
                {"knowledgeBaseId": self.knowledge_base_id, "description": FAQ_DESCRIPTION}
            ]
        if text is not None:
            request["inputText"] = text
        if results is not None:
            request["inlineSessionState"] = results
        return request

    def _run_actions(
        self, control: dict[str, Any], session_id: str, text: str, turn: AgentTurn
    ) -> dict[str, Any]:
        results = []
        for item in control.get("invocationInputs") or []:
            api_input = item.get("apiInvocationInput")
            if api_input is None:
                continue
            event = agent_event(api_input, session_id=session_id, input_text=text)
            turn.add_steps([action_call_step(event, runner="The app (return of control)")])
            response = self.action_handler(event)
            turn.add_steps([action_result_step(response_status(response), response_json(response))])
            results.append(api_result(response))
        return {"invocationId": control["invocationId"], "returnControlInvocationResults": results}

    def ask(self, text: str, session_id: str, *, awaiting_account_id: bool = False) -> AgentTurn:
        """Stream the agent's reply (the agent keeps the conversation's state in its session)."""

        def run(turn: AgentTurn) -> Iterator[str]:
            request = self.request(session_id, text=text)
            for _ in range(MAX_ACTION_ROUNDS + 1):
                invocation = _Invocation()
                call = functools.partial(self.client.invoke_inline_agent, **request)
                yield from self._retry.stream(call, turn, invocation)
                if invocation.return_control is None:
                    return
                results = self._run_actions(invocation.return_control, session_id, text, turn)
                request = self.request(session_id, results=results)
            raise AgentLoopError(
                f"The agent asked for more than {MAX_ACTION_ROUNDS} actions in one turn; please ask again."
            )

        return AgentTurn(run, "inline")

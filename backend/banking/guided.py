"""The offline banking assistant: a guided flow, not an LLM agent.

A 135M-parameter local model cannot choose tools reliably, so offline the assistant is deterministic:

1. **Intent and slot extraction** by rules: a 4-digit account ID (or a malformed one), a question about
   an account's status, or anything else as an FAQ question.
2. **Account status**: the same action-group handler as the deployed Lambda, called with a real
   agent-format event (``GET /accounts/{accountId}/status``) against the offline store.
3. **FAQ**: the best passage from the local index of the bank's FAQ, quoted with its page.

Every reply carries the steps that ran, for the same trace panel the agent's replies use.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

from backend.banking.accounts import AccountTableMissingError
from backend.banking.agent import ActionHandler, AgentTurn
from backend.banking.events import response_json, response_status, status_event
from backend.banking.trace import AgentReply, Citation, TraceStep, action_call_step, action_result_step
from backend.rag.types import ScoredChunk

Intent = Literal["status", "faq", "greeting"]

ASK_FOR_ID = "Please tell me your 4-digit account ID, and I'll check the status of your new account."
GREETING = (
    "Hello! I'm the bank's assistant (a guided flow offline). I can check the status of your new "
    "account or answer questions from the bank's FAQ. " + ASK_FOR_ID
)
NO_FAQ_MATCH = (
    "I couldn't find that in the bank's FAQ. I can check your new account's status (tell me your 4-digit "
    "account ID) or answer questions about opening an account, documents, fees and cards."
)
# Below this cosine similarity no FAQ passage is relevant: on the shipped FAQ, bank questions scored
# 0.39-0.66 and unrelated ones (sports, geography) below 0.05 with MiniLM.
FAQ_MIN_SCORE = 0.3
# What each Pending reason asks the customer to do (the FAQ has the details).
REASON_HELP = {
    "InvalidIdentification": "your proof of identity could not be verified; please upload a valid passport, "
    "driving licence or state ID card.",
    "InvalidAddressProof": "your proof of address could not be verified; please upload a utility bill, bank "
    "statement or lease agreement from the last three months.",
}

_ACCOUNT_ID = re.compile(r"(?<![\w-])(\d{4})(?![\w-])")
# A token that is meant as an account ID but is not 4 digits: 2-8 characters with at least one digit.
_ID_ATTEMPT = re.compile(r"(?<![\w-])(?=[A-Za-z0-9]{2,8}(?![\w-]))(?=[A-Za-z]*\d)([A-Za-z0-9]{2,8})(?![\w-])")
_STATUS = re.compile(
    r"\bstatus\b|\b(is|was)\s+my\s+(new\s+)?account\b|\bmy\s+(new\s+)?account\s+(is\s+)?"
    r"(active|pending|approved|open(ed)?|ready)\b|\bcheck\s+(on\s+)?my\s+(new\s+)?account\b",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^\s*(hi|hello|hey|good\s+(morning|afternoon|evening))\b[\s!.,]*$", re.IGNORECASE)


@dataclass(frozen=True)
class Parsed:
    intent: Intent
    account_id: str | None = None  # the 4-digit ID, or the malformed token the customer meant as one


def parse(text: str, *, awaiting_account_id: bool) -> Parsed:
    """Deterministic intent and slot extraction (pure; table-tested)."""
    if found := _ACCOUNT_ID.search(text):
        return Parsed("status", found.group(1))
    asks_status = bool(_STATUS.search(text))
    if (awaiting_account_id or asks_status) and (attempt := _ID_ATTEMPT.search(text)):
        return Parsed("status", attempt.group(1))
    if asks_status:
        return Parsed("status")
    if _GREETING.match(text):
        return Parsed("greeting")
    return Parsed("faq")


class FaqSearch(Protocol):
    def search(self, query: str, k: int) -> list[ScoredChunk]: ...


@dataclass
class GuidedAnswer:
    text: str
    reply: AgentReply


def status_text(body: dict[str, str]) -> str:
    """The reply for a found account, e.g. "Account 7777 (Manju): Pending, InvalidAddressProof." (pure)."""
    line = f"Account {body['accountId']} ({body['accountName']}): {body['accountStatus']}, {body['reason']}."
    if body["accountStatus"] == "Active":
        return f"{line} Your account is open and ready to use."
    help_text = REASON_HELP.get(body["reason"])
    return f"{line} It is not open yet: {help_text}" if help_text else line


class GuidedBankingAssistant:
    """The offline assistant. ``action_handler`` is the action group's handler over the offline store."""

    def __init__(
        self, action_handler: ActionHandler, faq: FaqSearch, *, faq_min_score: float = FAQ_MIN_SCORE
    ) -> None:
        self.action_handler = action_handler
        self.faq = faq
        self.faq_min_score = faq_min_score

    def ask(self, text: str, session_id: str, *, awaiting_account_id: bool = False) -> AgentTurn:
        """The same interface as the agent services; the reply arrives as one piece."""

        def run(turn: AgentTurn) -> Iterator[str]:
            answer = self.answer(text, session_id=session_id, awaiting_account_id=awaiting_account_id)
            turn.reply = answer.reply
            yield answer.text

        return AgentTurn(run, "guided")

    def answer(self, text: str, *, session_id: str, awaiting_account_id: bool) -> GuidedAnswer:
        parsed = parse(text, awaiting_account_id=awaiting_account_id)
        slot = f", accountId={parsed.account_id}" if parsed.account_id else ""
        steps = [
            TraceStep("intent", f"Intent: {parsed.intent}{slot}", "Rule-based intent and slot extraction.")
        ]
        if parsed.intent == "greeting":
            return GuidedAnswer(GREETING, AgentReply("guided", steps, awaiting="accountId"))
        if parsed.intent == "faq":
            return self._faq(text, steps)
        if parsed.account_id is None:
            steps.append(TraceStep("ask", "Ask for the account ID", "The status lookup needs accountId."))
            return GuidedAnswer(ASK_FOR_ID, AgentReply("guided", steps, awaiting="accountId"))
        return self._status(parsed.account_id, text, session_id, steps)

    def _status(self, account_id: str, text: str, session_id: str, steps: list[TraceStep]) -> GuidedAnswer:
        event = status_event(account_id, session_id=session_id, input_text=text)
        steps.append(action_call_step(event, runner="The guided flow"))
        response = self.action_handler(event)
        status, body = response_status(response), response_json(response)
        steps.append(action_result_step(status, body))
        if status == 200:
            return GuidedAnswer(status_text(body), AgentReply("guided", steps))
        # 400 (not 4 digits) and 404 (no such account): the handler's sentence, then ask again.
        message = body.get("message", "The account could not be looked up.")
        if status >= 500:
            raise AccountTableMissingError(message)
        return GuidedAnswer(
            f"{message} Please check the number and tell me your 4-digit account ID.",
            AgentReply("guided", steps, awaiting="accountId"),
        )

    def _faq(self, text: str, steps: list[TraceStep]) -> GuidedAnswer:
        results = self.faq.search(text, 3)
        listing = "\n".join(f"- {r.chunk.section or r.chunk.title} (score {r.score:.2f})" for r in results)
        steps.append(TraceStep("kb_lookup", "FAQ lookup (local index of the bank FAQ)", text))
        steps.append(TraceStep("kb_result", f"FAQ results ({len(results)})", listing))
        # The passage closest in meaning answers (fused rank can put a keyword match first).
        best = max(results, key=lambda r: r.score, default=None)
        if best is None or best.score < self.faq_min_score:
            return GuidedAnswer(NO_FAQ_MATCH, AgentReply("guided", steps))
        chunk = best.chunk
        citation = Citation(chunk.file, chunk.page, chunk.text)
        heading = f"**{chunk.section}**\n\n" if chunk.section else ""
        return GuidedAnswer(
            f"From the bank's FAQ [{citation.label()}]:\n\n{heading}{chunk.text}",
            AgentReply("guided", steps, citations=[citation]),
        )

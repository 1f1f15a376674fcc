"""The offline guided flow: rule-based intents and slots (tables), the real handler, FAQ quotes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backend.banking.accounts import AccountTableMissingError
from backend.banking.agent import ActionHandler
from backend.banking.guided import (
    ASK_FOR_ID,
    GREETING,
    NO_FAQ_MATCH,
    GuidedBankingAssistant,
    Parsed,
    parse,
    status_text,
)
from backend.banking.sqlite_store import SQLiteAccountStore
from backend.rag.types import Chunk, ScoredChunk
from tests.pages.test_hr_policy_qa_page import FakeRetriever
from ui.banking_resources import action_handler


@pytest.mark.parametrize(
    ("text", "awaiting", "expected"),
    [
        ("what is the status of my account?", False, Parsed("status")),
        ("7777", True, Parsed("status", "7777")),
        ("7777", False, Parsed("status", "7777")),
        ("my account id is 6666, is it active?", False, Parsed("status", "6666")),
        ("Is my new account active yet?", False, Parsed("status")),
        ("check my account please", False, Parsed("status")),
        ("77A7", True, Parsed("status", "77A7")),
        ("it's 777", True, Parsed("status", "777")),
        ("the status of 55555", False, Parsed("status", "55555")),
        ("hello", False, Parsed("greeting")),
        ("Good morning!", False, Parsed("greeting")),
        ("How long does verification take?", False, Parsed("faq")),
        ("How long does verification take?", True, Parsed("faq")),
        ("What documents prove my address?", False, Parsed("faq")),
        ("Is there a fee of 5 dollars?", False, Parsed("faq")),
        ("call 1-800-555-0199", False, Parsed("faq")),
    ],
)
def test_intent_and_slot_extraction(text: str, awaiting: bool, expected: Parsed) -> None:
    assert parse(text, awaiting_account_id=awaiting) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"accountId": "5555", "accountName": "John", "accountStatus": "Active", "reason": "Active"},
            "Account 5555 (John): Active, Active. Your account is open and ready to use.",
        ),
        (
            {
                "accountId": "6666",
                "accountName": "Thomas",
                "accountStatus": "Pending",
                "reason": "InvalidIdentification",
            },
            "Account 6666 (Thomas): Pending, InvalidIdentification. It is not open yet: your proof of "
            "identity could not be verified; please upload a valid passport, driving licence or state ID "
            "card.",
        ),
        (
            {"accountId": "8888", "accountName": "Ana", "accountStatus": "Pending", "reason": "Review"},
            "Account 8888 (Ana): Pending, Review.",
        ),
    ],
)
def test_status_text(body: dict[str, str], expected: str) -> None:
    assert status_text(body) == expected


def faq_chunk(section: str, text: str, score: float) -> ScoredChunk:
    chunk = Chunk("c", "bank_new_account_faq.pdf", 2, "New Account FAQ", section, text, "0" * 64)
    return ScoredChunk(chunk, score)


@pytest.fixture
def handler(tmp_path: Path) -> ActionHandler:
    store = SQLiteAccountStore(tmp_path / "a.sqlite3")
    store.seed()
    return action_handler(store)


def test_greeting_asks_for_the_account_id(handler: ActionHandler) -> None:
    answer = GuidedBankingAssistant(handler, FakeRetriever([])).answer(
        "hi", session_id="s", awaiting_account_id=False
    )
    assert answer.text == GREETING
    assert answer.reply.awaiting == "accountId"


@pytest.fixture
def events() -> list[dict[str, Any]]:
    return []


@pytest.fixture
def spy(handler: ActionHandler, events: list[dict[str, Any]]) -> ActionHandler:
    """The real handler, recording every event it is given."""

    def record(event: dict[str, Any]) -> dict[str, Any]:
        events.append(event)
        return handler(event)

    return record


def test_status_without_id_asks_for_it_and_runs_no_handler(
    spy: ActionHandler, events: list[dict[str, Any]]
) -> None:
    answer = GuidedBankingAssistant(spy, FakeRetriever([])).answer(
        "what is the status of my account?", session_id="s", awaiting_account_id=False
    )
    assert answer.text == ASK_FOR_ID
    assert answer.reply.awaiting == "accountId"
    assert events == []


def test_status_lookup_sends_a_real_agent_event(spy: ActionHandler, events: list[dict[str, Any]]) -> None:
    answer = GuidedBankingAssistant(spy, FakeRetriever([])).answer(
        "7777", session_id="sess-1", awaiting_account_id=True
    )
    assert answer.text.startswith("Account 7777 (Manju): Pending, InvalidAddressProof.")
    (event,) = events
    assert event["messageVersion"] == "1.0"
    assert event["apiPath"] == "/accounts/{accountId}/status"
    assert event["httpMethod"] == "GET"
    assert event["sessionId"] == "sess-1"
    assert event["parameters"] == [{"name": "accountId", "type": "string", "value": "7777"}]
    assert [s.kind for s in answer.reply.steps] == ["intent", "action_call", "action_result"]
    assert answer.reply.awaiting is None


def test_a_malformed_id_gets_the_handlers_sentence(handler: ActionHandler) -> None:
    answer = GuidedBankingAssistant(handler, FakeRetriever([])).answer(
        "77A7", session_id="s", awaiting_account_id=True
    )
    assert answer.text == (
        "The account ID must be exactly 4 digits, for example 5555. "
        "Please check the number and tell me your 4-digit account ID."
    )
    assert answer.reply.steps[-1].title == "Action group result (HTTP 400)"
    assert answer.reply.awaiting == "accountId"


def test_a_missing_table_raises_its_sentence(tmp_path: Path) -> None:
    empty = action_handler(SQLiteAccountStore(tmp_path / "never-seeded.sqlite3"))
    with pytest.raises(AccountTableMissingError, match="has no account table yet"):
        GuidedBankingAssistant(empty, FakeRetriever([])).answer(
            "5555", session_id="s", awaiting_account_id=False
        )


def test_faq_quotes_the_closest_passage_not_the_first_ranked(handler: ActionHandler) -> None:
    faq = FakeRetriever(
        [
            faq_chunk("Pending Account Status", "Pending means ...", 0.35),
            faq_chunk("Rejected Proof of Address (InvalidAddressProof)", "We accept a utility bill.", 0.59),
        ]
    )
    answer = GuidedBankingAssistant(handler, faq).answer(
        "What documents prove my address?", session_id="s", awaiting_account_id=False
    )
    assert answer.text == (
        "From the bank's FAQ [bank_new_account_faq.pdf#page=2]:\n\n"
        "**Rejected Proof of Address (InvalidAddressProof)**\n\nWe accept a utility bill."
    )
    assert [c.label() for c in answer.reply.citations] == ["bank_new_account_faq.pdf#page=2"]
    assert [s.kind for s in answer.reply.steps] == ["intent", "kb_lookup", "kb_result"]


def test_faq_below_the_threshold_says_so(handler: ActionHandler) -> None:
    faq = FakeRetriever([faq_chunk("Overdrafts", "New accounts have no overdraft.", 0.04)])
    answer = GuidedBankingAssistant(handler, faq).answer(
        "Who won the world cup?", session_id="s", awaiting_account_id=False
    )
    assert answer.text == NO_FAQ_MATCH
    assert answer.reply.citations == []

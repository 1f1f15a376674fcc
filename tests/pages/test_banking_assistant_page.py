"""AppTest of the Banking assistant page offline: the guided flow over the real action-group handler."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from streamlit.testing.v1 import AppTest

from backend.banking.agent import BankingAgentService
from backend.banking.guided import ASK_FOR_ID, GREETING, GuidedBankingAssistant
from backend.banking.sqlite_store import SQLiteAccountStore
from backend.rag.types import Chunk, ScoredChunk
from backend.settings import Settings
from tests.aws_eventstream import EventStreamServer, event
from tests.pages.test_hr_policy_qa_page import FakeRetriever
from ui.banking_resources import action_handler

PAGE = "pages/banking_assistant.py"

FEES = ScoredChunk(
    Chunk(
        chunk_id="f1",
        file="bank_new_account_faq.pdf",
        page=2,
        title="New Account FAQ",
        section="Monthly Fees and Minimum Balance",
        text="A savings account has no monthly fee when the balance stays above 500 dollars.",
        content_hash="0" * 64,
    ),
    score=0.61,
)


def open_bank(
    open_page: Callable[..., AppTest], cfg: Settings, faq: FakeRetriever | None = None, **overrides: Any
) -> AppTest:
    store = SQLiteAccountStore(cfg.banking_db_path)
    assistant = GuidedBankingAssistant(action_handler(store), faq or FakeRetriever([FEES]))
    return open_page(
        PAGE, {"settings": cfg, "account_store": store, "banking_assistant": assistant, **overrides}
    )


def assistant_texts(at: AppTest) -> list[str]:
    return [m.markdown[0].value for m in at.chat_message if m.name == "assistant" and m.markdown]


def step_labels(at: AppTest) -> list[str]:
    return [e.label for e in at.expander if e.label.startswith("Step ")]


def test_the_conversation_starts_by_asking_for_the_account_id(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    at = open_bank(open_page, app_settings)
    assert not at.exception
    assert at.title[0].value == "Banking assistant"
    assert at.caption[0].value.startswith("Offline guided flow, not an LLM agent")
    assert assistant_texts(at) == [GREETING]


def test_status_question_asks_for_the_id_then_the_handler_answers(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    SQLiteAccountStore(app_settings.banking_db_path).seed()
    at = open_bank(open_page, app_settings)

    at.chat_input[0].set_value("what is the status of my account?").run()
    assert assistant_texts(at)[-1] == ASK_FOR_ID

    at.chat_input[0].set_value("7777").run()
    assert not at.exception
    reply = assistant_texts(at)[-1]
    assert reply.startswith("Account 7777 (Manju): Pending, InvalidAddressProof.")
    labels = step_labels(at)
    assert "Step 1 · Intent: status, accountId=7777" in labels
    assert "Step 2 · Action group account-status: GET /accounts/{accountId}/status" in labels
    assert "Step 3 · Action group result (HTTP 200)" in labels
    code = [c.value for c in at.code]
    assert any("serverless/agent/handler.py with accountId=7777" in c for c in code)
    assert any('"reason": "InvalidAddressProof"' in c for c in code)


def test_an_unknown_id_is_a_clear_sentence_and_asks_again(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    SQLiteAccountStore(app_settings.banking_db_path).seed()
    at = open_bank(open_page, app_settings)
    at.chat_input[0].set_value("Check account 1234 please").run()
    assert assistant_texts(at)[-1] == (
        "There is no account with that ID (1234). "
        "Please check the number and tell me your 4-digit account ID."
    )
    at.chat_input[0].set_value("5555").run()
    assert assistant_texts(at)[-1].startswith("Account 5555 (John): Active, Active.")


def test_faq_question_quotes_the_faq_with_its_page(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    faq = FakeRetriever([FEES])
    at = open_bank(open_page, app_settings, faq)
    at.chat_input[0].set_value("Is there a monthly fee?").run()
    assert faq.queries == ["Is there a monthly fee?"]
    reply = assistant_texts(at)[-1]
    assert reply.startswith("From the bank's FAQ [bank_new_account_faq.pdf#page=2]:")
    assert "no monthly fee when the balance stays above 500 dollars" in reply
    citations = next(e for e in at.expander if e.label.startswith("Citations"))
    assert citations.markdown[0].value == "**bank_new_account_faq.pdf#page=2**"


def test_the_page_seeds_the_offline_store_on_first_use(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    assert not app_settings.banking_db_path.exists()
    # No store override: the page's own resource creates and fills the SQLite store.
    store_path = app_settings.banking_db_path
    assistant = GuidedBankingAssistant(action_handler(SQLiteAccountStore(store_path)), FakeRetriever([]))
    at = open_page(PAGE, {"settings": app_settings, "banking_assistant": assistant})
    at.chat_input[0].set_value("6666").run()
    assert not at.exception
    assert assistant_texts(at)[-1].startswith("Account 6666 (Thomas): Pending, InvalidIdentification.")
    assert SQLiteAccountStore(store_path).is_seeded()


class BrokenAssistant:
    def ask(self, text: str, session_id: str, *, awaiting_account_id: bool = False) -> Any:
        from backend.banking.accounts import AccountTableMissingError

        raise AccountTableMissingError(
            "The DynamoDB table 'customerAccountStatus' does not exist in us-east-1."
        )


def test_a_failure_is_one_sentence_and_the_conversation_is_kept(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    SQLiteAccountStore(app_settings.banking_db_path).seed()
    at = open_bank(open_page, app_settings)
    at.chat_input[0].set_value("5555").run()
    at.session_state["_workbench_overrides"]["banking_assistant"] = BrokenAssistant()
    at.chat_input[0].set_value("7777").run()
    assert not at.exception
    assert at.error[0].value == "The DynamoDB table 'customerAccountStatus' does not exist in us-east-1."
    users = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert users == ["5555", "7777"]
    assert any(t.startswith("Account 5555 (John)") for t in assistant_texts(at))


def test_new_conversation_starts_over_with_a_new_session(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    at = open_bank(open_page, app_settings)
    first = at.session_state["bank_session_id"]
    at.chat_input[0].set_value("hello").run()
    at.button[0].click().run()
    assert at.session_state["bank_session_id"] != first
    assert assistant_texts(at) == [GREETING]


@pytest.mark.parametrize("agent_id", [None, "AGENT12345"])
def test_bedrock_mode_says_which_agent_answers(
    open_page: Callable[..., AppTest], app_settings: Settings, agent_id: str | None
) -> None:
    cfg = app_settings.model_copy(
        update={"provider": "bedrock", "bedrock_agent_id": agent_id, "bedrock_agent_alias_id": "ALIAS12345"}
    )
    at = open_page(PAGE, {"settings": cfg, "banking_assistant": BrokenAssistant()})
    caption = at.caption[0].value
    if agent_id:
        assert caption.startswith("Amazon Bedrock agent AGENT12345 (alias ALIAS12345)")
    else:
        assert caption.startswith("Inline Bedrock agent on us.anthropic.claude-haiku-4-5")


@pytest.mark.usefixtures("aws_credentials")
def test_agent_mode_streams_the_reply_with_its_trace_and_citations(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    runtime = boto3.client("bedrock-agent-runtime", region_name="us-east-1")
    server = EventStreamServer(runtime)
    ref = {
        "content": {"text": "We accept a utility bill from the last three months."},
        "location": {"type": "S3", "s3Location": {"uri": "s3://bank-faq/bank_new_account_faq.pdf"}},
        "metadata": {"x-amz-bedrock-kb-document-page-number": 2},
    }
    server.respond(
        [
            event("trace", {"trace": {"orchestrationTrace": {"rationale": {"text": "Check account 7777."}}}}),
            event("chunk", {"bytes": base64.b64encode(b"Account 7777 is Pending, ").decode()}),
            event(
                "chunk",
                {
                    "bytes": base64.b64encode(b"InvalidAddressProof.").decode(),
                    "attribution": {"citations": [{"retrievedReferences": [ref]}]},
                },
            ),
        ]
    )
    cfg = app_settings.model_copy(
        update={
            "provider": "bedrock",
            "bedrock_agent_id": "AGENT12345",
            "bedrock_agent_alias_id": "ALIAS12345",
        }
    )
    service = BankingAgentService(runtime, agent_id="AGENT12345", alias_id="ALIAS12345")
    at = open_page(PAGE, {"settings": cfg, "banking_assistant": service})
    assert assistant_texts(at)[0].startswith("Hello! I'm the bank's assistant.")

    at.chat_input[0].set_value("7777").run()

    assert not at.exception
    assert assistant_texts(at)[-1] == "Account 7777 is Pending, InvalidAddressProof."
    assert server.requests[0].url.endswith(f"/sessions/{at.session_state['bank_session_id']}/text")
    assert step_labels(at) == ["Step 1 · Rationale"]
    citations = next(e for e in at.expander if e.label.startswith("Citations"))
    assert citations.markdown[0].value == "**bank_new_account_faq.pdf#page=2**"

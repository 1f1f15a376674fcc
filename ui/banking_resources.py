"""Cached resources of the Banking assistant page: the account store, the action handler, the assistant.

The action handler is the action-group Lambda's own code (``serverless.agent.handler.handle``) over
the app's account store. Page tests inject fakes under the names ``account_store`` and
``banking_assistant``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from backend.banking.accounts import AccountStore
from backend.banking.agent import ActionHandler, BankingAgentService, InlineBankingAgentService
from backend.banking.assistant import BankingAssistant, banking_mode, check_agent_settings
from backend.banking.faq import BankFaq
from backend.banking.guided import GuidedBankingAssistant
from backend.banking.sqlite_store import SQLiteAccountStore
from backend.banking.stores import build_account_store
from backend.providers import make_aws_client
from backend.settings import Settings
from serverless.agent.schema import SCHEMA_FILE
from ui.rag_resources import embeddings
from ui.resources import resolve


@st.cache_resource(show_spinner=False)
def _account_store(settings: Settings) -> AccountStore:
    store = build_account_store(settings)
    if isinstance(store, SQLiteAccountStore) and not store.is_seeded():
        store.seed()  # the offline store is created and filled on first use
    return store


def account_store(settings: Settings) -> AccountStore:
    return resolve("account_store", lambda: _account_store(settings))


def action_handler(store: AccountStore) -> ActionHandler:
    """The action group's Lambda handler over ``store``: an agent-format event in, the Agent response out."""
    from serverless.agent.handler import handle

    return lambda event: handle(event, store)


@st.cache_resource(show_spinner=False)
def _agent_runtime_client(settings: Settings) -> Any:
    return make_aws_client(settings, "bedrock-agent-runtime", read_timeout=120, max_attempts=4)


@st.cache_resource(show_spinner=False)
def _bank_faq(settings: Settings) -> BankFaq:
    # Indexed on the first FAQ question (BankFaq.search), not here: status lookups never wait for it.
    return BankFaq(
        index_dir=settings.bank_faq_index_dir,
        faq_dir=settings.bank_faq_dir,
        embedding_model=settings.embedding_model_id,
        embeddings=lambda: embeddings(settings),
    )


def banking_assistant(settings: Settings) -> BankingAssistant:
    """The agent, the inline agent or the offline guided flow, as the settings say (cheap to build)."""

    def build() -> BankingAssistant:
        mode = banking_mode(settings)
        if mode == "guided":
            return GuidedBankingAssistant(action_handler(account_store(settings)), _bank_faq(settings))
        check_agent_settings(settings)
        client = _agent_runtime_client(settings)
        if mode == "agent":
            assert settings.bedrock_agent_id is not None
            assert settings.bedrock_agent_alias_id is not None
            return BankingAgentService(
                client, agent_id=settings.bedrock_agent_id, alias_id=settings.bedrock_agent_alias_id
            )
        return InlineBankingAgentService(
            client,
            foundation_model=settings.bedrock_chat_model_id,
            schema_json=SCHEMA_FILE.read_text(),  # the same schema the deployed agent reads from S3
            action_handler=action_handler(account_store(settings)),
            knowledge_base_id=settings.banking_faq_knowledge_base_id,
        )

    return resolve("banking_assistant", build)

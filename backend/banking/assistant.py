"""Which banking assistant the settings give, and the one interface the page talks to.

- ``agent``: ``APP_PROVIDER=bedrock`` with ``BEDROCK_AGENT_ID`` (and its alias): the deployed agent.
- ``inline``: ``APP_PROVIDER=bedrock`` without ``BEDROCK_AGENT_ID``: the same agent, defined per request.
- ``guided``: offline: the rule-based guided flow (not an LLM agent).
"""

from __future__ import annotations

from typing import Protocol

from backend.banking.agent import AgentTurn
from backend.banking.errors import AgentNotConfiguredError
from backend.banking.trace import Mode
from backend.settings import Settings


class BankingAssistant(Protocol):
    def ask(self, text: str, session_id: str, *, awaiting_account_id: bool = False) -> AgentTurn: ...


def banking_mode(settings: Settings) -> Mode:
    if settings.provider == "local":
        return "guided"
    return "agent" if settings.bedrock_agent_id else "inline"


def check_agent_settings(settings: Settings) -> None:
    """Raise one sentence when the deployed agent is named without its alias."""
    if banking_mode(settings) == "agent" and not settings.bedrock_agent_alias_id:
        raise AgentNotConfiguredError(
            "BEDROCK_AGENT_ID is set but BEDROCK_AGENT_ALIAS_ID is not: set it to the alias id from the "
            "stack's AgentAliasId output (serverless/agent/template.yaml)."
        )


def mode_caption(settings: Settings) -> str:
    """One line under the title saying what answers (pure)."""
    mode = banking_mode(settings)
    if mode == "agent":
        return (
            f"Amazon Bedrock agent {settings.bedrock_agent_id} (alias {settings.bedrock_agent_alias_id}); "
            "its action group runs in Lambda."
        )
    if mode == "inline":
        kb = settings.banking_faq_knowledge_base_id
        faq = f" and the FAQ Knowledge Base {kb}" if kb else " (set BANKING_FAQ_KNOWLEDGE_BASE_ID for FAQs)"
        return (
            f"Inline Bedrock agent on {settings.bedrock_chat_model_id} (BEDROCK_AGENT_ID is not set), with "
            f"the same instruction and schema{faq}; the app runs the account-status action group itself."
        )
    return (
        "Offline guided flow, not an LLM agent: rules pick the intent, the action-group handler looks the "
        "account up in the offline store, and FAQ answers quote the bank's FAQ."
    )


AGENT_OPENING = (
    "Hello! I'm the bank's assistant. I can check the status of your new account or answer questions "
    "about the bank. Please tell me your 4-digit account ID, and I'll check the status of your new account."
)


def opening_message(mode: Mode) -> str:
    """The assistant's first message: it asks for the account ID (pure)."""
    from backend.banking.guided import GREETING

    return GREETING if mode == "guided" else AGENT_OPENING

"""Which assistant the settings give, and the sentence when the agent is named without its alias."""

from __future__ import annotations

import pytest

from backend.banking.assistant import (
    AGENT_OPENING,
    banking_mode,
    check_agent_settings,
    mode_caption,
    opening_message,
)
from backend.banking.errors import AgentNotConfiguredError
from backend.banking.guided import GREETING
from backend.settings import Settings


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({}, "guided"),
        ({"BEDROCK_AGENT_ID": "AGENT12345"}, "guided"),  # offline never calls AWS
        ({"APP_PROVIDER": "bedrock"}, "inline"),
        ({"APP_PROVIDER": "bedrock", "BEDROCK_AGENT_ID": " "}, "inline"),  # blank is unset
        ({"APP_PROVIDER": "bedrock", "BEDROCK_AGENT_ID": "AGENT12345"}, "agent"),
    ],
)
def test_banking_mode(env: dict[str, str], mode: str) -> None:
    assert banking_mode(Settings(**env)) == mode  # type: ignore[arg-type]


def test_an_agent_without_its_alias_is_one_sentence() -> None:
    with pytest.raises(
        AgentNotConfiguredError, match=r"^BEDROCK_AGENT_ID is set but BEDROCK_AGENT_ALIAS_ID is not"
    ):
        check_agent_settings(Settings(APP_PROVIDER="bedrock", BEDROCK_AGENT_ID="AGENT12345"))
    check_agent_settings(
        Settings(APP_PROVIDER="bedrock", BEDROCK_AGENT_ID="AGENT12345", BEDROCK_AGENT_ALIAS_ID="ALIAS12345")
    )
    check_agent_settings(Settings(APP_PROVIDER="bedrock"))  # inline needs no alias


def test_every_mode_opens_by_asking_for_the_account_id() -> None:
    assert opening_message("guided") == GREETING
    assert opening_message("agent") == opening_message("inline") == AGENT_OPENING
    assert all("4-digit account ID" in opening_message(m) for m in ("guided", "agent", "inline"))


def test_the_inline_caption_says_whether_the_faq_knowledge_base_is_used() -> None:
    without = mode_caption(Settings(APP_PROVIDER="bedrock"))
    assert "set BANKING_FAQ_KNOWLEDGE_BASE_ID for FAQs" in without
    with_kb = mode_caption(Settings(APP_PROVIDER="bedrock", BANKING_FAQ_KNOWLEDGE_BASE_ID="KB12345678"))
    assert "the FAQ Knowledge Base KB12345678" in with_kb

"""AppTest of saved conversations through the pages: listed per user, reopened, renamed, deleted;
user A never sees user B's. One SQLite app database is shared by every session, as on a server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity
from backend.settings import Settings
from tests.fakes import fake_chat_model
from tests.pages.test_hr_policy_qa_page import (
    EARNED,
    FakeRetriever,
    generative,
    open_qa,
)
from tests.pages.test_hr_policy_qa_page import library_settings as library_settings  # the fixture

CHAT = "pages/chatbot.py"
ANA = Identity("ana", "staff")
BO = Identity("bo", "staff")


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "shared-app.db")


def open_chat(
    open_page: Callable[..., AppTest], cfg: Settings, store: SqliteStore, user: Identity, *replies: str
) -> AppTest:
    model, _ = fake_chat_model(*(replies or ("unused",)))
    overrides: dict[str, Any] = {"settings": cfg, "app_store": store, "identity": user, "chat_model": model}
    return open_page(CHAT, overrides)


def listed(at: AppTest) -> list[str]:
    return [b.label for b in at.sidebar.button if b.key and b.key.startswith("open_")]


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def test_a_conversation_is_listed_and_reopens_in_a_new_session(
    open_page: Callable[..., AppTest], app_settings: Settings, store: SqliteStore
) -> None:
    at = open_chat(open_page, app_settings, store, ANA, "Eighteen days.", "Yes, carried over.")
    assert listed(at) == []
    ask(at, "How many leave days do I get?")
    assert not at.exception
    assert listed(at) == ["How many leave days do I get?"]
    ask(at, "Can I carry them over?")
    assert listed(at) == ["How many leave days do I get?"]  # the same conversation, updated

    # A new session (a new tab, or after a restart: the app database is a file) lists and reopens it.
    fresh = open_chat(open_page, app_settings, store, ANA)
    assert [m.markdown[0].value for m in fresh.chat_message] == []
    next(b for b in fresh.sidebar.button if b.label == "How many leave days do I get?").click().run()
    assert not fresh.exception
    assert [m.markdown[0].value for m in fresh.chat_message] == [
        "How many leave days do I get?",
        "Eighteen days.",
        "Can I carry them over?",
        "Yes, carried over.",
    ]


def test_rename_and_delete(
    open_page: Callable[..., AppTest], app_settings: Settings, store: SqliteStore
) -> None:
    at = open_chat(open_page, app_settings, store, ANA, "Eighteen days.")
    ask(at, "How many leave days do I get?")
    keys = [b.key or "" for b in at.sidebar.button]
    [conversation_id] = [k.removeprefix("open_") for k in keys if k.startswith("open_")]
    at.sidebar.text_input(key=f"rename_{conversation_id}").set_value("Leave")
    at.sidebar.button(key=f"do_rename_{conversation_id}").click().run()
    assert listed(at) == ["Leave"]
    at.sidebar.button(key=f"delete_{conversation_id}").click().run()
    assert not at.exception
    assert listed(at) == []
    assert not at.chat_message  # the open conversation was the deleted one: a fresh one starts


def test_one_user_never_sees_anothers_conversations(
    open_page: Callable[..., AppTest], app_settings: Settings, store: SqliteStore
) -> None:
    ana = open_chat(open_page, app_settings, store, ANA, "Eighteen days.")
    ask(ana, "Ana's private question")
    bo = open_chat(open_page, app_settings, store, BO, "Hello Bo.")
    assert listed(bo) == []
    ask(bo, "Bo's question")
    assert listed(bo) == ["Bo's question"]
    assert listed(open_chat(open_page, app_settings, store, ANA)) == ["Ana's private question"]


def test_an_hr_answer_reopens_with_its_sources_in_a_new_session(
    open_page: Callable[..., AppTest], library_settings: Settings, store: SqliteStore
) -> None:
    model, _ = fake_chat_model("You get 18 days of earned leave per year [leave_policy.pdf#page=2].")
    answerer = generative(model, FakeRetriever([EARNED]))
    at = open_qa(open_page, library_settings, policy_answerer=answerer, app_store=store, identity=ANA)
    at.chat_input[0].set_value("How many days of earned leave do I get?").run()
    assert not at.exception
    assert listed(at) == ["How many days of earned leave do I get?"]

    fresh = open_qa(open_page, library_settings, app_store=store, identity=ANA)
    assert not fresh.expander or not any(e.label.startswith("Sources") for e in fresh.expander)
    question = "How many days of earned leave do I get?"
    next(b for b in fresh.sidebar.button if b.label == question).click().run()
    assert not fresh.exception
    sources = next(e for e in fresh.expander if e.label.startswith("Sources"))
    assert "**leave_policy.pdf** · page 2 · score 0.74 · **cited**" in [m.value for m in sources.markdown]
    # Another user's HR history is empty.
    assert listed(open_qa(open_page, library_settings, app_store=store, identity=BO)) == []

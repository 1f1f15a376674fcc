"""The offline Banking assistant in a real browser: it asks for the account ID, then the action-group
handler answers from the offline store, and the trace panel shows the handler call."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import screenshot, wait_until_idle

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

SLOW = 240_000


def ask(page: Any, text: str) -> None:
    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill(text)
    chat.press("Enter")
    wait_until_idle(page, SLOW)


def test_status_question_asks_for_the_id_and_shows_the_handler_call(
    app_server: Callable[..., str], app_data_dir: Path, browser_page: Any
) -> None:
    shutil.copytree(
        REPO_ROOT / "data" / "bank_faq", app_data_dir / "bank_faq", ignore=shutil.ignore_patterns("src")
    )
    page = browser_page
    page.goto(app_server())
    page.get_by_role("link", name="Banking assistant").click()
    page.get_by_role("heading", name="Banking assistant").wait_for()
    wait_until_idle(page)
    messages = page.get_by_test_id("stChatMessage")
    expect(messages.first).to_contain_text("Please tell me your 4-digit account ID")

    ask(page, "what is the status of my account?")
    expect(messages.nth(2)).to_contain_text("Please tell me your 4-digit account ID")

    ask(page, "7777")
    reply = messages.nth(4)
    expect(reply).to_contain_text("Pending, InvalidAddressProof", timeout=SLOW)
    call = reply.locator('[data-testid="stExpander"]').filter(
        has_text="Action group account-status: GET /accounts/{accountId}/status"
    )
    call.locator("summary").first.click()
    expect(call).to_contain_text("serverless/agent/handler.py with accountId=7777")
    result = reply.locator('[data-testid="stExpander"]').filter(has_text="Action group result (HTTP 200)")
    result.locator("summary").first.click()
    expect(result).to_contain_text('"reason": "InvalidAddressProof"')
    screenshot(page, "banking_assistant_status")
    # The page seeded the offline store on first use.
    assert (app_data_dir / "banking" / "accounts.sqlite3").is_file()

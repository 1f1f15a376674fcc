"""APP_PROVIDER=bedrock, no credentials: the app starts, chat says what is wrong, Status how to fix it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import screenshot, wait_until_idle


def test_missing_credentials_are_explained_not_crashed(
    app_server: Callable[..., str], browser_page: Any
) -> None:
    page = browser_page
    page.goto(app_server({"APP_PROVIDER": "bedrock", "AWS_REGION": "us-east-1"}))
    page.get_by_role("heading", name="Chatbot").wait_for()
    page.get_by_text("Amazon Bedrock · us-east-1").wait_for()

    box = page.get_by_test_id("stChatInputTextArea")
    box.fill("Hello?")
    box.press("Enter")
    alert = page.get_by_test_id("stAlertContentError").first
    alert.wait_for()
    assert "No valid AWS credentials were found" in alert.inner_text()
    wait_until_idle(page)
    assert page.get_by_text("Traceback").count() == 0
    assert page.get_by_test_id("stException").count() == 0
    # The question is kept in the chat (the sidebar lists the conversation under the same words).
    assert page.get_by_test_id("stChatMessage").filter(has_text="Hello?").count() == 1

    page.get_by_role("link", name="Status").click()
    page.get_by_role("heading", name="Status").wait_for()
    error = page.get_by_test_id("stAlertContentError").first
    error.wait_for()
    assert "aws configure" in error.inner_text()
    screenshot(page, "status-bedrock-no-credentials")

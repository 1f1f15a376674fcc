"""The chatbot in a real browser on the offline default: a streamed reply, then a follow-up that needs turn one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import screenshot


def send(page: Any, text: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")


def assistant_messages(page: Any) -> Any:
    return page.locator('[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"])')


def wait_until_idle(page: Any) -> None:
    """Streamlit shows a running icon in its status widget while the script (and the stream) runs."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidgetRunningIcon").wait_for(state="detached", timeout=120_000)


def test_chat_streams_and_remembers(app_server: Callable[..., str], browser_page: Any) -> None:
    page = browser_page
    page.goto(app_server())
    page.get_by_role("heading", name="Chatbot").wait_for()
    # A short reply keeps the test quick on two cores.
    page.get_by_label("System prompt").fill("You are a helpful assistant. Answer in one short sentence.")

    send(page, "My name is Ada and my favourite colour is green.")
    first = assistant_messages(page).nth(0)
    first.wait_for()
    # Streaming: the reply grows while tokens arrive, before the run finishes.
    page.wait_for_function(
        """() => {
            const msgs = document.querySelectorAll('[data-testid="stChatMessage"]');
            return msgs.length >= 2 && msgs[1].innerText.trim().length > 0;
        }"""
    )
    wait_until_idle(page)
    assert first.inner_text().strip()

    send(page, "What is my name?")
    second = assistant_messages(page).nth(1)
    second.wait_for()
    page.wait_for_function(
        """() => {
            const msgs = document.querySelectorAll('[data-testid="stChatMessage"]');
            return msgs.length >= 4 && /ada/i.test(msgs[3].innerText);
        }""",
        timeout=120_000,
    )
    wait_until_idle(page)
    assert "ada" in second.inner_text().lower()
    assert first.inner_text().strip()  # the first reply is still on screen
    screenshot(page, "chatbot")

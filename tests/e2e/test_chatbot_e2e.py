"""The chatbot in a real browser, offline: a streamed reply, then a follow-up that needs the first turn."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import screenshot, wait_until_idle

ASSISTANT = '[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarAssistant"])'


def send(page: Any, text: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")


def reply_text(page: Any, index: int) -> str:
    """The reply's own text (its first Markdown block), without the figures line and the thumbs under it."""
    replies = page.locator(f"{ASSISTANT} [data-testid='stChatMessageContent']")
    if replies.count() <= index:
        return ""
    return str(replies.nth(index).locator("[data-testid='stMarkdown']").first.inner_text()).strip()


# Records, in the browser, every length the reply's text takes as it is rendered, and whether the script
# run has started. Polling from the test missed a short reply (8 tokens at 100 tokens/s render in about
# 0.1 s on an idle machine), and could read the "notRunning" of before the message as the end.
_RECORD_LENGTHS = """index => {
  window.__replyLengths = [];
  window.__sawRun = false;
  const record = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (app && app.getAttribute('data-test-script-state') === 'running') window.__sawRun = true;
    const replies = document.querySelectorAll(
      '__ASSISTANT__ [data-testid="stChatMessageContent"]');
    const text = replies[index]?.querySelector('[data-testid="stMarkdown"]');
    const n = text ? text.innerText.trim().length : 0;
    const seen = window.__replyLengths;
    if (n && seen[seen.length - 1] !== n) seen.push(n);
  };
  new MutationObserver(record).observe(
    document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}""".replace("__ASSISTANT__", ASSISTANT)


def record_reply_lengths(page: Any, index: int) -> None:
    """Start recording reply ``index``'s lengths; call it before sending the message."""
    page.evaluate(_RECORD_LENGTHS, index)


def watch_stream(page: Any, index: int, timeout_s: float = 180) -> list[int]:
    """Wait for the reply to finish; the lengths it was rendered at (several for a streamed reply)."""
    deadline = time.monotonic() + timeout_s
    lengths: list[int] = []
    while time.monotonic() < deadline:
        started = page.evaluate("window.__sawRun")
        state = page.get_by_test_id("stApp").get_attribute("data-test-script-state")
        if started and state == "notRunning" and reply_text(page, index):
            # Read after the reply is seen complete: an evaluate runs after the observer's callbacks for
            # what was rendered before it, so the lengths include the last one (read before, they could
            # miss every length when the reply appeared between the two reads).
            return list(page.evaluate("window.__replyLengths || []"))
        lengths = page.evaluate("window.__replyLengths || []")
        page.wait_for_timeout(50)
    raise AssertionError(f"no complete reply within {timeout_s} s (saw lengths {lengths})")


def test_chat_streams_and_remembers(app_server: Callable[..., str], browser_page: Any) -> None:
    page = browser_page
    try:
        chat_flow(page, app_server())
    finally:
        screenshot(page, "chatbot")


def chat_flow(page: Any, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="Chatbot").wait_for()
    # Greedy decoding (temperature 0, set with the keyboard in the shared sidebar) makes the replies
    # repeatable; a short-answer system prompt keeps the test quick on two cores.
    page.get_by_text("Model and inference settings").click()
    temperature = page.get_by_role("slider").first
    temperature.focus()
    temperature.press("Home")
    page.get_by_test_id("stSliderThumbValue").first.filter(has_text="0.00").wait_for()
    page.get_by_label("System prompt").fill("You are a helpful assistant. Answer in one short sentence.")
    page.get_by_label("System prompt").blur()
    wait_until_idle(page)

    record_reply_lengths(page, 0)
    send(page, "Remember this code word: PELICAN.")
    lengths = watch_stream(page, 0)
    assert len(lengths) >= 3, f"reply did not stream: lengths {lengths}, reply {reply_text(page, 0)!r}"
    first = reply_text(page, 0)

    # The follow-up does not contain the answer: only the remembered first turn does.
    record_reply_lengths(page, 1)
    send(page, "What was the code word?")
    watch_stream(page, 1)
    second = reply_text(page, 1)
    assert "pelican" in second.lower(), second
    assert reply_text(page, 0) == first  # the first turn is still on screen, unchanged

"""Trustworthy HR answers in a real browser, offline: a conversation ending with the hotel question.

The hotel question asked third (after earned leave and a follow-up) gets the policy's own figures,
"INR 9,000" for Tier 1 cities, with a citation to the travel policy: the follow-up rule keeps the
conversation from changing what a standalone question finds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_until_idle

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

SLOW = 240_000


def ask(page: Any, question: str, answers_before: int) -> str:
    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill(question)
    chat.press("Enter")
    assistant = page.locator('[data-testid="stChatMessage"]').filter(
        has=page.locator('[data-testid="stChatMessageAvatarAssistant"]')
    )
    expect(assistant).to_have_count(answers_before + 1, timeout=SLOW)
    wait_until_idle(page)
    return str(assistant.last.inner_text())


def test_the_hotel_question_asked_third_is_answered_with_the_policy_figures(
    app_server: Callable[..., str], browser_page: Any
) -> None:
    page = browser_page
    page.goto(app_server())
    page.get_by_role("link", name="HR Policy Q&A").click()
    page.get_by_role("heading", name="HR Policy Q&A").wait_for()
    page.locator('[data-testid="stMetric"]').filter(has_text="Documents").wait_for(timeout=SLOW)
    wait_until_idle(page)

    earned = ask(page, "How many days of earned leave do I get per year?", 0)
    assert "24 days" in earned
    assert "[acme_leave_policy.pdf#page=1]" in earned
    ask(page, "and after 5 years?", 1)
    hotel = ask(page, "How much can I spend on a hotel per night when travelling?", 2)

    assert "INR 9,000" in hotel
    assert "[acme_travel_expense_policy.pdf#page=1]" in hotel
    assert "word for word" in hotel
    shot = screenshot(page, "hr_answers_hotel_third")
    assert shot.stat().st_size > 10_000


def test_an_answer_rated_down_reaches_the_knowledge_gap_report(
    app_server: Callable[..., str], browser_page: Any
) -> None:
    # AUTH_MODE=none: the laptop owner is staff asking and the admin reading the report at once.
    page = browser_page
    page.goto(app_server())
    page.get_by_role("link", name="HR Policy Q&A").click()
    page.get_by_role("heading", name="HR Policy Q&A").wait_for()
    page.locator('[data-testid="stMetric"]').filter(has_text="Documents").wait_for(timeout=SLOW)
    wait_until_idle(page)
    question = "Can I claim laundry on a three night business trip?"
    ask(page, question, 0)

    answer = page.locator('[data-testid="stChatMessage"]').last
    answer.locator('[data-testid="stFeedbackButton"]').nth(1).click()  # thumbs down
    comment = answer.get_by_label("Comment (optional)")
    comment.wait_for()
    comment.fill("It quotes the rule but I need a yes or no")
    comment.press("Enter")
    wait_until_idle(page)

    page.get_by_role("link", name="Knowledge gaps").click()
    page.get_by_role("heading", name="Knowledge gaps").wait_for()
    group = page.get_by_text(f"{question} · 1 question · open")
    group.wait_for(timeout=SLOW)
    group.click()
    page.get_by_text("1 rated down").wait_for()
    page.get_by_text("It quotes the rule but I need a yes or no").wait_for()
    screenshot(page, "hr_rated_down_in_gap_report")

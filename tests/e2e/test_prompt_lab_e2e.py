"""The prompt lab in a real browser, offline: compare two variants on SmolLM2 and see both outputs with
their figures; and an admin finding a rated-down HR answer in the knowledge-gap report."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import screenshot, wait_until_idle

FIGURES = re.compile(
    r"SmolLM2-135M-Instruct · first token [\d.]+ s · total [\d.]+ s · \d+ in / \d+ out tokens · \$0"
)


@pytest.mark.local_model
def test_compare_two_lab_variants(app_server: Callable[..., str], browser_page: Any) -> None:
    page = browser_page
    page.goto(app_server())
    page.get_by_role("heading", name="Chatbot").wait_for()
    page.get_by_role("link", name="Prompt lab").click()
    page.get_by_role("heading", name="Prompt lab").wait_for()
    page.get_by_text("not production quality").wait_for()
    wait_until_idle(page)
    prompts = page.get_by_test_id("stCode")
    prompts.nth(1).wait_for()
    assert prompts.count() == 2
    assert "Boho" not in prompts.nth(0).inner_text()  # zero-shot
    assert "Women's Boho Beach Dress" in prompts.nth(1).inner_text()  # few-shot

    page.get_by_role("textbox", name="Product").first.fill("Waterproof hiking boots")
    page.get_by_role("textbox", name="Product").first.press("Tab")
    wait_until_idle(page)
    assert "Product: Waterproof hiking boots" in prompts.nth(0).inner_text()

    page.get_by_role("button", name="Run compare").click()
    page.get_by_role("heading", name="Results").wait_for(timeout=300_000)
    wait_until_idle(page)
    outputs = page.locator('[data-testid="stText"]')
    assert outputs.count() == 2
    assert all(outputs.nth(i).inner_text().strip() for i in range(2))
    captions = [c for c in page.get_by_test_id("stCaptionContainer").all_inner_texts() if FIGURES.search(c)]
    assert len(captions) == 2, captions
    screenshot(page, "prompt_lab_compare")


def test_admin_finds_a_rated_down_hr_answer_in_the_knowledge_gap_report(
    app_server: Callable[..., str], browser_page: Any, app_data_dir: Path
) -> None:
    # The staff half (rating an HR answer down on the HR page) is the HR page's; here its record is
    # written as that page writes it, before the server starts.
    from backend.appdb.feedback import FeedbackLog, FeedbackRecord
    from backend.appdb.sqlite import SqliteStore

    store = SqliteStore(app_data_dir / "app.db")
    FeedbackLog(store).record(
        FeedbackRecord(
            "e2e-answer",
            datetime.now(UTC),
            "local",
            "HR Policy Q&A",
            "down",
            "Does the company pay for a gym membership?",
            "I don't know, the policies I have don't cover this.",
            comment="I need to know before I sign up",
        )
    )
    store.close()
    page = browser_page
    page.goto(app_server())
    page.get_by_role("heading", name="Chatbot").wait_for()
    page.get_by_role("link", name="Knowledge gaps").click()
    page.get_by_role("heading", name="Knowledge gaps").wait_for()
    group = page.get_by_text("Does the company pay for a gym membership? · 1 question · open")
    group.wait_for(timeout=120_000)
    group.click()
    page.get_by_text("1 rated down").wait_for()
    page.get_by_text("I need to know before I sign up").wait_for()
    page.get_by_text("Closest policy passages").wait_for()
    screenshot(page, "knowledge_gaps")

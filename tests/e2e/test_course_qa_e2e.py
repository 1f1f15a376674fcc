"""Course Q&A in a real browser with the real offline models: a course question, answered with its cited
source from the shipped course notes (follow-ups in one session are covered by the page's AppTest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import REPO_ROOT
from tests.e2e.conftest import screenshot, wait_until_idle

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

# Index build of the course notes, model load and a streamed answer on 2 shared CPU cores.
SLOW = 240_000


def test_course_question_shows_its_cited_source(
    app_server: Callable[..., str], browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    base_url = app_server(
        {
            "COURSE_DIR": str(REPO_ROOT / "data" / "courses"),
            "COURSE_INDEX_DIR": str(tmp_path / "course_index"),
        }
    )
    page.goto(base_url)
    page.get_by_role("link", name="Course Q&A").click()
    page.get_by_role("heading", name="Course Q&A").wait_for()
    wait_until_idle(page)

    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill("What is the context window of a model?")
    chat.press("Enter")

    sources = page.get_by_text("Sources: course_foundation_models.pdf, page", exact=False)
    expect(sources.first).to_be_visible(timeout=SLOW)
    wait_until_idle(page, SLOW)
    screenshot(page, "course_qa")
    assert not page.get_by_test_id("stException").count()

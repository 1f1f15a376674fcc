"""A deep link to a page of a freshly started server still goes through the router (sections, sidebar)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.e2e.conftest import screenshot


def test_first_deep_link_gets_the_router(app_server: Callable[..., str], browser_page: Any) -> None:
    page = browser_page
    page.goto(app_server() + "/status")  # nobody has opened "/" on this server yet
    page.get_by_role("heading", name="Status").wait_for()
    page.get_by_text("Provider: offline (local models)").wait_for()
    sections = page.get_by_test_id("stNavSectionHeader").all_inner_texts()
    assert [s.strip() for s in sections] == ["Assistants", "Generators", "Learn", "Admin"]
    assert page.get_by_role("link", name="app").count() == 0  # no legacy pages/ listing
    screenshot(page, "deep-link-status")

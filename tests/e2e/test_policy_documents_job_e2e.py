"""Policy documents in a real browser: an upload is a background job, so the admin can leave the page.

The admin adds two PDFs and goes to the Status page while the job runs (the first job also loads the
embedding model). Back on Policy documents, both files are indexed and their outcome is shown. When the
upload ran inside the script run, leaving the page stopped it between the two files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, wait_until_idle
from tests.fakes import text_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

SLOW = 240_000


def policy(path: Path, topic: str, pages: int) -> Path:
    path.write_bytes(
        text_pdf(
            *(
                f"{topic} policy, section {n}. Rule {n} of the {topic.lower()} policy applies."
                for n in range(pages)
            ),
            title=f"{topic} Policy",
        )
    )
    return path


def test_an_upload_goes_on_when_the_admin_leaves_the_page(
    app_server: Callable[..., str], browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    files = [policy(tmp_path / "travel.pdf", "Travel", 40), policy(tmp_path / "parking.pdf", "Parking", 40)]
    url = app_server()
    page.goto(f"{url}/policy_documents")
    page.get_by_role("heading", name="Policy documents").wait_for(timeout=60_000)
    wait_until_idle(page)

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(f) for f in files])
    page.get_by_text("parking.pdf", exact=True).first.wait_for()
    page.get_by_role("button", name="Add to index").click()
    # Every admin sees the running job with who started it; this one leaves at once.
    expect(page.get_by_test_id("stProgress")).to_contain_text("An upload of 2 files started by local at")
    page.get_by_role("link", name="Status").click()
    page.get_by_role("heading", name="Status").wait_for()

    page.get_by_role("link", name="Policy documents").click()
    page.get_by_role("heading", name="Policy documents").wait_for()
    for name in ("travel.pdf", "parking.pdf"):
        page.get_by_text(f"{name}: added, 40 pages", exact=False).first.wait_for(timeout=SLOW)
    wait_until_idle(page)
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_contain_text("travel.pdf")
    expect(table).to_contain_text("parking.pdf")
    screenshot(page, "policy-documents-job-finished")

"""The HR Policy Q&A flow in a real browser, with the real offline models (APP_PROVIDER=local).

An HR admin uploads a PDF holding a fact found nowhere else, asks about it, and sees the answer with the
uploaded file and page in the sources panel, then opens the cited page.
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

UPLOAD_NAME = "pet_policy.pdf"
FACT = (
    "Pet Policy. Employees of Acme Workbench Ltd may bring one dog to the office on Fridays. "
    "The monthly pet care allowance is INR 777 per employee, paid with the salary."
)
QUESTION = "How much is the monthly pet care allowance?"
# The offline models run on 2 CPU cores: index build, model load and a streamed answer take a while.
SLOW = 240_000


def make_pet_policy(path: Path) -> Path:
    path.write_bytes(text_pdf(FACT, title="Pet Policy", font_size=12))
    return path


def open_expander(page: Any, label: str) -> Any:
    """Open an expander and make sure it stays open (a rerun that lands right after a click re-renders it)."""
    expander = page.locator('[data-testid="stExpander"]').filter(has_text=label).first
    details = expander.locator("details").first
    for _ in range(5):
        if details.get_attribute("open") is None:
            expander.locator("summary").first.click()
        page.wait_for_timeout(1_000)
        if details.get_attribute("open") is not None:
            return expander
    raise AssertionError(f"the {label!r} expander did not stay open")


def metric(page: Any, label: str) -> Any:
    return page.locator('[data-testid="stMetric"]').filter(has_text=label)


def test_upload_ask_and_see_the_cited_page(
    app_server: Callable[..., str], browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    pdf_path = make_pet_policy(tmp_path / UPLOAD_NAME)
    base_url = app_server()

    page.goto(base_url)
    page.get_by_role("link", name="HR Policy Q&A").click()
    page.get_by_role("heading", name="HR Policy Q&A").wait_for()
    # First start: the index of the shipped sample policies is built, then its statistics are shown.
    expect(metric(page, "Documents")).to_contain_text("4", timeout=SLOW)
    wait_until_idle(page)

    # Uploads live on Admin → Policy documents (AUTH_MODE=none: the local user is an admin).
    page.get_by_role("link", name="Policy documents").click()
    page.get_by_role("heading", name="Policy documents").wait_for()
    wait_until_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(pdf_path))
    page.get_by_text(UPLOAD_NAME, exact=True).first.wait_for()
    page.get_by_role("button", name="Add to index").click()
    # The upload runs as a background job; the page polls it and shows its outcome when it ends.
    page.get_by_text(f"{UPLOAD_NAME}: added, 1 pages", exact=False).wait_for(timeout=SLOW)
    expect(page.get_by_text("An upload of 1 file started by local at")).to_contain_text("finished at")
    wait_until_idle(page)
    page.get_by_role("link", name="HR Policy Q&A").click()
    page.get_by_role("heading", name="HR Policy Q&A").wait_for()
    expect(metric(page, "Documents")).to_contain_text("5")
    wait_until_idle(page)

    chat = page.get_by_test_id("stChatInputTextArea")
    chat.fill(QUESTION)
    chat.press("Enter")

    sources = page.locator('[data-testid="stExpander"]').filter(has_text="Sources (")
    sources.wait_for(timeout=SLOW)
    wait_until_idle(page)
    answer = page.locator('[data-testid="stChatMessage"]').last
    # Whether the model wrote the marker or the answerer credited the source, the uploaded page is cited.
    assert f"[{UPLOAD_NAME}#page=1]" in answer.inner_text()

    sources = open_expander(page, "Sources (")
    top_source = sources.locator('[data-testid="stMarkdownContainer"]').filter(has_text="· score").first
    expect(top_source).to_contain_text(f"{UPLOAD_NAME} · page 1 · score")
    expect(sources.locator('[data-testid="stText"]').first).to_contain_text("INR 777")

    sources.get_by_text(f"Show page 1 of {UPLOAD_NAME}").first.click()
    # st.pdf (the streamlit-pdf component, pdf.js bundled) paints the one-page PDF of the cited page.
    viewer = sources.locator('[data-testid="stBidiComponentIsolated"]').first
    viewer.wait_for(timeout=60_000)
    wait_until_idle(page)
    expect(viewer.locator("canvas").first).to_be_visible(timeout=60_000)
    box = viewer.bounding_box()
    assert box is not None
    assert box["height"] > 300
    page.wait_for_timeout(2_000)  # let pdf.js finish painting before the screenshot
    page.get_by_test_id("stChatMessage").last.evaluate("e => e.scrollIntoView({block: 'start'})")
    shot = screenshot(page, "hr_policy_qa")
    assert shot.stat().st_size > 10_000

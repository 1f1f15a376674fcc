"""AUTH_MODE=local in a real browser: sign-in, roles, the admin document page, history across a restart.

Users are created with the documented CLI (``python -m backend.auth add-user … --password-stdin``)
before the server starts; the app database and the session key live in the test's DATA_DIR.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from backend.auth.service import SIGN_IN_FAILED
from bench._util import start_streamlit, stop, wait_healthy
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import app_env, screenshot, wait_until_idle
from tests.fakes import text_pdf

STAFF_PW = "staff password 123"
ADMIN_PW = "admin password 123"
SLOW = 240_000


def add_user(data_dir: Path, name: str, role: str, password: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "backend.auth", "add-user", name, "--role", role, "--password-stdin"],
        input=password.encode(),
        cwd=REPO_ROOT,
        env={**os.environ, "DATA_DIR": str(data_dir)},
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture
def local_server(app_data_dir: Path, tmp_path: Path) -> Iterator[Callable[[], tuple[str, Any]]]:
    """Factory: start the app in AUTH_MODE=local over one data folder; returns (url, process)."""
    add_user(app_data_dir, "sam", "staff", STAFF_PW)
    add_user(app_data_dir, "hana", "admin", ADMIN_PW)
    procs: list[Any] = []

    def start() -> tuple[str, Any]:
        env = {**app_env(app_data_dir), "AUTH_MODE": "local"}
        log = (tmp_path / f"streamlit-{len(procs)}.log").open("wb")
        proc, url = start_streamlit(env, log=log)
        procs.append(proc)
        wait_healthy(url, proc, 60)
        return url, proc

    yield start
    for proc in procs:
        stop(proc)


def sign_in(page: Any, url: str, name: str, password: str) -> None:
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def ask(page: Any, text: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")


def sidebar(page: Any) -> Any:
    return page.get_by_test_id("stSidebar")


def test_a_wrong_password_gets_the_neutral_sentence(local_server: Any, browser_page: Any) -> None:
    page = browser_page
    url, _ = local_server()
    sign_in(page, url, "sam", "not my password")
    expect(page.get_by_text(SIGN_IN_FAILED)).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("heading", name="Chatbot")).to_have_count(0)
    screenshot(page, "auth-wrong-password")


def test_staff_asks_sees_no_admin_section_gets_admins_only_and_keeps_history_across_a_restart(
    local_server: Any, browser_page: Any
) -> None:
    page = browser_page
    url, first = local_server()
    sign_in(page, url, "sam", STAFF_PW)
    page.get_by_role("heading", name="Chatbot").wait_for(timeout=30_000)
    expect(sidebar(page).get_by_text("Signed in as")).to_contain_text("sam")
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Chatbot")).to_be_visible()
    expect(nav.get_by_text("Admin", exact=True)).to_have_count(0)
    expect(nav.get_by_role("link", name="Policy documents")).to_have_count(0)

    page.get_by_label("System prompt").fill("You are a helpful assistant. Answer in one short sentence.")
    page.get_by_label("System prompt").blur()
    wait_until_idle(page)
    ask(page, "Say hello to the HR team.")
    page.locator('[data-testid="stChatMessageAvatarAssistant"]').first.wait_for(timeout=SLOW)
    wait_until_idle(page, SLOW)
    saved = sidebar(page).get_by_role("button", name="Say hello to the HR team.")
    expect(saved).to_be_visible(timeout=30_000)

    # The admin page's URL gives a staff user the "admins only" page, not the page.
    page.goto(f"{url}/policy_documents")
    page.get_by_role("heading", name="Admins only").wait_for(timeout=30_000)
    expect(page.get_by_text("Policy PDFs")).to_have_count(0)
    screenshot(page, "auth-staff-admins-only")

    # A reload keeps the session (the signed cookie), no new sign-in.
    page.goto(url)
    page.get_by_role("heading", name="Chatbot").wait_for(timeout=30_000)

    # Restart the server over the same data folder: the conversation is still listed, and opens.
    stop(first)
    url2, _ = local_server()
    page.goto(url2)
    if page.get_by_role("button", name="Sign in").count():
        sign_in(page, url2, "sam", STAFF_PW)
    page.get_by_role("heading", name="Chatbot").wait_for(timeout=30_000)
    saved = sidebar(page).get_by_role("button", name="Say hello to the HR team.")
    expect(saved).to_be_visible(timeout=30_000)
    saved.click()
    expect(page.get_by_test_id("stChatMessage").first).to_contain_text("Say hello to the HR team.")
    screenshot(page, "auth-history-after-restart")


def test_an_admin_uploads_a_pdf_and_deletes_it(
    local_server: Any, browser_page: Any, tmp_path: Path, app_data_dir: Path
) -> None:
    page = browser_page
    upload_dir = app_data_dir / "uploads"
    url, _ = local_server()
    pdf = tmp_path / "bike_policy.pdf"
    pdf.write_bytes(text_pdf("Bike Policy. Every employee may park one bicycle.", title="Bikes"))
    sign_in(page, url, "hana", ADMIN_PW)
    page.get_by_role("heading", name="Chatbot").wait_for(timeout=30_000)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Admin", exact=True)).to_be_visible()
    nav.get_by_role("link", name="Policy documents").click()
    page.get_by_role("heading", name="Policy documents").wait_for()
    wait_until_idle(page)

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(pdf))
    page.get_by_text("bike_policy.pdf", exact=True).first.wait_for()
    page.get_by_role("button", name="Add to index").click()
    # A background job: the page polls it and shows its outcome, with who ran it, when it ends.
    page.get_by_text("bike_policy.pdf: added, 1 pages", exact=False).wait_for(timeout=SLOW)
    expect(page.get_by_text("An upload of 1 file started by hana at")).to_contain_text("finished at")
    wait_until_idle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_contain_text("hana")
    screenshot(page, "auth-admin-uploaded")

    page.get_by_role("tab", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    page.get_by_text("bike_policy.pdf deleted", exact=False).wait_for(timeout=SLOW)
    wait_until_idle(page)
    expect(page.get_by_text("No policy documents are indexed yet")).to_be_visible()
    assert not list((upload_dir).glob("*.pdf"))
    screenshot(page, "auth-admin-deleted")

"""The Code & Blog page in a real browser, offline: the real SmolLM2 writes code that is shown and saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from backend.generators.naming import owner_id
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket, pytest.mark.local_model]


def set_max_new_tokens(page: Any, steps_above_minimum: int) -> int:
    """Drive the shared sidebar's slider with the keyboard: Home is 16 tokens, each step adds 16."""
    page.get_by_text("Model and inference settings").click()
    slider = page.get_by_role("slider", name="Max new tokens")
    slider.focus()
    slider.press("Home")
    for _ in range(steps_above_minimum):
        slider.press("ArrowRight")
    slider.blur()
    return int(float(slider.input_value()))


def test_generate_code_offline_and_see_it_saved(
    app_server: Callable[..., str], browser_page: Any, app_data_dir: Path
) -> None:
    page = browser_page
    page.goto(app_server())
    page.get_by_role("heading", name="Chatbot").wait_for()
    # Through the router's navigation, so the shared sidebar is drawn as users see it.
    page.get_by_role("link", name="Code & Blog").click()
    page.get_by_role("heading", name="Code & Blog generator").wait_for()
    # A short answer keeps the test quick on two cores; the page passes the sidebar's value to the API.
    assert set_max_new_tokens(page, 7) == 128

    page.get_by_label("Instructions").fill("Write a Python function add(a, b) that returns a + b.")
    page.get_by_role("button", name="Generate code").click()

    saved = page.get_by_text("Saved to", exact=False).first
    saved.wait_for(timeout=300_000)
    outputs = sorted(
        (app_data_dir / "outputs" / "users" / owner_id("app:local") / "code-output").glob("*.py")
    )
    assert len(outputs) == 1
    assert outputs[0].name.endswith("_write-a-python-function-add-a-b-that-returns-a-b.py")
    code = outputs[0].read_text()
    assert code.strip()
    first_line = next(line for line in code.splitlines() if line.strip())
    code_block = page.get_by_test_id("stCode").first
    assert first_line.strip() in code_block.inner_text()
    assert outputs[0].name in saved.inner_text()
    screenshot(page, "code_generator")
    # The history lists the file that was just written: its path shows under "Saved to" and under History.
    paths = page.locator("code", has_text=outputs[0].name)
    page.wait_for_function(
        "name => [...document.querySelectorAll('code')].filter(c => c.innerText.includes(name)).length >= 2",
        arg=outputs[0].name,
    )
    assert paths.count() == 2


def test_summarizer_upload_fills_the_text_box_and_refuses_binary_files(
    app_server: Callable[..., str], browser_page: Any, tmp_path: Path
) -> None:
    page = browser_page
    page.goto(app_server())
    page.get_by_role("heading", name="Chatbot").wait_for()
    page.get_by_role("link", name="Summarizer").click()
    page.get_by_role("heading", name="Summarizer").wait_for()

    binary = tmp_path / "dump.log"
    binary.write_bytes(b"\xff\xfe\x00\x81 not utf-8")
    page.locator("input[type=file]").set_input_files(str(binary))
    page.get_by_text("dump.log is not UTF-8 text").wait_for()
    assert page.get_by_label("Text to summarise").input_value() == ""

    log = tmp_path / "shift.log"
    log.write_text(
        "07:15 Gearbox oil temperature 74 C.\n10:10 Replaced cooler fan 2 motor.\n", encoding="utf-8"
    )
    page.locator("input[type=file]").set_input_files(str(log))
    box = page.get_by_label("Text to summarise")
    page.wait_for_function("box => box.value.includes('Gearbox')", arg=box.element_handle())
    assert page.get_by_text("is not UTF-8 text").count() == 0
    screenshot(page, "summarizer_upload")


def test_poster_page_explains_offline_mode_up_front(
    app_server: Callable[..., str], browser_page: Any
) -> None:
    page = browser_page
    page.goto(app_server())
    page.get_by_role("heading", name="Chatbot").wait_for()
    page.get_by_role("link", name="Movie poster").click()
    page.get_by_role("heading", name="Movie poster").wait_for()
    page.get_by_text("Image generation needs Amazon Bedrock").wait_for()
    assert page.get_by_role("button", name="Generate poster").count() == 0
    screenshot(page, "poster_offline")

"""AppTest of the Summarizer page over the real in-process API with a fake chat model."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from backend.generators.naming import owner_id
from backend.settings import Settings
from tests.conftest import REPO_ROOT
from tests.generators.fakes import fake_api_client

PAGE = "pages/summarizer.py"
SAMPLE = REPO_ROOT / "data" / "samples" / "turbine_log.txt"


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_sample_log_is_summarised_in_the_chosen_number_of_lines(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    reply = (
        "- T-07's gearbox overheated because cooler fan 2 seized.\n- The fan motor was replaced.\n- Extra."
    )
    client, factory = fake_api_client(app_settings, reply)
    at = open_page(PAGE, {"settings": app_settings, "api_client": client})
    assert at.title[0].value == "Summarizer"

    click(at, "Sample turbine log")
    assert at.text_area(key="summary_text").value == SAMPLE.read_text(encoding="utf-8")
    at.number_input[0].set_value(2)
    click(at, "Summarise")

    assert not at.exception
    assert not at.error
    assert "exactly 2 short lines" in factory.prompts[0][1].text
    assert "cooler fan 2 motor seized" in factory.prompts[0][1].text
    shown = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert shown == [
        "- T-07's gearbox overheated because cooler fan 2 seized.",
        "- The fan motor was replaced.",
    ]
    saved = next(c.value for c in at.caption if c.value.startswith("Saved to"))
    path = app_settings.output_dir / saved.split("`")[1].removeprefix("OUTPUT_DIR/")
    assert path.parent == app_settings.output_dir / "users" / owner_id("app:local") / "summary-output"
    assert path.read_text().splitlines() == [
        "T-07's gearbox overheated because cooler fan 2 seized.",
        "The fan motor was replaced.",
    ]


def test_pasted_text_and_line_count_reach_the_api(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    client, factory = fake_api_client(app_settings, "One.\nTwo.\nThree.\nFour.")
    at = open_page(PAGE, {"settings": app_settings, "api_client": client})
    at.text_area(key="summary_text").input("The pump failed at 09:00 and was fixed by 11:00.")
    at.number_input[0].set_value(3)
    click(at, "Summarise")
    assert "exactly 3 short lines" in factory.prompts[0][1].text
    assert [m.value for m in at.markdown if m.value.startswith("- ")] == ["- One.", "- Two.", "- Three."]


def test_nothing_to_summarise_is_a_warning_not_a_call(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    client, factory = fake_api_client(app_settings)
    at = open_page(PAGE, {"settings": app_settings, "api_client": client})
    click(at, "Summarise")
    assert at.warning[0].value.startswith("Paste some text")
    assert factory.prompts == []


def test_too_long_for_the_offline_model_is_one_clear_error_and_the_text_stays(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    from backend.api_client import GeneratorApiClient
    from backend.generators.service import GeneratorService
    from backend.generators.storage import LocalStorage
    from serverless.app import create_app
    from tests.generators.fakes import ModelFactory

    service = GeneratorService(
        app_settings,
        chat_model_factory=ModelFactory([]),
        storage=LocalStorage(app_settings.output_dir),
        context_tokens=600,
    )
    client = GeneratorApiClient.in_process(create_app(app_settings, generator_service=service))
    at = open_page(PAGE, {"settings": app_settings, "api_client": client})
    text = "sensor reading normal " * 400
    at.text_area(key="summary_text").input(text)
    click(at, "Summarise")
    assert not at.exception
    assert "too long for the offline model" in at.error[0].value
    assert at.text_area(key="summary_text").value == text

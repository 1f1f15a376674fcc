from __future__ import annotations

import json
import re
from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from backend.lab.variants import EXPORT_FORMAT
from backend.settings import Settings
from tests.fakes import metered_fake_chat_model

FIGURES = re.compile(
    r"SmolLM2-135M-Instruct · first token [\d.]+ s · total [\d.]+ s · 12 in / \d+ out tokens · \$0"
)


def test_compare_two_variants_shows_each_prompt_output_and_figures(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    model = metered_fake_chat_model("A light T-shirt for sunny days.", "Soft cotton, navy, made to last.")
    at = open_page("pages/prompt_lab.py", {"settings": app_settings, "chat_model": model})
    assert at.title[0].value == "Prompt lab"
    assert "135M" in at.info[0].value
    assert "not production quality" in at.info[0].value

    prompts = [c.value for c in at.code]
    assert len(prompts) == 2
    zero, few = prompts
    assert "Boho" not in zero  # variant A is zero-shot
    assert zero.endswith("Product: Unisex organic cotton T-shirt, crew neck, navy\nDescription:")
    assert few.count("Product:") == 4  # three examples and the query

    at.text_input(key="lab0_var_product_description_product").set_value("Linen shirt").run()
    assert at.code[0].value.endswith("Product: Linen shirt\nDescription:")

    next(b for b in at.button if b.label == "Run compare").click().run()
    assert not at.exception
    assert model.calls == 2
    outputs = [t.value for t in at.text]
    assert outputs == ["A light T-shirt for sunny days.", "Soft cotton, navy, made to last."]
    figures = [c.value for c in at.caption if FIGURES.search(c.value)]
    assert len(figures) == 2

    at.run()  # a rerun shows the results again without calling the model
    assert model.calls == 2
    assert [t.value for t in at.text] == outputs


def test_one_shot_picks_the_chosen_example_and_three_variants_fit(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    at = open_page("pages/prompt_lab.py", {"settings": app_settings, "chat_model": metered_fake_chat_model()})
    at.radio(key="lab0_shots_product_description").set_value("one").run()
    at.selectbox(key="lab0_one_product_description").set_value("Camp Director Crossbody Bag").run()
    prompt = at.code[0].value
    assert "Camp Director Crossbody Bag" in prompt
    assert "Boho" not in prompt
    at.button_group(key="lab_count").set_value(3).run()
    assert len(at.code) == 3
    assert "I don't know" in at.code[2].value


def test_a_blank_variable_is_one_sentence_and_the_other_variant_still_runs(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    model = metered_fake_chat_model("Variant A ran.")
    at = open_page("pages/prompt_lab.py", {"settings": app_settings, "chat_model": model})
    at.text_input(key="lab1_var_product_description_product").set_value("   ").run()
    assert at.warning[0].value == "Fill in “Product”: the prompt uses it."
    next(b for b in at.button if b.label == "Run compare").click().run()
    assert not at.exception
    assert model.calls == 1
    assert [t.value for t in at.text] == ["Variant A ran."]
    assert [e.value for e in at.error] == ["Fill in “Product”: the prompt uses it."]


def test_import_fills_the_editors_and_a_bad_file_changes_nothing(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    at = open_page("pages/prompt_lab.py", {"settings": app_settings, "chat_model": metered_fake_chat_model()})
    at.file_uploader(key="lab_import").set_value(("bad.json", b"{}", "application/json"))
    before = at.code[0].value
    next(b for b in at.button if b.label == "Load into the lab").click().run()
    assert "bad.json: The file is not a prompt-lab export" in at.error[0].value
    assert at.code[0].value == before

    doc = {
        "format": EXPORT_FORMAT,
        "variants": [{"template_id": "role_email", "values": {"role": "a pirate"}, "name": "pirate"}],
    }
    at.file_uploader(key="lab_import").set_value(("mine.json", json.dumps(doc).encode(), "application/json"))
    next(b for b in at.button if b.label == "Load into the lab").click().run()
    assert not at.exception
    assert len(at.code) == 1
    assert at.code[0].value.startswith("Please write a short email in the voice of a pirate.")
    assert at.text_input(key="lab0_name").value == "pirate"


def test_save_a_variant_reload_it_into_another_column_and_record_usage_once_per_call(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    from datetime import UTC, datetime

    from backend.appdb.sqlite import SqliteStore
    from backend.appdb.usage import UsageLog

    store = SqliteStore(app_settings.data_dir / "app.db")
    model = metered_fake_chat_model("one", "two")
    at = open_page("pages/prompt_lab.py", {"settings": app_settings, "chat_model": model, "app_store": store})
    at.text_input(key="lab0_var_product_description_product").set_value("Rain jacket").run()
    at.text_input(key="lab0_name").set_value("jacket zero-shot").run()
    at.button(key="lab0_save").click().run()
    assert at.success[0].value == "Saved “jacket zero-shot”."

    at.selectbox(key="lab_saved_choice").set_value("jacket zero-shot").run()
    at.button(key="lab_load_1").click().run()
    assert at.code[1].value == at.code[0].value
    assert at.code[1].value.endswith("Product: Rain jacket\nDescription:")

    next(b for b in at.button if b.label == "Run compare").click().run()
    at.run()
    today = datetime.now(UTC).date()
    usage = UsageLog(store).between(today, today)
    assert model.calls == 2
    assert [(u.page, u.user, u.outcome) for u in usage] == [("Prompt lab", "local", "ok")] * 2

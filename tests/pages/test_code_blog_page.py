"""AppTest of the Code & Blog page over the real in-process API with a fake chat model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from botocore.exceptions import ClientError
from streamlit.testing.v1 import AppTest

from backend.auth.identity import Identity
from backend.generators.naming import owner_id
from backend.settings import Settings
from tests.generators.fakes import fake_api_client

PAGE = "pages/code_blog.py"


def submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_generates_highlighted_code_saves_it_and_lists_it_in_history(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    client, factory = fake_api_client(app_settings, "Sure:\n```javascript\nconst bs = (a, x) => -1;\n```")
    at = open_page(PAGE, {"settings": app_settings, "api_client": client})
    assert at.title[0].value == "Code & Blog generator"
    assert "Nothing generated yet." in [c.value for c in at.caption]

    at.selectbox(key="code_language").set_value("javascript")
    at.text_area(key="code_instructions").input("implement binary search")
    submit(at, "Generate code")

    assert not at.exception
    assert not at.error
    assert at.code[0].value.rstrip() == "const bs = (a, x) => -1;"
    assert at.code[0].language == "javascript"
    saved = next(c.value for c in at.caption if c.value.startswith("Saved to"))
    # The API names the output by its storage key, never by a server path.
    saved_path = app_settings.output_dir / saved.split("`")[1].removeprefix("OUTPUT_DIR/")
    assert saved_path.read_text() == "const bs = (a, x) => -1;\n"
    assert saved_path.suffix == ".js"
    assert saved_path.parent == app_settings.output_dir / "users" / owner_id("app:local") / "code-output"
    downloads = at.get("download_button")
    assert [d.proto.label for d in downloads] == [f"Download {saved_path.name}"]
    # The sidebar's parameters reached the model.
    assert factory.params[-1].max_tokens == 512
    # The history lists the new file and shows its content.
    history = at.selectbox(key="code_history").value
    assert history is not None
    assert history.name == saved_path.name
    assert at.code[1].value.rstrip() == "const bs = (a, x) => -1;"
    # The instructions stay in the form for the next attempt.
    assert at.text_area(key="code_instructions").value == "implement binary search"


def test_writes_a_blog_and_counts_its_words(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    blog = " ".join(["Wind"] * 200)
    client, factory = fake_api_client(app_settings, blog)
    at = open_page(PAGE, {"settings": app_settings, "api_client": client})
    at.text_input(key="blog_topic").input("Wind power for small towns")
    submit(at, "Write a 200-word blog")

    assert not at.exception
    assert "Wind power for small towns" in factory.prompts[0][1].text
    assert any(m.value == blog for m in at.markdown)
    assert any(c.value.startswith("200 words · Saved to") for c in at.caption)
    chosen = at.selectbox(key="blog_history").value
    assert chosen is not None
    assert chosen.name.endswith("_wind-power-for-small-towns.txt")


def test_a_bedrock_failure_is_one_sentence_and_keeps_the_input(
    open_page: Callable[..., AppTest], tmp_path: Path
) -> None:
    settings = Settings(APP_PROVIDER="bedrock", OUTPUT_DIR=tmp_path / "outputs")
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "Converse")
    client, _ = fake_api_client(settings, throttled)
    at = open_page(PAGE, {"settings": settings, "api_client": client})
    at.text_area(key="code_instructions").input("parse a CSV file")
    submit(at, "Generate code")

    assert not at.exception
    assert len(at.error) == 1
    assert "throttling" in at.error[0].value
    assert at.text_area(key="code_instructions").value == "parse a CSV file"
    assert not at.code
    assert not (tmp_path / "outputs").exists()


def test_empty_instructions_are_not_sent(open_page: Callable[..., AppTest], app_settings: Settings) -> None:
    client, factory = fake_api_client(app_settings)
    at = open_page(PAGE, {"settings": app_settings, "api_client": client})
    submit(at, "Generate code")
    assert at.warning[0].value == "Describe what the code should do."
    assert factory.prompts == []


def test_outputs_belong_to_the_signed_in_user_and_others_never_see_them(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    client, _ = fake_api_client(app_settings, "```python\nprint('ana')\n```")
    ana = open_page(
        PAGE, {"settings": app_settings, "api_client": client, "identity": Identity("ana", "staff")}
    )
    ana.text_area(key="code_instructions").input("print my name")
    submit(ana, "Generate code")
    shown = next(c.value for c in ana.caption if c.value.startswith("Saved to")).split("`")[1]
    saved = app_settings.output_dir / shown.removeprefix("OUTPUT_DIR/")  # a storage key, not a path
    assert saved.parent == app_settings.output_dir / "users" / owner_id("app:ana") / "code-output"
    assert saved.is_file()

    bo = open_page(
        PAGE, {"settings": app_settings, "api_client": client, "identity": Identity("bo", "staff")}
    )
    assert not bo.exception
    assert "Nothing generated yet." in [c.value for c in bo.caption]  # Ana's file is not in Bo's history

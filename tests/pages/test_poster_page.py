"""AppTest of the Movie poster page: the offline notice up front, and a Bedrock poster (Stubber)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber
from streamlit.testing.v1 import AppTest

from backend.generators.images import PNG_SIGNATURE
from backend.settings import Settings
from tests.generators.fakes import fake_api_client

PAGE = "pages/poster.py"
# A real 1x1 PNG, so st.image can show it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_offline_says_up_front_that_posters_need_bedrock(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    client, _ = fake_api_client(app_settings)
    at = open_page(PAGE, {"settings": app_settings, "api_client": client})
    assert not at.exception
    assert at.title[0].value == "Movie poster"
    assert "Image generation needs Amazon Bedrock" in at.info[0].value
    assert not [b for b in at.button if b.label == "Generate poster"]  # no form to fill in vain


def test_bedrock_poster_is_shown_with_the_values_used(
    open_page: Callable[..., AppTest], tmp_path: Path, runtime: tuple[Any, Stubber]
) -> None:
    assert PNG.startswith(PNG_SIGNATURE)
    client, stubber = runtime
    raw = json.dumps({"images": [base64.b64encode(PNG).decode()]}).encode()
    stubber.add_response(
        "invoke_model",
        {"body": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": "application/json"},
        {
            "modelId": "amazon.nova-canvas-v1:0",
            "body": ANY,
            "contentType": "application/json",
            "accept": "application/json",
        },
    )
    settings = Settings(APP_PROVIDER="bedrock", OUTPUT_DIR=tmp_path / "outputs")
    api, _ = fake_api_client(settings, image_client=client)
    at = open_page(PAGE, {"settings": settings, "api_client": api})
    assert not at.info
    at.text_area(key="poster_prompt").input("A lighthouse keeper's cat sailing through a storm")
    at.slider[0].set_value(20.0)
    at.number_input[0].set_value(42)
    next(b for b in at.button if b.label == "Generate poster").click()
    at.run()

    assert not at.exception
    assert not at.error
    stubber.assert_no_pending_responses()
    images = at.get("image")
    assert len(images) == 1
    captions = [c.value for c in at.caption]
    assert any(c == "cfg_scale 20 is outside amazon-nova-canvas's range 1.1–10; used 10." for c in captions)
    saved = next(c for c in captions if c.startswith("Saved to"))
    assert (tmp_path / "outputs" / saved.split("`")[1].removeprefix("OUTPUT_DIR/")).read_bytes() == PNG
    figures = next(c for c in captions if "tokens" in c)
    assert figures.startswith("amazon.nova-canvas-v1:0 · total ")
    assert figures.endswith(" s · 0 in / 0 out tokens · 1 image · $0.04")
    assert [d.proto.label for d in at.get("download_button")] == ["Download PNG"]


def test_a_blocked_prompt_is_one_clear_error(
    open_page: Callable[..., AppTest], tmp_path: Path, runtime: tuple[Any, Stubber]
) -> None:
    client, stubber = runtime
    stubber.add_client_error(
        "invoke_model",
        service_error_code="ValidationException",
        service_message="This request has been blocked by our content filters.",
        http_status_code=400,
    )
    settings = Settings(APP_PROVIDER="bedrock", OUTPUT_DIR=tmp_path / "outputs")
    api, _ = fake_api_client(settings, image_client=client)
    at = open_page(PAGE, {"settings": settings, "api_client": api})
    at.text_area(key="poster_prompt").input("something the filter blocks")
    next(b for b in at.button if b.label == "Generate poster").click()
    at.run()
    assert "blocked by our content filters" in at.error[0].value
    assert at.text_area(key="poster_prompt").value == "something the filter blocks"

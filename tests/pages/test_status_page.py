from __future__ import annotations

from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from backend.settings import Settings


def test_bedrock_without_credentials_says_what_is_missing(open_page: Callable[..., AppTest]) -> None:
    cfg = Settings(APP_PROVIDER="bedrock", AWS_REGION="eu-central-1")
    at = open_page("pages/status.py", {"settings": cfg})
    assert not at.exception
    assert at.title[0].value == "Status"
    table = at.table[0].value
    assert "bedrock" in table.to_string()
    assert "eu-central-1" in table.to_string()
    assert len(at.error) == 1
    assert "No AWS credentials were found" in at.error[0].value
    assert "aws configure" in at.error[0].value


@pytest.mark.local_model
def test_local_status_shows_model_files_and_load_time(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    at = open_page("pages/status.py", {"settings": app_settings}, timeout=120)
    assert not at.exception
    assert len(at.success) == 2
    assert "SmolLM2-135M-Instruct" in at.success[0].value
    assert at.metric[0].label == "Chat model load time"
    assert at.metric[0].value.endswith(" s")


def test_invalid_setting_stops_start_up_with_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import REPO_ROOT

    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.setenv("APP_PROVIDER", "azure")
    at = AppTest.from_file(str(REPO_ROOT / "app.py")).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "APP_PROVIDER" in at.error[0].value

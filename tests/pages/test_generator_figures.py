"""The generator pages show each result's figures and record one usage row per generation."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from streamlit.testing.v1 import AppTest

from backend.appdb.sqlite import SqliteStore
from backend.appdb.usage import UsageLog
from backend.settings import Settings
from tests.generators.fakes import fake_api_client, with_usage


def test_code_result_figures_and_one_usage_record(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    store = SqliteStore(app_settings.data_dir / "app.db")
    client, _ = fake_api_client(app_settings, with_usage("```python\nprint(1)\n```", 80, 9))
    at = open_page("pages/code_blog.py", {"settings": app_settings, "api_client": client, "app_store": store})
    at.text_area(key="code_instructions").input("print one")
    next(b for b in at.button if b.label == "Generate code").click().run()
    at.run()  # a rerun shows the result again; it is not a new call
    assert not at.exception
    figures = [c.value for c in at.caption if "tokens" in c.value]
    assert len(figures) == 1
    assert re.fullmatch(r"SmolLM2-135M-Instruct · total \d+\.\d\d s · 80 in / 9 out tokens · \$0", figures[0])
    today = datetime.now(UTC).date()
    rows = UsageLog(store).between(today, today)
    assert [(r.page, r.model, r.input_tokens, r.output_tokens) for r in rows] == [
        ("Code & Blog", "SmolLM2-135M-Instruct", 80, 9)
    ]


def test_summary_figures_and_one_usage_record(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    store = SqliteStore(app_settings.data_dir / "app.db")
    client, _ = fake_api_client(app_settings, with_usage("Short.\nDone.", 50, 4))
    at = open_page(
        "pages/summarizer.py", {"settings": app_settings, "api_client": client, "app_store": store}
    )
    at.text_area(key="summary_text").input("A long text about turbines.")
    next(b for b in at.button if b.label == "Summarise").click().run()
    at.run()
    assert any(c.value.endswith("50 in / 4 out tokens · $0") for c in at.caption)
    today = datetime.now(UTC).date()
    assert [r.page for r in UsageLog(store).between(today, today)] == ["Summarizer"]

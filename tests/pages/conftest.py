from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from backend.settings import Settings
from tests.conftest import REPO_ROOT
from ui.resources import OVERRIDES_KEY

APP = str(REPO_ROOT / "app.py")


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    """Offline settings whose data folders live in the test's own tmp dir."""
    return Settings(
        APP_PROVIDER="local",
        DATA_DIR=tmp_path / "data",
        INDEX_DIR=tmp_path / "data" / "index",
        UPLOAD_DIR=tmp_path / "data" / "uploads",
        OUTPUT_DIR=tmp_path / "data" / "outputs",
    )


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., AppTest]:
    """Run the real router, then switch to ``page`` with ``overrides`` injected as resources.

    Unless a test passes its own ``app_store``, the app database is a SQLite file in the test's tmp dir,
    so no test writes into the repository's data/ folder.
    """
    monkeypatch.chdir(REPO_ROOT)

    def _open(page: str, overrides: dict[str, Any] | None = None, timeout: float = 30) -> AppTest:
        from backend.appdb.sqlite import SqliteStore

        at = AppTest.from_file(APP, default_timeout=timeout)
        if overrides is not None:
            overrides.setdefault("app_store", SqliteStore(tmp_path / "pages-app.db"))
            at.session_state[OVERRIDES_KEY] = overrides
        at.run()
        assert not at.exception, at.exception
        at.switch_page(page)
        at.run()
        return at

    return _open

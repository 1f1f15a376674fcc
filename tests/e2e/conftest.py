"""Real-browser fixtures: the app served by ``streamlit run`` and Debian's chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench._util import CHROMIUM, chromium_page, start_streamlit, stop, wait_healthy
from tests.conftest import REPO_ROOT

ARTIFACTS = REPO_ROOT / "artifacts"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.enable_socket)


@pytest.fixture
def app_data_dir(tmp_path: Path) -> Path:
    """A data folder with the shipped sample policies, so tests never touch the repo's own data/."""
    data = tmp_path / "data"
    policies = REPO_ROOT / "data" / "policies"
    if policies.is_dir():
        shutil.copytree(policies, data / "policies", ignore=shutil.ignore_patterns("src"))
    else:
        (data / "policies").mkdir(parents=True)
    return data


def app_env(data: Path) -> dict[str, str]:
    """The offline app over one data folder (every folder setting points inside it)."""
    return {
        "APP_PROVIDER": "local",
        "DATA_DIR": str(data),
        "INDEX_DIR": str(data / "index"),
        "UPLOAD_DIR": str(data / "uploads"),
        "OUTPUT_DIR": str(data / "outputs"),
    }


@pytest.fixture
def app_server(app_data_dir: Path, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Factory: start ``streamlit run app.py`` headless on a free port with extra env; returns the URL."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(env: dict[str, str] | None = None, timeout: float = 60) -> str:
        data = app_env(app_data_dir)
        log = (tmp_path / f"streamlit-{len(procs)}.log").open("wb")
        proc, url = start_streamlit({**data, **(env or {})}, log=log)
        procs.append(proc)
        wait_healthy(url, proc, timeout)
        return url

    yield start
    for proc in procs:
        stop(proc)


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does this)")
    with chromium_page(timeout_ms=60_000) as page:
        yield page


def wait_until_idle(page: Any, timeout_ms: float = 180_000) -> None:
    """Wait until Streamlit has started and then finished the script run the last action triggered."""
    app = page.get_by_test_id("stApp")
    # The run may already be over (fast pages); then the next wait returns at once.
    with contextlib.suppress(Exception):
        page.locator('[data-testid="stApp"][data-test-script-state="running"]').wait_for(timeout=3_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=timeout_ms,
    )
    app.wait_for()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under the git-ignored artifacts/ folder."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

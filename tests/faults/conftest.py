"""The fault-injection suite: every test here is marked ``faults`` (``pytest -m faults`` runs them)."""

from __future__ import annotations

import os

import pytest

# The page fixtures (the real router with injected fakes) serve the fault cases that show a page.
from tests.pages.conftest import app_settings, open_page  # noqa: F401


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.faults)

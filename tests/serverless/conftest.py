from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from backend.generators.naming import owner_id
from backend.generators.service import GeneratorService
from backend.generators.storage import LocalStorage
from backend.settings import Settings
from serverless.app import create_app
from tests.generators.fakes import ModelFactory

NOW = datetime(2025, 1, 21, 22, 0, 5, 123000, tzinfo=UTC)
# The in-process/loopback API (API_AUTH=none) acts for the user the caller names.
AS_ANA = {"X-Workbench-User": "ana"}
ANA = owner_id("app:ana")


@pytest.fixture
def local_settings(tmp_path: Path) -> Settings:
    return Settings(APP_PROVIDER="local", OUTPUT_DIR=tmp_path / "outputs", DATA_DIR=tmp_path / "data")


@pytest.fixture
def fake_api(local_settings: Settings) -> Callable[..., tuple[TestClient, ModelFactory]]:
    """The real app over a service whose chat model is a fake answering ``replies`` in order."""

    def _make(*replies: Any, raise_server_exceptions: bool = True) -> tuple[TestClient, ModelFactory]:
        factory = ModelFactory(replies)
        service = GeneratorService(
            local_settings,
            chat_model_factory=factory,
            storage=LocalStorage(local_settings.output_dir),
            clock=lambda: NOW,
        )
        app = create_app(local_settings, generator_service=service)
        return TestClient(app, raise_server_exceptions=raise_server_exceptions, headers=AS_ANA), factory

    return _make

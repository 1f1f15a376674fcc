"""One suite, two engines: every test that takes ``store`` runs on SQLite (tmp_path) and DynamoDB (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from backend.appdb.dynamodb import DynamoStore, create_table
from backend.appdb.sqlite import SqliteStore
from backend.appdb.store import AppStore

TABLE = "workbench-app-test"


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path, aws_credentials: None) -> Iterator[AppStore]:
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "app.db")
        yield sqlite
        sqlite.close()
        return
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, TABLE)
        yield DynamoStore(client, TABLE)

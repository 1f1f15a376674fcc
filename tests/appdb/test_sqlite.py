"""What only the SQLite engine has: a file under DATA_DIR, WAL, migrations versioned in code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from backend.appdb import open_store
from backend.appdb.dynamodb import DynamoStore
from backend.appdb.sqlite import SCHEMA_VERSION, SqliteStore
from backend.appdb.store import Item, StoreError
from backend.settings import Settings


def test_the_default_engine_is_a_wal_sqlite_file_under_data_dir(tmp_path: Path) -> None:
    store = open_store(Settings(DATA_DIR=tmp_path / "data"))
    assert isinstance(store, SqliteStore)
    assert store.path == tmp_path / "data" / "app.db"
    assert store.journal_mode() == "wal"
    assert store.schema_version() == SCHEMA_VERSION


def test_app_table_selects_dynamodb(tmp_path: Path) -> None:
    client = object()
    store = open_store(Settings(DATA_DIR=tmp_path, APP_TABLE="tbl"), dynamodb_client=client)
    assert isinstance(store, DynamoStore)
    assert store.table == "tbl"
    assert not (tmp_path / "app.db").exists()


def test_data_survives_reopening_and_migrations_run_once(tmp_path: Path) -> None:
    first = SqliteStore(tmp_path / "app.db")
    first.put(Item("P", "a", {"v": 1}))
    first.close()
    second = SqliteStore(tmp_path / "app.db")
    assert second.migrate() == SCHEMA_VERSION  # already current: nothing re-run
    assert second.get("P", "a") == Item("P", "a", {"v": 1})


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version of the app"):
        SqliteStore(path)


def test_two_connections_see_each_others_writes(tmp_path: Path) -> None:
    # Two app processes (or the CLI beside the app) share one file.
    a = SqliteStore(tmp_path / "app.db")
    b = SqliteStore(tmp_path / "app.db")
    a.put(Item("P", "a", {"v": 1}))
    assert b.get("P", "a") == Item("P", "a", {"v": 1})

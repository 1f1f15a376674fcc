"""Both account stores behind one interface: SQLite on disk, DynamoDB through moto; and the seed CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from backend.banking.accounts import SEED_ACCOUNTS, Account, AccountStore, AccountTableMissingError
from backend.banking.cli import main
from backend.banking.dynamodb_store import DynamoDBAccountStore
from backend.banking.sqlite_store import SQLiteAccountStore
from backend.banking.stores import build_account_store
from backend.settings import Settings


@pytest.fixture
def dynamodb(aws_credentials: None) -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("dynamodb", region_name="us-east-1")


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> AccountStore:
    if request.param == "sqlite":
        return SQLiteAccountStore(tmp_path / "banking" / "accounts.sqlite3")
    client = request.getfixturevalue("dynamodb")
    return DynamoDBAccountStore(client, "customerAccountStatus")


def test_seeded_store_returns_the_course_rows(store: AccountStore) -> None:
    assert store.seed() == 3
    assert store.get("5555") == Account("5555", "John", "Active", "Active")
    assert store.get("6666") == Account("6666", "Thomas", "Pending", "InvalidIdentification")
    assert store.get("7777") == Account("7777", "Manju", "Pending", "InvalidAddressProof")


def test_unknown_id_is_none(store: AccountStore) -> None:
    store.seed()
    assert store.get("1234") is None


def test_seeding_twice_keeps_one_row_per_account(store: AccountStore) -> None:
    store.seed()
    store.seed((Account("7777", "Manju", "Active", "Active"),))
    assert store.get("7777") == Account("7777", "Manju", "Active", "Active")
    assert store.get("5555") is not None


def test_missing_table_is_one_sentence(store: AccountStore) -> None:
    with pytest.raises(AccountTableMissingError) as info:
        store.get("7777")
    message = str(info.value)
    assert message.count(". ") == 0
    assert message.endswith(".")
    assert "python -m backend.banking seed" in message


def test_dynamodb_missing_table_names_the_table_and_region(dynamodb: Any) -> None:
    with pytest.raises(AccountTableMissingError, match=r"'accounts-x' does not exist in us-east-1"):
        DynamoDBAccountStore(dynamodb, "accounts-x").get("5555")


def test_dynamodb_items_use_the_course_attribute_names(dynamodb: Any) -> None:
    DynamoDBAccountStore(dynamodb, "customerAccountStatus").seed()
    item = dynamodb.get_item(TableName="customerAccountStatus", Key={"AccountID": {"S": "6666"}})["Item"]
    assert item == {
        "AccountID": {"S": "6666"},
        "AccountName": {"S": "Thomas"},
        "AccountStatus": {"S": "Pending"},
        "Reason": {"S": "InvalidIdentification"},
    }
    table = dynamodb.describe_table(TableName="customerAccountStatus")["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_factory_picks_the_configured_store(tmp_path: Path, dynamodb: Any) -> None:
    offline = build_account_store(Settings(DATA_DIR=tmp_path))
    assert isinstance(offline, SQLiteAccountStore)
    assert offline.path == tmp_path / "banking" / "accounts.sqlite3"
    cloud = build_account_store(
        Settings(BANKING_STORE="dynamodb", BANKING_TABLE="bank-accounts"), dynamodb_client=dynamodb
    )
    assert isinstance(cloud, DynamoDBAccountStore)
    assert cloud.table == "bank-accounts"


def test_cli_seed_creates_the_offline_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    assert main(["seed"]) == 0
    out = capsys.readouterr().out
    assert f"Seeded 3 accounts into SQLite file {tmp_path / 'data' / 'banking' / 'accounts.sqlite3'}." in out
    assert "7777  Manju    Pending  InvalidAddressProof" in out
    assert (
        SQLiteAccountStore(tmp_path / "data" / "banking" / "accounts.sqlite3").get("7777") == SEED_ACCOUNTS[2]
    )


def test_cli_seed_dynamodb_creates_the_table(dynamodb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "--store", "dynamodb", "--table", "accounts-cli"], dynamodb_client=dynamodb) == 0
    assert "Seeded 3 accounts into DynamoDB table accounts-cli in us-east-1." in capsys.readouterr().out
    assert DynamoDBAccountStore(dynamodb, "accounts-cli").get("5555") == SEED_ACCOUNTS[0]


def test_cli_bad_setting_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BANKING_STORE", "postgres")
    assert main(["seed"]) == 2
    assert capsys.readouterr().out.startswith("Invalid configuration: BANKING_STORE")

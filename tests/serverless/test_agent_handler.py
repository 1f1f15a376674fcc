"""The action-group Lambda over recorded agent events, against SQLite and DynamoDB (moto)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import jsonschema
import pytest
from moto import mock_aws

from backend.banking.accounts import Account, AccountStore
from backend.banking.dynamodb_store import DynamoDBAccountStore
from backend.banking.sqlite_store import SQLiteAccountStore
from serverless.agent import handler as lambda_module
from serverless.agent.handler import INVALID_ID_MESSAGE, create_resolver, handle
from tests.agent_format import assert_agent_response
from tests.conftest import REPO_ROOT

EVENTS = REPO_ROOT / "tests" / "events"


def load_event(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    return event


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AccountStore]:
    if request.param == "sqlite":
        sqlite = SQLiteAccountStore(tmp_path / "accounts.sqlite3")
        sqlite.seed()
        yield sqlite
        return
    request.getfixturevalue("aws_credentials")
    with mock_aws():
        dynamo = DynamoDBAccountStore(
            boto3.client("dynamodb", region_name="us-east-1"), "customerAccountStatus"
        )
        dynamo.seed()
        yield dynamo


def resolve(store: AccountStore, event: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    response = handle(event, store)
    assert_agent_response(response)
    body = json.loads(response["response"]["responseBody"]["application/json"]["body"])
    return response, body


@pytest.mark.parametrize(
    ("event_name", "status", "body"),
    [
        (
            "agent_account_status_7777",
            200,
            {
                "accountId": "7777",
                "accountName": "Manju",
                "accountStatus": "Pending",
                "reason": "InvalidAddressProof",
            },
        ),
        (
            "agent_account_status_5555",
            200,
            {"accountId": "5555", "accountName": "John", "accountStatus": "Active", "reason": "Active"},
        ),
        ("agent_account_status_unknown", 404, {"message": "There is no account with that ID (1234)."}),
        ("agent_account_status_invalid_id", 400, {"message": INVALID_ID_MESSAGE}),
    ],
)
def test_recorded_events(store: AccountStore, event_name: str, status: int, body: dict[str, Any]) -> None:
    event = load_event(event_name)
    response, got = resolve(store, event)
    assert response["messageVersion"] == "1.0"
    assert response["response"]["actionGroup"] == event["actionGroup"] == "account-status"
    assert response["response"]["apiPath"] == event["apiPath"] == "/accounts/{accountId}/status"
    assert response["response"]["httpMethod"] == "GET"
    assert response["response"]["httpStatusCode"] == status
    assert got == body


def test_an_api_path_outside_the_schema_is_404(tmp_path: Path) -> None:
    store = SQLiteAccountStore(tmp_path / "a.sqlite3")
    store.seed()
    response, _ = resolve(store, load_event("agent_unknown_api_path"))
    assert response["response"]["httpStatusCode"] == 404
    assert response["response"]["apiPath"] == "/accounts/{accountId}/close"


def test_missing_table_is_a_503_with_one_sentence(aws_credentials: None) -> None:
    with mock_aws():
        store = DynamoDBAccountStore(
            boto3.client("dynamodb", region_name="us-east-1"), "customerAccountStatus"
        )
        response, body = resolve(store, load_event("agent_account_status_7777"))
    assert response["response"]["httpStatusCode"] == 503
    assert body["message"].startswith(
        "The DynamoDB table 'customerAccountStatus' does not exist in us-east-1:"
    )


def test_the_store_is_built_per_event_not_at_creation() -> None:
    calls: list[str] = []

    def store() -> AccountStore:
        calls.append("built")
        raise AssertionError("not reached")  # pragma: no cover

    create_resolver(store)
    assert calls == []


def test_lambda_entry_point_reads_the_configured_store_on_first_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANKING_STORE", "sqlite")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    SQLiteAccountStore(tmp_path / "banking" / "accounts.sqlite3").seed()
    lambda_module._deployed_store.cache_clear()
    try:
        response = lambda_module.handler(load_event("agent_account_status_5555"), None)  # type: ignore[arg-type]
    finally:
        lambda_module._deployed_store.cache_clear()
    assert_agent_response(response)
    assert (
        json.loads(response["response"]["responseBody"]["application/json"]["body"])["accountName"] == "John"
    )


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.update(messageVersion="2.0"),
        lambda r: r["response"].pop("apiPath"),
        lambda r: r["response"].update(httpStatusCode="200"),
        lambda r: r["response"]["responseBody"].update({"text/plain": {"body": "x"}}),
    ],
)
def test_the_format_check_rejects_malformed_responses(tmp_path: Path, mutate: Callable[[Any], None]) -> None:
    store = SQLiteAccountStore(tmp_path / "a.sqlite3")
    store.seed()
    response = handle(load_event("agent_account_status_7777"), store)
    mutate(response)
    with pytest.raises(jsonschema.ValidationError):
        assert_agent_response(response)


def test_handle_serves_concurrent_sessions_each_with_its_own_answer(tmp_path: Path) -> None:
    first, second = SQLiteAccountStore(tmp_path / "a.sqlite3"), SQLiteAccountStore(tmp_path / "b.sqlite3")
    first.seed()
    second.seed((Account("7777", "Ravi", "Active", "Active"),))
    jobs = [(first, "agent_account_status_7777"), (second, "agent_account_status_7777")] * 20
    jobs += [(first, "agent_account_status_unknown")] * 10

    def run(job: tuple[AccountStore, str]) -> tuple[int, str]:
        store, name = job
        response = handle(load_event(name), store)
        body = json.loads(response["response"]["responseBody"]["application/json"]["body"])
        return response["response"]["httpStatusCode"], body.get("accountName", body.get("message", ""))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, jobs))
    expected = [(200, "Manju"), (200, "Ravi")] * 20 + [(404, "There is no account with that ID (1234).")] * 10
    assert results == expected

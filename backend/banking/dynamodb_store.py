"""The production account store: the DynamoDB table ``customerAccountStatus`` (the course's schema).

Items are ``{AccountID, AccountName, AccountStatus, Reason}``, all strings, keyed by ``AccountID``. The
client is injected (a boto3 ``dynamodb`` client; tests use moto).
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from backend.banking.accounts import SEED_ACCOUNTS, Account, AccountTableMissingError


def table_missing_message(table: str, region: str) -> str:
    return (
        f"The DynamoDB table '{table}' does not exist in {region}: deploy serverless/agent/template.yaml "
        "or run 'python -m backend.banking seed --store dynamodb'."
    )


def item_to_account(item: dict[str, Any]) -> Account:
    return Account(
        account_id=item["AccountID"]["S"],
        name=item["AccountName"]["S"],
        status=item["AccountStatus"]["S"],
        reason=item["Reason"]["S"],
    )


def account_to_item(account: Account) -> dict[str, Any]:
    return {
        "AccountID": {"S": account.account_id},
        "AccountName": {"S": account.name},
        "AccountStatus": {"S": account.status},
        "Reason": {"S": account.reason},
    }


class DynamoDBAccountStore:
    def __init__(self, client: Any, table: str) -> None:
        self.client = client
        self.table = table

    def describe(self) -> str:
        return f"DynamoDB table {self.table} in {self.client.meta.region_name}"

    def _missing(self) -> AccountTableMissingError:
        return AccountTableMissingError(table_missing_message(self.table, self.client.meta.region_name))

    def get(self, account_id: str) -> Account | None:
        try:
            reply = self.client.get_item(TableName=self.table, Key={"AccountID": {"S": account_id}})
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                raise self._missing() from exc
            raise
        item = reply.get("Item")
        return item_to_account(item) if item else None

    def seed(self, accounts: tuple[Account, ...] = SEED_ACCOUNTS) -> int:
        """Create the table (on-demand capacity) unless it exists, wait for it, and write the rows."""
        try:
            self.client.create_table(
                TableName=self.table,
                AttributeDefinitions=[{"AttributeName": "AccountID", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "AccountID", "KeyType": "HASH"}],
                BillingMode="PAY_PER_REQUEST",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceInUseException":
                raise
        self.client.get_waiter("table_exists").wait(
            TableName=self.table, WaiterConfig={"Delay": 2, "MaxAttempts": 30}
        )
        for account in accounts:
            self.client.put_item(TableName=self.table, Item=account_to_item(account))
        return len(accounts)

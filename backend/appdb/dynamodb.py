"""The engine for several instances: one DynamoDB table (single-table design), set by ``APP_TABLE``.

The table has a string partition key ``pk`` and a string sort key ``sk``; each item carries its record as
a JSON string in ``data``. The boto3 ``dynamodb`` client is passed in (tests use moto).
"""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from backend.appdb.store import Item, StoreError, sort_key_range

# DynamoDB's item size limit is 400 KB; a record above it gets one sentence instead of a ClientError.
MAX_ITEM_BYTES = 400 * 1024

KEY_SCHEMA = [
    {"AttributeName": "pk", "KeyType": "HASH"},
    {"AttributeName": "sk", "KeyType": "RANGE"},
]
ATTRIBUTE_DEFINITIONS = [
    {"AttributeName": "pk", "AttributeType": "S"},
    {"AttributeName": "sk", "AttributeType": "S"},
]


def create_table(client: Any, name: str) -> None:
    """Create the app table (on-demand capacity) and wait until it is active; for tests and benchmarks.

    Deployments create the same table in their template.
    """
    client.create_table(
        TableName=name,
        KeySchema=KEY_SCHEMA,
        AttributeDefinitions=ATTRIBUTE_DEFINITIONS,
        BillingMode="PAY_PER_REQUEST",
    )
    client.get_waiter("table_exists").wait(TableName=name)


def _to_item(item: Item) -> dict[str, Any]:
    return {
        "pk": {"S": item.pk},
        "sk": {"S": item.sk},
        "data": {"S": json.dumps(item.data, separators=(",", ":"))},
    }


def _from_item(raw: dict[str, Any]) -> Item:
    return Item(raw["pk"]["S"], raw["sk"]["S"], json.loads(raw["data"]["S"]))


class DynamoStore:
    """``AppStore`` on one DynamoDB table."""

    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self.table = table

    def put(self, item: Item, *, if_absent: bool = False) -> bool:
        raw = _to_item(item)
        size = sum(len(k) + len(v["S"].encode()) for k, v in raw.items())
        if size > MAX_ITEM_BYTES:
            raise StoreError(
                f"This record is too large to save ({size // 1024} KB; DynamoDB holds at most 400 KB)."
            )
        extra: dict[str, Any] = {}
        if if_absent:
            extra["ConditionExpression"] = "attribute_not_exists(pk)"
        try:
            self._client.put_item(TableName=self.table, Item=raw, **extra)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def get(self, pk: str, sk: str) -> Item | None:
        response = self._client.get_item(
            TableName=self.table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
        )
        raw = response.get("Item")
        return _from_item(raw) if raw else None

    def delete(self, pk: str, sk: str) -> bool:
        response = self._client.delete_item(
            TableName=self.table, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ReturnValues="ALL_OLD"
        )
        return bool(response.get("Attributes"))

    def query(
        self,
        pk: str,
        *,
        prefix: str = "",
        start: str | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> list[Item]:
        if limit is not None and limit <= 0:
            return []
        values: dict[str, Any] = {":pk": {"S": pk}}
        condition = "pk = :pk"
        if start is not None:
            low, high = sort_key_range(prefix, start)
            condition += " AND sk BETWEEN :low AND :high"
            values |= {":low": {"S": low}, ":high": {"S": high}}
        elif prefix:  # DynamoDB takes no empty string in a key condition
            condition += " AND begins_with(sk, :prefix)"
            values[":prefix"] = {"S": prefix}
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": not newest_first,
            "ConsistentRead": True,
        }
        items: list[Item] = []
        while True:
            if limit is not None:
                request["Limit"] = limit - len(items)
            response = self._client.query(**request)
            items.extend(_from_item(raw) for raw in response.get("Items", []))
            last = response.get("LastEvaluatedKey")
            if not last or (limit is not None and len(items) >= limit):
                return items
            request["ExclusiveStartKey"] = last

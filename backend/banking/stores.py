"""Pick the account store the settings ask for (``BANKING_STORE``), behind the one interface."""

from __future__ import annotations

from typing import Any

from backend.banking.accounts import AccountStore
from backend.banking.dynamodb_store import DynamoDBAccountStore
from backend.banking.sqlite_store import SQLiteAccountStore
from backend.settings import Settings


def build_account_store(settings: Settings, *, dynamodb_client: Any = None) -> AccountStore:
    """SQLite under ``DATA_DIR`` (offline default) or the DynamoDB table (only then is a client made)."""
    if settings.banking_store == "dynamodb":
        if dynamodb_client is None:
            from backend.providers import make_aws_client

            dynamodb_client = make_aws_client(settings, "dynamodb", read_timeout=10, max_attempts=3)
        return DynamoDBAccountStore(dynamodb_client, settings.banking_table)
    return SQLiteAccountStore(settings.banking_db_path)

"""The app database: users (local sign-in), the audit log and saved conversations.

``open_store`` picks the engine from the settings: DynamoDB when ``APP_TABLE`` is set, otherwise a
SQLite file under ``DATA_DIR``. Each record kind has its own module with its key scheme and a small typed
repository over the shared ``AppStore`` interface (see ``store.py``).
"""

from __future__ import annotations

from typing import Any

from backend.appdb.audit import AuditEvent, AuditLog
from backend.appdb.conversations import ConversationRecord, ConversationRepository, ConversationSummary
from backend.appdb.store import AppStore, Item, StoreError
from backend.appdb.users import UserRecord, UserRepository
from backend.settings import Settings

SQLITE_FILE = "app.db"

__all__ = [
    "AppStore",
    "AuditEvent",
    "AuditLog",
    "ConversationRecord",
    "ConversationRepository",
    "ConversationSummary",
    "Item",
    "StoreError",
    "UserRecord",
    "UserRepository",
    "open_store",
]


def open_store(settings: Settings, *, dynamodb_client: Any = None) -> AppStore:
    """The configured engine. ``dynamodb_client`` is built from the settings when not passed."""
    if settings.app_table:
        from backend.appdb.dynamodb import DynamoStore

        if dynamodb_client is None:
            from backend.providers import make_aws_client

            dynamodb_client = make_aws_client(settings, "dynamodb")
        return DynamoStore(dynamodb_client, settings.app_table)
    from backend.appdb.sqlite import SqliteStore

    return SqliteStore(settings.data_dir / SQLITE_FILE)

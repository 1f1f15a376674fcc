"""App-database operations per second: SQLite (WAL file) vs DynamoDB on moto. For shape, not speed:
moto runs DynamoDB's API in-process, so its numbers measure boto3 + moto, not the service.

Run: .venv/bin/python -m bench.appdb_ops --ops 500
Operations, each on its own records: put (a conversation head + body, as a save does), get (open a
conversation), query (list one user's 20 conversations), audit append.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from backend.appdb.audit import AuditEvent, AuditLog
from backend.appdb.conversations import ConversationRecord, ConversationRepository
from backend.appdb.store import AppStore

MESSAGES = [{"role": "user", "content": "How many leave days?"}, {"role": "assistant", "content": "x" * 800}]


def rate(n: int, op: Callable[[int], object]) -> float:
    started = time.perf_counter()
    for i in range(n):
        op(i)
    return n / (time.perf_counter() - started)


def measure(store: AppStore, n: int) -> dict[str, float]:
    repo = ConversationRepository(store)
    audit = AuditLog(store)
    now = datetime.now(UTC)

    def record(i: int) -> ConversationRecord:
        return ConversationRecord(f"c{i}", f"user{i % 25}", "chat", f"title {i}", now, now, MESSAGES)

    return {
        "save conversation": rate(n, lambda i: repo.save(record(i))),
        "open conversation": rate(n, lambda i: repo.get(f"user{i % 25}", f"c{i}")),
        "list a user's conversations": rate(n, lambda i: repo.list(f"user{i % 25}")),
        "append audit event": rate(n, lambda i: audit.record(AuditEvent(now, "ana", "upload", f"f{i}.pdf"))),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ops", type=int, default=500)
    args = parser.parse_args()

    from backend.appdb.sqlite import SqliteStore

    with tempfile.TemporaryDirectory() as tmp:
        sqlite = measure(SqliteStore(Path(tmp) / "app.db"), args.ops)

    import boto3
    from moto import mock_aws

    from backend.appdb.dynamodb import DynamoStore, create_table

    for name, value in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}.items():
        os.environ.setdefault(name, value)
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        create_table(client, "bench")
        dynamo = measure(DynamoStore(client, "bench"), args.ops)

    print(f"{'operation':32} {'SQLite ops/s':>14} {'DynamoDB-on-moto ops/s':>24}   (n={args.ops} each)")
    for op in sqlite:
        print(f"{op:32} {sqlite[op]:>14.0f} {dynamo[op]:>24.0f}")


if __name__ == "__main__":
    main()

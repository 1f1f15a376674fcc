"""The banking CLI: ``seed`` creates and fills the account store (SQLite offline, or DynamoDB)."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from typing import Any

from backend.banking.accounts import SEED_ACCOUNTS
from backend.banking.stores import build_account_store
from backend.errors import user_message
from backend.settings import SettingsError, load_settings


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m backend.banking", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed", help="create the account store and write the course's three rows")
    seed.add_argument(
        "--store",
        choices=["sqlite", "dynamodb"],
        help="override BANKING_STORE (sqlite under DATA_DIR, or the DynamoDB table BANKING_TABLE)",
    )
    seed.add_argument("--table", help="override BANKING_TABLE (DynamoDB table name)")
    return root


def main(argv: Sequence[str] | None = None, *, dynamodb_client: Any = None) -> int:
    args = parser().parse_args(argv)
    overrides: dict[str, object] = {}
    if args.store:
        overrides["BANKING_STORE"] = args.store
    if args.table:
        overrides["BANKING_TABLE"] = args.table
    try:
        settings = load_settings(**overrides)
        store = build_account_store(settings, dynamodb_client=dynamodb_client)
        count = store.seed(SEED_ACCOUNTS)
    except SettingsError as exc:
        print(exc)
        return 2
    except Exception as exc:  # one sentence for the operator; the trace goes to the log
        logging.getLogger(__name__).debug("seed failed", exc_info=exc)
        print(user_message(exc, region=None))
        return 1
    print(f"Seeded {count} accounts into {store.describe()}.")
    for account in SEED_ACCOUNTS:
        print(f"  {account.account_id}  {account.name:<8} {account.status:<8} {account.reason}")
    return 0

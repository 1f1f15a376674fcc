"""Offline Banking assistant turn latency: the guided flow with the real handler, store and FAQ index.

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.banking_turn --turns 200
Builds what the page builds offline (SQLite store under a temp DATA_DIR, the action-group handler, the
bank FAQ indexed with the shipped MiniLM), then times whole turns as the page runs them
(``ask(...).pieces()``): account-status turns (handler called with an agent-format event against SQLite)
and FAQ turns (hybrid retrieval over the FAQ index). The first FAQ question, which indexes the FAQ, is
reported on its own.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from backend.banking.faq import BankFaq
from backend.banking.guided import GuidedBankingAssistant
from backend.banking.sqlite_store import SQLiteAccountStore
from backend.providers import build_embeddings
from backend.settings import Settings
from bench._util import REPO_ROOT, summary
from ui.banking_resources import action_handler

STATUS = ["7777", "my account is 5555, what is its status?", "6666", "1234", "77A7"]
FAQ = [
    "How long does verification take?",
    "What documents are accepted as proof of address?",
    "Is there a monthly fee?",
    "When will I get my debit card?",
    "I lost my card",
]


def turn(assistant: GuidedBankingAssistant, text: str) -> tuple[float, str]:
    start = time.perf_counter()
    reply = "".join(assistant.ask(text, "bench", awaiting_account_id=True).pieces())
    return time.perf_counter() - start, reply


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200, help="turns of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        shutil.copytree(
            REPO_ROOT / "data" / "bank_faq", data / "bank_faq", ignore=shutil.ignore_patterns("src")
        )
        settings = Settings(APP_PROVIDER="local", DATA_DIR=data)
        store = SQLiteAccountStore(settings.banking_db_path)
        store.seed()
        embeddings = build_embeddings(settings)
        faq = BankFaq(
            index_dir=settings.bank_faq_index_dir,
            faq_dir=settings.bank_faq_dir,
            embedding_model=settings.embedding_model_id,
            embeddings=lambda: embeddings,
        )
        assistant = GuidedBankingAssistant(action_handler(store), faq)
        first_faq, reply = turn(assistant, FAQ[0])
        assert reply.startswith("From the bank's FAQ"), reply
        status = [turn(assistant, STATUS[i % len(STATUS)])[0] for i in range(args.turns)]
        answers = [turn(assistant, FAQ[i % len(FAQ)])[0] for i in range(args.turns)]
    print(summary("account-status turn (handler + SQLite)", [s * 1000 for s in status], "ms"))
    print(summary("FAQ turn (MiniLM query embedding + hybrid retrieval)", [s * 1000 for s in answers], "ms"))
    print(f"first FAQ question, indexing the FAQ: {first_faq:.2f} s")


if __name__ == "__main__":
    main()

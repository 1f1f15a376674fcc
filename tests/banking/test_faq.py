"""The bank FAQ index: the shipped PDF through the HR pipeline, built on the first FAQ question."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from backend.banking.faq import BankFaq
from backend.banking.guided import NO_FAQ_MATCH, GuidedBankingAssistant
from backend.banking.sqlite_store import SQLiteAccountStore
from backend.settings import Settings
from tests.conftest import REPO_ROOT
from ui.banking_resources import action_handler

SHIPPED = REPO_ROOT / "data" / "bank_faq"


def make_faq(tmp_path: Path, embeddings: Embeddings, model: str) -> tuple[BankFaq, list[str]]:
    faq_dir = tmp_path / "bank_faq"
    shutil.copytree(SHIPPED, faq_dir, ignore=shutil.ignore_patterns("src"))
    loads: list[str] = []

    def load() -> Embeddings:
        loads.append(model)
        return embeddings

    return BankFaq(
        index_dir=tmp_path / "index", faq_dir=faq_dir, embedding_model=model, embeddings=load
    ), loads


def test_the_index_is_built_on_the_first_search_not_before(tmp_path: Path) -> None:
    faq, loads = make_faq(tmp_path, DeterministicFakeEmbedding(size=64), "fake-64")
    assert faq.needs_build()
    assert loads == []
    results = faq.search("Rejected Proof of Address", 3)
    assert len(results) == 3
    assert not faq.needs_build()
    chunks = faq.store.load().chunks
    headings = [
        line.removeprefix("## ").strip()
        for line in (SHIPPED / "src" / "new_account_faq.md").read_text().splitlines()
        if line.startswith("## ")
    ]
    # Every FAQ entry is its own section, found by the HR pipeline's heading detection.
    assert set(headings) <= {c.section for c in chunks}
    assert {c.file for c in chunks} == {"bank_new_account_faq.pdf"}
    # Running headers and footers are cleaned away: no passage holds a page's furniture.
    assert not [c for c in chunks if "Page 1 of" in c.text or "Bank of Chicago | New Account FAQ" in c.text]
    faq.search("fees", 3)
    assert len(loads) == 2  # the ingestor and the retriever each asked once; no second build


def test_a_change_of_embedding_model_rebuilds_the_index(tmp_path: Path) -> None:
    faq, _ = make_faq(tmp_path, DeterministicFakeEmbedding(size=64), "fake-64")
    faq.ensure_index()
    other = BankFaq(
        index_dir=tmp_path / "index",
        faq_dir=tmp_path / "bank_faq",
        embedding_model="fake-32",
        embeddings=lambda: DeterministicFakeEmbedding(size=32),
    )
    assert other.needs_build()
    other.ensure_index()
    assert not other.needs_build()


@pytest.fixture(scope="module")
def minilm_assistant(tmp_path_factory: pytest.TempPathFactory) -> GuidedBankingAssistant:
    """The guided flow over the shipped FAQ indexed with the real MiniLM (built once for the module)."""
    from backend.providers import build_embeddings

    tmp_path = tmp_path_factory.mktemp("minilm-faq")
    settings = Settings(APP_PROVIDER="local", DATA_DIR=tmp_path)
    faq, _ = make_faq(tmp_path, build_embeddings(settings), settings.embedding_model_id)
    store = SQLiteAccountStore(tmp_path / "a.sqlite3")
    store.seed()
    return GuidedBankingAssistant(action_handler(store), faq)


@pytest.mark.local_model
@pytest.mark.parametrize(
    ("question", "section"),
    [
        (
            "What documents are accepted as proof of address?",
            "Rejected Proof of Address (InvalidAddressProof)",
        ),
        ("How long does verification take?", "Verification Time"),
        ("Is there a monthly fee?", "Monthly Fees and Minimum Balance"),
        ("When will I get my debit card?", "Debit Card and PIN"),
        ("I lost my card", "Lost or Stolen Cards"),
        ("Who won the football world cup?", None),
    ],
)
def test_real_minilm_answers_from_the_right_faq_entry(
    minilm_assistant: GuidedBankingAssistant, question: str, section: str | None
) -> None:
    answer = minilm_assistant.answer(question, session_id="s", awaiting_account_id=False)
    if section is None:
        assert answer.text == NO_FAQ_MATCH
        return
    assert answer.text.startswith("From the bank's FAQ [bank_new_account_faq.pdf#page=")
    assert f"**{section}**" in answer.text

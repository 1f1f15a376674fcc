"""The fault-injection suite: every test here is marked ``faults`` (``pytest -m faults`` runs them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backend.rag.ingest.policy_library import PolicyLibrary
from backend.rag.retrieve.hybrid import HybridRetriever
from tests.fakes import text_pdf
from tests.faults.job_server import EMBEDDING_MODEL

# The page fixtures (the real router with injected fakes) serve the fault cases that show a page.
from tests.pages.conftest import app_settings, open_page  # noqa: F401
from tests.rag.fakes import HashingEmbeddings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.faults)


@pytest.fixture
def library(tmp_path: Path) -> PolicyLibrary:
    """A policy library with one built-in policy, hashed bag-of-words embeddings and one parse worker."""
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "leave.pdf").write_bytes(text_pdf("Earned leave is 18 days a year. Zebra clause."))
    embeddings = HashingEmbeddings()
    return PolicyLibrary(
        index_dir=tmp_path / "index",
        policies_dir=policies,
        upload_dir=tmp_path / "uploads",
        embedding_model=EMBEDDING_MODEL,
        embeddings=lambda: embeddings,
        workers=1,
    )


def answering_file(library: PolicyLibrary, question: str) -> str | None:
    """The file whose passage a search for ``question`` ranks first (what an answer would cite)."""
    retriever = HybridRetriever(library.store, HashingEmbeddings(), embedding_model=library.embedding_model)
    results = retriever.search(question, 1)
    return results[0].chunk.file if results else None

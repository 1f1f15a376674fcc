"""Fixtures of the document-service tests: a real PolicyLibrary over tmp folders, the app database on
SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backend.appdb.audit import AuditLog
from backend.appdb.documents import DocumentCatalog
from backend.appdb.sqlite import SqliteStore
from backend.documents.service import PolicyDocuments
from backend.rag.ingest.policy_library import PolicyLibrary
from tests.fakes import text_pdf
from tests.rag.fakes import HashingEmbeddings

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LocalDocs = tuple[PolicyDocuments, PolicyLibrary, SqliteStore]


@pytest.fixture
def local_docs(tmp_path: Path) -> Iterator[LocalDocs]:
    """The service over a real library (one built-in policy, hashing embeddings) and SQLite."""
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "conduct.pdf").write_bytes(text_pdf("Be kind to colleagues at all times.", title="Conduct"))
    embeddings = HashingEmbeddings()
    library = PolicyLibrary(
        index_dir=tmp_path / "index",
        policies_dir=policies,
        upload_dir=tmp_path / "uploads",
        embedding_model="hashing",
        embeddings=lambda: embeddings,
        workers=1,
    )
    library.rebuild()
    store = SqliteStore(tmp_path / "app.db")
    docs = PolicyDocuments(library, DocumentCatalog(store), AuditLog(store), lambda: NOW)
    yield docs, library, store
    store.close()

"""Policy-document operations at the backend boundary: admins only, audited, with metadata.

Real ``PolicyLibrary`` (real PDFs, real index) over hashing embeddings; the app database on SQLite.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from backend.appdb.audit import AuditLog
from backend.auth.identity import Identity, PermissionDeniedError
from backend.documents.service import BUILT_IN, DocumentOperationError
from tests.documents.conftest import NOW, LocalDocs
from tests.fakes import text_pdf

ADMIN = Identity("ana", "admin")
STAFF = Identity("bo", "staff")
LEAVE = text_pdf("Annual leave is 25 days per year for every employee of the company.", title="Leave")
LEAVE_V2 = text_pdf("Annual leave is 28 days per year from January 2027 onwards.", title="Leave")


def test_staff_cannot_upload_replace_delete_or_rebuild(local_docs: LocalDocs, tmp_path: Path) -> None:
    docs, library, store = local_docs
    docs.upload(ADMIN, [("leave.pdf", LEAVE)])
    generation = library.generation()
    attempts = {
        "upload policy documents": lambda: docs.upload(STAFF, [("other.pdf", LEAVE_V2)]),
        "replace policy documents": lambda: docs.replace(STAFF, "leave.pdf", LEAVE_V2),
        "delete policy documents": lambda: docs.delete(STAFF, "leave.pdf"),
        "rebuild the policy index": lambda: docs.rebuild(STAFF),
        "settle interrupted uploads": lambda: docs.reconcile(STAFF),
    }
    for action, attempt in attempts.items():
        with pytest.raises(PermissionDeniedError, match=f"Only admins can {action}; bo is signed in as"):
            attempt()
    # Nothing changed: same index generation, same files, no audit entry by bo.
    assert library.generation() == generation
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == ["leave.pdf"]
    assert (tmp_path / "uploads" / "leave.pdf").read_bytes() == LEAVE
    assert all(e.actor == "ana" for e in AuditLog(store).recent())


def test_an_admin_upload_is_listed_with_who_when_version_and_date(
    local_docs: LocalDocs,
) -> None:
    docs, _, store = local_docs
    results = docs.upload(
        ADMIN, [("Leave policy.pdf", LEAVE)], version=" 3 ", effective_date=date(2027, 1, 1)
    )
    assert [(r.file, r.status) for r in results] == [("Leave policy.pdf", "added")]
    rows = {r.file: r for r in docs.documents()}
    assert set(rows) == {"conduct.pdf", "Leave policy.pdf"}
    leave = rows["Leave policy.pdf"]
    assert (leave.title, leave.pages, leave.uploaded_by, leave.uploaded_at) == ("Leave", 1, "ana", NOW)
    assert (leave.version, leave.effective_date) == ("3", date(2027, 1, 1))
    assert leave.chunks >= 1
    assert (rows["conduct.pdf"].uploaded_by, rows["conduct.pdf"].uploaded_at) == (BUILT_IN, None)
    assert [(e.actor, e.action, e.target, e.detail) for e in AuditLog(store).recent()] == [
        ("ana", "upload", "Leave policy.pdf", "added")
    ]


def test_replace_keeps_the_name_and_delete_removes_file_index_and_metadata(
    local_docs: LocalDocs, tmp_path: Path
) -> None:
    docs, _, store = local_docs
    docs.upload(ADMIN, [("leave.pdf", LEAVE)], version="1")
    result = docs.replace(ADMIN, "leave.pdf", LEAVE_V2, version="2", effective_date=date(2027, 1, 1))
    assert (result.file, result.status) == ("leave.pdf", "updated")
    assert (tmp_path / "uploads" / "leave.pdf").read_bytes() == LEAVE_V2
    info = docs.info("leave.pdf")
    assert info is not None
    assert (info.version, info.effective_date) == ("2", date(2027, 1, 1))

    docs.delete(ADMIN, "leave.pdf")
    assert not (tmp_path / "uploads" / "leave.pdf").exists()
    assert [r.file for r in docs.documents()] == ["conduct.pdf"]
    assert docs.info("leave.pdf") is None
    assert sorted(e.action for e in AuditLog(store).recent()) == ["delete", "replace", "upload"]


def test_built_in_and_unknown_documents_get_one_sentence(
    local_docs: LocalDocs,
) -> None:
    docs, _, _ = local_docs
    with pytest.raises(DocumentOperationError, match=r"^conduct.pdf is one of the app's built-in policies"):
        docs.delete(ADMIN, "conduct.pdf")
    with pytest.raises(DocumentOperationError, match=r"^missing.pdf is not in the policy index\.$"):
        docs.replace(ADMIN, "missing.pdf", LEAVE)
    assert [r.file for r in docs.documents()] == ["conduct.pdf"]


def test_rebuild_is_audited(local_docs: LocalDocs) -> None:
    docs, _, store = local_docs
    report = docs.rebuild(ADMIN)
    assert report.total_files == 1
    assert [(e.actor, e.action, e.detail) for e in AuditLog(store).recent()] == [
        ("ana", "rebuild", f"1 documents, {report.total_chunks} chunks")
    ]


def test_refusals_are_one_sentence() -> None:
    from backend.documents.service import refusal_message
    from backend.rag.ingest.parser import DocumentError

    assert refusal_message(PermissionDeniedError("Only admins can x; bo is signed in as staff.")) == (
        "Only admins can x; bo is signed in as staff."
    )
    assert refusal_message(DocumentError("a.pdf", "it is encrypted")) == "a.pdf: it is encrypted."
    assert refusal_message(RuntimeError("boom")) is None


@pytest.mark.parametrize(
    ("version", "effective", "note"),
    [
        ("3", date(2027, 1, 1), "version 3 · effective from 2027-01-01"),
        ("3", None, "version 3"),
        ("", date(2027, 1, 1), "effective from 2027-01-01"),
        ("", None, ""),
    ],
)
def test_version_note(version: str, effective: date | None, note: str) -> None:
    from backend.appdb.documents import DocumentInfo
    from backend.documents.service import version_note

    assert version_note(DocumentInfo("a.pdf", "ana", NOW, version, effective)) == note
    assert version_note(None) == ""


def test_an_upload_a_killed_run_left_unindexed_is_settled_for_an_admin_and_audited(
    local_docs: LocalDocs, tmp_path: Path
) -> None:
    docs, library, store = local_docs
    stray = tmp_path / "uploads" / "stray.pdf"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(LEAVE)  # saved by an upload whose run died before indexing
    os.utime(stray, (0, 0))  # old enough not to be an upload still in progress

    [result] = docs.reconcile(ADMIN)

    assert (result.file, result.status) == ("stray.pdf", "added")
    assert "stray.pdf" in {f.file for f in library.stats().files}  # type: ignore[union-attr]
    [event] = [e for e in AuditLog(store).recent() if e.action == "reconcile"]
    assert (event.actor, event.target) == ("ana", "stray.pdf")
    assert docs.reconcile(ADMIN) == []  # settled once

"""PolicyLibrary: safe upload names, atomic saves, per-file results, rebuilds and cited-page extraction."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding
from pypdf import PdfReader

from backend.rag.ingest.policy_library import PolicyLibrary, safe_pdf_name, single_page_pdf, write_atomically
from tests.fakes import text_pdf


def pdf_bytes(*pages: str, title: str = "Policy") -> bytes:
    return text_pdf(*pages, title=title)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("leave_policy.pdf", "leave_policy.pdf"),
        ("Leave Policy 2025.PDF", "Leave Policy 2025.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\hr\\Remote work.pdf", "Remote work.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("Politique de congés.pdf", "Politique de congés.pdf"),
        ("報告.pdf", "報告.pdf"),
        ("年假政策.pdf", "年假政策.pdf"),
        ("a  b__c.pdf", "a b_c.pdf"),
        ("<script>alert(1)</script>.pdf", "script.pdf"),  # "/" is a folder separator: only the tail is kept
        ("<img src=x onerror=alert(1)>.pdf", "img src_x onerror_alert(1).pdf"),
        ("leave [draft] #2; v1,2.pdf", "leave _draft_ _2_ v1_2.pdf"),
        ("tab\tand\x00nul.pdf", "tabandnul.pdf"),
        ("..\\..\\.pdf", "document.pdf"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
        ("政" * 100 + ".pdf", "政" * 78 + ".pdf"),
        ("notes.txt", None),
        ("pdf", None),
        ("archive.pdf.exe", None),
    ],
)
def test_safe_pdf_name(name: str, expected: str | None) -> None:
    assert safe_pdf_name(name) == expected


def test_write_atomically_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "a.pdf"
    write_atomically(target, b"one")
    write_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["a.pdf"]


@pytest.fixture
def library(tmp_path: Path) -> PolicyLibrary:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "leave.pdf").write_bytes(
        pdf_bytes("Earned leave is 18 days a year.", "Sick leave is 12 days.")
    )
    embeddings = DeterministicFakeEmbedding(size=32)
    return PolicyLibrary(
        index_dir=tmp_path / "index",
        policies_dir=policies,
        upload_dir=tmp_path / "uploads",
        embedding_model="fake-32",
        embeddings=lambda: embeddings,
        workers=1,
    )


def test_needs_build_until_built_then_stats(library: PolicyLibrary) -> None:
    assert library.needs_build()
    assert library.stats() is None
    report = library.rebuild()
    assert report.written
    assert not library.needs_build()
    stats = library.stats()
    assert stats is not None
    assert (stats.documents, stats.pages) == (1, 2)
    assert stats.chunks == 2
    assert stats.embedding_model == "fake-32"


def test_another_embedding_model_needs_a_build(library: PolicyLibrary, tmp_path: Path) -> None:
    library.rebuild()
    other = PolicyLibrary(
        index_dir=tmp_path / "index",
        policies_dir=library.policies_dir,
        upload_dir=library.upload_dir,
        embedding_model="another-model",
        embeddings=lambda: DeterministicFakeEmbedding(size=16),
    )
    assert other.needs_build()


def test_upload_results_per_file_with_progress(library: PolicyLibrary) -> None:
    library.rebuild()
    before = library.generation()
    progress: list[tuple[float, str]] = []
    remote = pdf_bytes("Remote work: up to 3 days a week.")

    results = library.upload(
        [
            ("Remote Work.pdf", remote),
            ("notes.txt", b"hello"),
            ("empty.pdf", b""),
            ("scan.pdf", pdf_bytes("")),
            ("leave.pdf", remote),
        ],
        progress=lambda done, text: progress.append((done, text)),
    )

    assert [(r.file, r.status, r.reason) for r in results] == [
        ("Remote Work.pdf", "added", ""),
        ("notes.txt", "rejected", "only PDF files (.pdf) can be added"),
        ("empty.pdf", "rejected", "the file is empty"),
        ("scan.pdf", "rejected", "the PDF has no text layer (a scan or images only); run OCR on it first"),
        ("leave.pdf", "rejected", "the same document is already indexed as Remote Work.pdf"),
    ]
    assert results[0].pages == 1
    assert [round(done, 2) for done, _ in progress] == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert progress[0][1] == "Indexing Remote Work.pdf (1 of 5)…"
    # Only the accepted file is on disk; the rejected scan was taken back off.
    assert sorted(p.name for p in library.upload_dir.iterdir()) == ["Remote Work.pdf"]
    assert library.generation() != before
    stats = library.stats()
    assert stats is not None
    assert sorted(f.file for f in stats.files) == ["Remote Work.pdf", "leave.pdf"]


def test_same_upload_twice_is_unchanged_and_a_new_version_updates(library: PolicyLibrary) -> None:
    library.rebuild()
    v1 = pdf_bytes("Remote work: up to 3 days a week.")
    v2 = pdf_bytes("Remote work: up to 4 days a week.")
    assert library.upload([("remote.pdf", v1)])[0].status == "added"
    generation = library.generation()
    assert library.upload([("remote.pdf", v1)])[0].status == "unchanged"
    assert library.generation() == generation  # nothing rewritten
    assert library.upload([("remote.pdf", v2)], replace=True)[0].status == "updated"
    assert (library.upload_dir / "remote.pdf").read_bytes() == v2


def test_rejected_new_version_restores_the_previous_file(library: PolicyLibrary) -> None:
    library.rebuild()
    v1 = pdf_bytes("Remote work: up to 3 days a week.")
    library.upload([("remote.pdf", v1)])
    result = library.upload([("remote.pdf", pdf_bytes(""))])[0]
    assert result.status == "rejected"
    assert (library.upload_dir / "remote.pdf").read_bytes() == v1


def test_duplicate_content_under_another_name_is_rejected(library: PolicyLibrary) -> None:
    library.rebuild()
    data = (library.policies_dir / "leave.pdf").read_bytes()
    result = library.upload([("copy.pdf", data)])[0]
    assert (result.status, result.reason) == ("rejected", "the same document is already indexed as leave.pdf")
    assert not library.upload_dir.exists() or not any(library.upload_dir.iterdir())


def test_rebuild_drops_deleted_files_and_adds_new_ones(library: PolicyLibrary) -> None:
    library.rebuild()
    library.upload([("remote.pdf", pdf_bytes("Remote work: up to 3 days a week."))])
    (library.upload_dir / "remote.pdf").unlink()
    (library.policies_dir / "travel.pdf").write_bytes(pdf_bytes("Economy class for domestic flights."))
    report = library.rebuild()
    assert sorted((o.file, o.status) for o in report.outcomes) == [
        ("leave.pdf", "unchanged"),
        ("remote.pdf", "removed"),
        ("travel.pdf", "added"),
    ]


def test_page_pdf_is_exactly_the_cited_page(library: PolicyLibrary) -> None:
    data = library.page_pdf("leave.pdf", 2)
    assert data is not None
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "Sick leave is 12 days." in reader.pages[0].extract_text()
    assert library.page_pdf("leave.pdf", 3) is None
    assert library.page_pdf("missing.pdf", 1) is None
    assert library.page_pdf("../policies/leave.pdf", 1) is None


def test_single_page_pdf_rejects_pages_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"outside 1\.\.1"):
        single_page_pdf(pdf_bytes("one"), 2)


def test_a_file_gone_between_listing_and_looking_is_not_a_stray_upload(
    library: PolicyLibrary, tmp_path: Path
) -> None:
    """The Policy documents page lists strays on every run while a job may take a refused upload back
    off disk (or set one aside): a name whose file is gone by the time it is looked at is skipped, not a
    crash of the page."""
    library.rebuild()
    library.upload_dir.mkdir()
    # A name the folder listing returns whose file no longer exists (deterministically: a dangling link).
    (library.upload_dir / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    left = library.upload_dir / "left.pdf"
    left.write_bytes(pdf_bytes("Remote work is allowed three days a week."))
    os.utime(left, (0, 0))
    assert [p.name for p in library.stray_uploads()] == ["left.pdf"]
    assert [p.name for p in library.stray_uploads(min_age_s=0)] == ["left.pdf"]

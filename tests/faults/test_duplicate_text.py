"""Row 7: the same document saved as different bytes (here: encrypted with an empty password) is
indexed once, found by its normalised text, not only by its bytes."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter

from backend.rag.ingest.parser import text_hash
from backend.rag.ingest.policy_library import PolicyLibrary
from tests.faults.conftest import answering_file


def encrypted_copy(data: bytes) -> bytes:
    """The same pages, encrypted with an empty user password (opens without one, different bytes)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_encrypted_copy_of_an_indexed_policy_is_rejected(library: PolicyLibrary) -> None:
    library.rebuild()
    original = (library.policies_dir / "leave.pdf").read_bytes()
    copy = encrypted_copy(original)
    assert copy != original
    assert PdfReader(io.BytesIO(copy)).is_encrypted

    (result,) = library.upload([("leave-copy.pdf", copy)])

    assert (result.status, result.reason) == (
        "rejected",
        "same text as leave.pdf, which is indexed (a copy saved differently)",
    )
    assert not (library.upload_dir / "leave-copy.pdf").exists()  # taken back off disk
    stats = library.stats()
    assert stats is not None
    assert [f.file for f in stats.files] == ["leave.pdf"]
    assert answering_file(library, "zebra") == "leave.pdf"


def test_a_folder_holding_both_indexes_one(library: PolicyLibrary) -> None:
    original = (library.policies_dir / "leave.pdf").read_bytes()
    (library.policies_dir / "leave-encrypted.pdf").write_bytes(encrypted_copy(original))
    report = library.rebuild()
    rejected = [o for o in report.outcomes if o.status == "rejected"]
    assert len(rejected) == 1
    assert rejected[0].reason.startswith("same text as ")
    assert report.total_files == 1


def test_the_text_hash_ignores_case_spacing_and_unicode_forms() -> None:
    assert text_hash(["Earned  leave\nis 18 days."]) == text_hash(["earned leave is", "18 days."])
    assert text_hash(["ﬁle"]) == text_hash(["file"])  # NFKC folds the ligature
    assert text_hash(["leave is 18 days"]) != text_hash(["leave is 19 days"])

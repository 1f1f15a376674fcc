"""Row 6: a PDF cut short is rejected with a sentence; one whose cross-reference table is damaged but
whose pages are all there is accepted with a visible warning. Nothing indexed before is lost."""

from __future__ import annotations

import re

from backend.rag.ingest.policy_library import PolicyLibrary
from tests.fakes import text_pdf
from tests.faults.conftest import answering_file

FOUR_PAGES = text_pdf(*(f"Page {n} of the travel policy. Keyword buffalo{n}. " * 20 for n in range(1, 5)))


def test_a_truncated_pdf_is_rejected_and_nothing_is_lost(library: PolicyLibrary) -> None:
    library.rebuild()
    generation = library.generation()
    cut = FOUR_PAGES[: int(len(FOUR_PAGES) * 0.8)]

    (result,) = library.upload([("travel.pdf", cut)])

    assert (result.status, result.reason) == (
        "rejected",
        "the file is truncated (it stops before the PDF's end-of-file marker); upload the complete file",
    )
    assert library.generation() == generation
    assert not (library.upload_dir / "travel.pdf").exists()
    assert answering_file(library, "zebra") == "leave.pdf"


def test_a_damaged_cross_reference_table_is_accepted_with_a_warning(library: PolicyLibrary) -> None:
    library.rebuild()
    # Point startxref at the wrong offset: every page is intact, but the index of objects is wrong.
    damaged = re.sub(rb"startxref\s+\d+", b"startxref\n999", FOUR_PAGES)
    assert damaged != FOUR_PAGES

    (result,) = library.upload([("travel.pdf", damaged)])

    assert (result.status, result.pages) == ("added", 4)
    assert result.reason == (
        "the PDF's cross-reference table is damaged and had to be rebuilt; check that every page is complete"
    )
    stats = library.stats()
    assert stats is not None
    entry = next(f for f in stats.files if f.file == "travel.pdf")
    assert entry.warnings == (result.reason,)  # kept in the index, for the documents list
    assert answering_file(library, "buffalo4") == "travel.pdf"
    assert answering_file(library, "zebra") == "leave.pdf"

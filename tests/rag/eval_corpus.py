"""The policy PDFs that the evaluation sets cite: where they are, and their page text.

The corpus is shared, never copied into the repository: it is ``../shared/corpus`` beside the checkout.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import CORPUS_DIR

CORPUS_CANDIDATES = (CORPUS_DIR,)

CONTOSO = (
    "Benefit_Options.pdf",
    "Northwind_Health_Plus_Benefits_Details.pdf",
    "Northwind_Standard_Benefits_Details.pdf",
    "PerksPlus.pdf",
    "employee_handbook.pdf",
    "role_library.pdf",
)
LEAVE = ("catalyst_leave_policy.pdf", "physicswallah_leave_policy.pdf")
ALL_DOCS = CONTOSO + LEAVE


def normalise(text: str) -> str:
    """Whitespace collapsed and case folded: how quotes are matched against page text."""
    return " ".join(text.split()).casefold()


def corpus_dir() -> Path | None:
    return next((folder for folder in CORPUS_CANDIDATES if folder.is_dir()), None)


@cache
def _page_texts(path: Path) -> tuple[str, ...]:
    return tuple(normalise(page.extract_text() or "") for page in PdfReader(path).pages)


def pdf_pages_or_skip() -> Callable[[str], tuple[str, ...]]:
    """A lookup from PDF name to its normalised page texts (page N at index N-1), or skip the test."""
    folder = corpus_dir()
    if folder is None:
        searched = " or ".join(str(candidate) for candidate in CORPUS_CANDIDATES)
        pytest.skip(f"corpus folder is absent ({searched}); citations cannot be checked without the PDFs")
    paths = {path.name: path for path in folder.rglob("*.pdf")}

    def pages(name: str) -> tuple[str, ...]:
        assert name in paths, f"{name} is not in {folder}"
        return _page_texts(paths[name])

    return pages

"""PDF parsing: 1-based pages, titles, and a clear rejection for each kind of bad file."""

from __future__ import annotations

import pytest

from backend.rag.ingest.parser import (
    DocumentError,
    ParsedDocument,
    build_document,
    extract_page_texts,
    guess_title,
    open_pdf,
)
from backend.settings import DEFAULT_PARSE_LIMITS
from tests.rag.fakes import IMAGE_PAGE, make_empty_page_tree_pdf, make_pdf


def parse_pdf(data: bytes, file: str) -> ParsedDocument:
    """Validate, extract and clean one PDF in this process (ingest does the same across workers)."""
    opened = open_pdf(data, file)
    limit = DEFAULT_PARSE_LIMITS.decoded_page_bytes
    return build_document(opened, extract_page_texts(data, file, 0, opened.page_count, limit))


def test_pages_keep_their_one_based_numbers() -> None:
    data = make_pdf(
        [["Alpha policy text on the first page."], ["Bravo rules on the second page."], ["Charlie."]]
    )
    doc = parse_pdf(data, "three.pdf")
    assert len(doc.pages) == 3
    assert "Alpha" in doc.pages[0]
    assert "Bravo" in doc.pages[1]
    assert "Charlie" in doc.pages[2]
    assert doc.file == "three.pdf"
    assert len(doc.content_hash) == 64


def test_title_prefers_metadata_then_cover_page_then_file_name() -> None:
    with_meta = parse_pdf(
        make_pdf([["Body text that is long enough to count."]], title="Microsoft Word - Leave Policy.docx"),
        "a.pdf",
    )
    assert with_meta.title == "Leave Policy"
    cover = parse_pdf(
        make_pdf([["Contoso", "Employee Handbook"], ["Welcome to the handbook text."]]), "b.pdf"
    )
    assert cover.title == "Contoso Employee Handbook"
    assert guess_title("", ["", ""], "travel_expense-policy.pdf") == "travel expense policy"


def test_owner_password_only_pdf_is_readable() -> None:
    doc = parse_pdf(make_pdf([["Restricted printing but readable text."]], owner_password="owner"), "o.pdf")
    assert "readable text" in doc.pages[0]


def test_image_only_page_is_reported_in_an_otherwise_text_document() -> None:
    doc = parse_pdf(make_pdf([["Text on page one of the policy."], IMAGE_PAGE, ["More text."]]), "mixed.pdf")
    assert doc.pages_without_text == [2]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"hello, this is a text file", "not a PDF"),
        (b"%PDF-1.4\n" + b"garbage \x00\x01" * 200 + b"\n%%EOF\n", "corrupt"),
        (make_empty_page_tree_pdf(), "no pages"),
        (make_pdf([IMAGE_PAGE, IMAGE_PAGE]), "no text layer"),
        (make_pdf([["Secret salary bands."]], user_password="pw"), "password-protected"),
    ],
    ids=["empty", "blank", "not-pdf", "corrupt", "no-pages", "scanned", "encrypted"],
)
def test_bad_files_are_rejected_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_pdf(data, "bad.pdf")
    assert caught.value.file == "bad.pdf"
    assert reason in caught.value.reason


def test_truncated_pdf_is_rejected() -> None:
    data = make_pdf([["Page one text of some length."], ["Page two text."]])
    with pytest.raises(DocumentError, match="truncated"):
        parse_pdf(data[: len(data) // 2], "cut.pdf")


def test_open_pdf_counts_pages_without_extracting() -> None:
    opened = open_pdf(make_pdf([["a b c d e f"], ["g h i"]]), "x.pdf")
    assert opened.page_count == 2

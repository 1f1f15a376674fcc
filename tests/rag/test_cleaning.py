"""Header/footer removal, hyphenation repair and whitespace normalisation."""

from __future__ import annotations

import pytest

from backend.rag.ingest.cleaning import clean_pages, dehyphenate, document_vocabulary, normalise_line


def test_running_headers_footers_and_page_numbers_are_removed() -> None:
    bodies = [
        "Annual leave accrues monthly.",
        "Sick leave needs a note.",
        "Parental leave is paid.",
        "Holidays.",
    ]
    raw = [
        f"ACME Corp Employee Handbook\nPage {n} of 4\n{body}\nConfidential - ACME\n{n}"
        for n, body in enumerate(bodies, start=1)
    ]
    assert clean_pages(raw) == bodies


def test_lines_repeated_only_in_the_body_are_kept() -> None:
    words = ["alpha", "bravo", "charlie", "delta", "echo"]
    raw = [f"Header\nIntro {w}\n{w} one\nEligibility\n{w} two\n{w} three\nEnd {w}" for w in words]
    cleaned = clean_pages(raw)
    assert all("Eligibility" in page for page in cleaned)
    assert not any("Header" in page for page in cleaned)


def test_short_documents_keep_their_lines() -> None:
    # Two pages are not enough evidence that a line is a running header.
    assert clean_pages(["Leave Policy\nText one.", "Leave Policy\nText two."])[1].startswith("Leave Policy")


@pytest.mark.parametrize(
    ("text", "vocabulary", "expected"),
    [
        ("the employ-\nment contract", {"employment"}, "the employment\n contract"),
        ("visit an in-\nnetwork doctor", {"in", "network"}, "visit an in-network\n doctor"),
        ("an out-of-\nnetwork claim", set(), "an out-of-network\n claim"),
        ("see COVID-\n19 rules", set(), "see COVID-\n19 rules"),
        ("soft\u00adhyphen", set(), "softhyphen"),
    ],
)
def test_dehyphenation_uses_the_document_as_dictionary(
    text: str, vocabulary: set[str], expected: str
) -> None:
    assert dehyphenate(text, vocabulary) == expected


def test_clean_pages_repairs_hyphenation_across_lines() -> None:
    pages = clean_pages(["Your employment starts today.\nThe employ-\nment contract is signed."])
    assert "The employment" in pages[0]
    assert "employ-" not in pages[0]


def test_vocabulary_keeps_compounds() -> None:
    assert {"in-network", "coverage"} <= document_vocabulary(["In-network coverage"])


def test_normalise_line_maps_private_use_bullets_and_spaces() -> None:
    assert normalise_line("\uf0b7  Gym\u00a0memberships  ") == "• Gym memberships"


def test_short_templated_pages_are_not_wiped_out() -> None:
    raw = [f"Form {n}\nSigned by employee {n}." for n in range(6)]
    assert clean_pages(raw) == [f"Form {n}\nSigned by employee {n}." for n in range(6)]

"""Clipped words read from the documents: "comp off" as "compensatory off"."""

from __future__ import annotations

import pytest

from backend.rag.retrieve.clippings import Neighbourhoods

DOCUMENTS = [
    "Compensatory Off: Comp-off is credited when approved. See your comp off balance.",
    "5. Compensatory Leave/Off: compensatory leave must be taken within sixty days.",
    "Claims are covered under the plan. Understanding the plan helps. Services covered under it.",
    "Workers' compensation insurance pays for injuries at work.",
]


@pytest.mark.parametrize(
    ("question", "expanded"),
    [
        ("catalyst comp off rules", "catalyst compensatory off rules"),
        ("Do I get Comp Off?", "Do I get compensatory Off?"),
        # "under" stands beside many words in the documents: an ordinary word, not a clipping.
        ("Are allergy shots covered under Health Plus?", "Are allergy shots covered under Health Plus?"),
        # "comp" beside "workers" is a clipping the documents never write: left alone.
        ("is that workers comp?", "is that workers comp?"),
        ("", ""),
    ],
)
def test_expand_writes_out_only_clippings_the_documents_use(question: str, expanded: str) -> None:
    assert Neighbourhoods(DOCUMENTS).expand(question) == expanded


def test_a_clipping_with_two_full_forms_is_left_alone() -> None:
    documents = ["Comp-off", "compensatory off", "complimentary off"]
    assert Neighbourhoods(documents).expand("comp off") == "comp off"


def test_a_word_the_documents_write_once_is_no_clipping() -> None:
    # "heal" stands once, before "to": trivially always beside one word, but no habit of clipping.
    documents = ["Wounds take time to heal properly.", "See healthcare properly explained."]
    assert Neighbourhoods(documents).expand("How long to heal properly?") == "How long to heal properly?"

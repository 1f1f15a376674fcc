"""Table tests: initials read from the documents ("PW" for Physics Wallah) and spelled out in questions."""

from __future__ import annotations

import pytest

from backend.rag.retrieve.initialisms import document_initialisms, file_name_words, join_names, spell_out
from backend.rag.types import Chunk


def chunk(file: str, text: str) -> Chunk:
    return Chunk(f"{file}:1:0", file, 1, "Leave Policy", "", text, "0" * 64)


PW = chunk("physicswallah_leave_policy.pdf", "Physics Wallah believes that members should rest.")


@pytest.mark.parametrize(
    ("chunks", "expected"),
    [
        ([PW], {"PW": "Physics Wallah"}),
        # the name word must be the file's: "Physics Wallah" in another file's text names nothing
        ([chunk("catalyst_leave_policy.pdf", PW.text)], {}),
        # a document that writes the initials itself explains them; they are left alone
        ([PW, chunk("physicswallah_leave_policy.pdf", "PW members get 12 days.")], {}),
        # "Northwind Health Plus" runs on past the name: the initials are of the words that make it
        (
            [chunk("northwindhealth_plan.pdf", "Northwind Health Plus covers this.")],
            {"NH": "Northwind Health"},
        ),
        # two names with the same initials: neither is guessed
        (
            [PW, chunk("pacificwidgets_handbook.pdf", "Pacific Widgets is an employer.")],
            {},
        ),
        # a short name word is one ordinary word, never a run of capitalised words
        ([chunk("acme_plus_policy.pdf", "Acme Plus covers this.")], {}),
    ],
)
def test_initials_are_read_from_a_files_name_and_text(chunks: list[Chunk], expected: dict[str, str]) -> None:
    assert document_initialisms(chunks) == expected


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("paternity leave at PW - how long?", "paternity leave at Physics Wallah - how long?"),
        ("paternity leave at pw", "paternity leave at Physics Wallah"),
        ("Is PWD leave a thing?", "Is PWD leave a thing?"),  # part of a longer word
        ("is it paid at AT and at at", "is it paid at Acme Tools and at at"),  # "at" is a word
    ],
)
def test_initials_in_a_question_are_spelled_out(text: str, spelled: str) -> None:
    initialisms = {"PW": "Physics Wallah", "AT": "Acme Tools"}
    assert spell_out(text, initialisms) == spelled


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("how much can I get back from Perks Plus?", "how much can I get back from PerksPlus?"),
        ("perks plus gym", "perksplus gym"),
        ("Health Plus cover", "Health Plus cover"),  # "healthplus" names no file
        ("Perks  Plus", "PerksPlus"),  # however many spaces
        ("Perks\nPlus", "Perks\nPlus"),  # not across lines
        ("a" * 5_000 + " Plus", "a" * 5_000 + " Plus"),
    ],
)
def test_a_name_written_as_two_words_is_joined_as_the_file_name_writes_it(text: str, joined: str) -> None:
    names = file_name_words(["PerksPlus.pdf", "Northwind_Health_Plus_Benefits_Details.pdf"])
    assert "perksplus" in names
    assert join_names(text, names) == joined

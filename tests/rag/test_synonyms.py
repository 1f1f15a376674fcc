"""Table tests: the synonym file HR admins edit, and how a question is searched with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.errors import SentenceError
from backend.rag.index.bm25 import tokenize
from backend.rag.retrieve.synonyms import (
    Synonyms,
    SynonymsFormatError,
    load_synonyms,
    parse_synonyms,
    policy_phrases,
)
from tests.rag.eval_corpus import ALL_DOCS, pdf_pages_or_skip

REPO_ROOT = Path(__file__).resolve().parents[2]
FILE = """
# fertility
IVF, in-vitro => in vitro fertilization, fertility treatment
telehealth => telemedicine, virtual care   # a comment after an entry
flu shot => influenza vaccine
flu => influenza
ivf => assisted reproduction
"""


def test_entries_are_read_with_their_comments_and_case_dropped() -> None:
    synonyms = parse_synonyms(FILE)
    assert synonyms.entries == {
        # a typed word listed twice keeps both lines' phrases, in order
        "ivf": ("in vitro fertilization", "fertility treatment", "assisted reproduction"),
        "in-vitro": ("in vitro fertilization", "fertility treatment"),
        "telehealth": ("telemedicine", "virtual care"),
        "flu shot": ("influenza vaccine",),
        "flu": ("influenza",),
    }


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("ivf in vitro fertilization", "line 2: write one entry"),
        ("ivf => a => b", "line 2: write one entry"),
        ("ivf => ", "line 2: '' is not a phrase"),
        ("ivf, => in vitro", "line 2: '' is not a phrase"),
        ("<script> => in vitro", "line 2: '<script>' is not a phrase"),
        ("ivf => " + "x" * 61, "line 2: 'xxxx"),
        ("the => in vitro", "line 2: 'the' has no word search can use"),
    ],
)
def test_a_malformed_line_is_an_error_naming_it(line: str, says: str) -> None:
    with pytest.raises(SynonymsFormatError, match=says) as raised:
        parse_synonyms(f"# header\n{line}\n", source="synonyms.txt")
    assert isinstance(raised.value, SentenceError)  # the page shows it as one sentence
    assert str(raised.value).startswith("synonyms.txt, line 2")


def test_a_missing_file_is_no_synonyms_and_an_unreadable_one_an_error(tmp_path: Path) -> None:
    assert len(load_synonyms(tmp_path / "absent.txt")) == 0
    binary = tmp_path / "synonyms.txt"
    binary.write_bytes(b"ivf => \xff\xfe in vitro\n")
    with pytest.raises(SynonymsFormatError, match="could not be read as UTF-8"):
        load_synonyms(binary)


INDEX_TERMS = frozenset(
    tokenize("in vitro fertilization telemedicine virtual care influenza vaccine telehealth")
)


def known(term: str) -> bool:
    return term in INDEX_TERMS


@pytest.mark.parametrize(
    ("question", "phrases"),
    [
        ("does northwind standard cover IVF", ("in vitro fertilization",)),
        # a typed word some policy uses still gets the others' words: one booklet says telehealth,
        # the other telemedicine
        ("Is telehealth covered?", ("telemedicine", "virtual care")),
        # the longer typed phrase wins, and the shorter one inside it adds nothing
        ("when is the flu shot free", ("influenza vaccine",)),
        ("flu symptoms", ("influenza",)),
        # only a whole word: "ivfx" and "reflux" name nothing
        ("ivfx reflux", ()),
        # a policy phrase the question already has is not added again
        ("IVF (in vitro fertilization) cover", ()),
        # each phrase once
        ("IVF, IVF and in-vitro", ("in vitro fertilization",)),
    ],
)
def test_the_policies_words_for_a_typed_word(question: str, phrases: tuple[str, ...]) -> None:
    assert policy_phrases(question, parse_synonyms(FILE), known) == phrases


def test_a_policy_phrase_the_index_lacks_is_not_used() -> None:
    # "fertility treatment" and "assisted reproduction" have words no indexed policy uses
    assert policy_phrases("IVF?", parse_synonyms(FILE), known) == ("in vitro fertilization",)
    assert policy_phrases("IVF?", parse_synonyms(FILE), lambda term: False) == ()
    assert policy_phrases("IVF?", Synonyms(), known) == ()


def test_a_long_question_is_read_in_linear_time() -> None:
    # untrusted input: every word a typed phrase, matched once each
    phrases = policy_phrases("flu " * 5_000, parse_synonyms(FILE), known)
    assert phrases == ("influenza",)


def test_a_file_saved_with_a_byte_order_mark_reads_its_first_entry(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.txt"
    path.write_bytes("ivf => in vitro fertilization\n".encode("utf-8-sig"))
    assert load_synonyms(path).entries == {"ivf": ("in vitro fertilization",)}


def test_the_shipped_synonym_file_parses() -> None:
    synonyms = load_synonyms(REPO_ROOT / "data" / "search_synonyms.txt")
    assert len(synonyms) >= 100
    for typed, written in synonyms.entries.items():
        assert typed not in written, typed


def test_every_policy_phrase_of_the_shipped_file_is_written_in_a_policy() -> None:
    # An entry whose policy phrase no policy writes could never help; one edited in by mistake shows here.
    def words(text: str) -> str:  # whole words: "out-of-pocket" and "out of pocket" are one phrase
        return " " + " ".join(re.sub(r"[^a-z0-9&'’]+", " ", text.casefold()).split()) + " "

    pages = pdf_pages_or_skip()
    corpus = words(" ".join(" ".join(pages(name)) for name in ALL_DOCS))
    synonyms = load_synonyms(REPO_ROOT / "data" / "search_synonyms.txt")
    written = {p for phrases in synonyms.entries.values() for p in phrases}
    assert not {p for p in written if words(p) not in corpus}

"""The blind HR evaluation set is well-formed, its citations are provably right, and its facts can be scored.

The questions were written from headings alone (``eval/blind_questions.draft.jsonl``, committed first);
the answers, pages and facts were added from the page text afterwards. Each answerable question's
``source_quote`` must occur on a cited page of the real PDF, and each of its facts (a list of acceptable
regexes) must be stated by its own reference answer, but not by a refusal that merely repeats the question.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rag.eval_corpus import ALL_DOCS, normalise, pdf_pages_or_skip

REPO_ROOT = Path(__file__).resolve().parents[2]
DATASET = REPO_ROOT / "eval" / "blind_questions.jsonl"
DRAFT = REPO_ROOT / "eval" / "blind_questions.draft.jsonl"
KEYS = ["id", "question", "answerable", "split", "citations", "facts", "answer", "source_quote"]
DOCUMENTS = set(ALL_DOCS)
# A fact must name something specific: neither a refusal that repeats the question nor a vague
# "yes, it's covered, see the days and amounts" may state it.
VAGUE_ANSWER = "Yes, that is covered by the policy; see the document for the days, weeks, hours and amount."


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _answerable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in records if record["answerable"]]


def _states(fact: list[str], text: str) -> bool:
    normalised = " ".join(text.split())
    return any(re.search(pattern, normalised, flags=re.IGNORECASE) for pattern in fact)


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return _read_jsonl(DATASET)


@pytest.fixture(scope="module")
def pdf_pages() -> Callable[[str], tuple[str, ...]]:
    return pdf_pages_or_skip()


def test_every_line_has_the_documented_fields_and_types(records: list[dict[str, Any]]) -> None:
    for record in records:
        assert list(record) == KEYS, record
        assert re.fullmatch(r"b\d{3}", record["id"]), record["id"]
        assert isinstance(record["question"], str)
        assert record["question"].strip()
        assert isinstance(record["answerable"], bool)
        assert record["split"] in {"dev", "test"}
        assert isinstance(record["answer"], str)
        assert record["answer"].strip()
        for citation in record["citations"]:
            assert set(citation) == {"file", "page"}, citation
            assert citation["file"] in DOCUMENTS, citation
            assert isinstance(citation["page"], int), citation
        for fact in record["facts"]:
            assert isinstance(fact, list), fact
            assert fact, record["id"]
            assert all(isinstance(pattern, str) for pattern in fact), fact
        if record["answerable"]:
            assert record["citations"], record["id"]
            assert record["source_quote"].strip(), record["id"]
            assert 1 <= len(record["facts"]) <= 3, record["id"]
        else:
            assert record["citations"] == [], record["id"]
            assert record["facts"] == [], record["id"]
            assert record["source_quote"] == "", record["id"]


def test_ids_are_unique(records: list[dict[str, Any]]) -> None:
    ids = Counter(record["id"] for record in records)
    assert not [identifier for identifier, count in ids.items() if count > 1]


def test_set_is_large_enough_and_cites_every_document(records: list[dict[str, Any]]) -> None:
    answerable = _answerable(records)
    assert len(answerable) >= 70
    assert len(records) - len(answerable) >= 45
    cited = {citation["file"] for record in answerable for citation in record["citations"]}
    assert cited == DOCUMENTS


def test_both_splits_hold_answerable_and_unanswerable_questions(records: list[dict[str, Any]]) -> None:
    counts = Counter((record["split"], record["answerable"]) for record in records)
    for split in ("dev", "test"):
        for answerable in (True, False):
            assert counts[(split, answerable)] > 0, (split, answerable)
        total = counts[(split, True)] + counts[(split, False)]
        assert abs(total - len(records) / 2) <= len(records) * 0.05, counts


def test_every_fact_pattern_compiles(records: list[dict[str, Any]]) -> None:
    for record in records:
        for fact in record["facts"]:
            for pattern in fact:
                re.compile(pattern, flags=re.IGNORECASE)


@pytest.mark.parametrize("record", _answerable(_read_jsonl(DATASET)), ids=lambda record: record["id"])
def test_reference_answer_states_every_fact(record: dict[str, Any]) -> None:
    for fact in record["facts"]:
        assert _states(fact, record["answer"]), f"{record['id']}: no pattern of {fact} matches its answer"


@pytest.mark.parametrize("record", _answerable(_read_jsonl(DATASET)), ids=lambda record: record["id"])
def test_a_refusal_or_vague_answer_states_no_fact(record: dict[str, Any]) -> None:
    refusal = f'I could not find an answer to "{record["question"]}" in the policies that were searched.'
    for text in (refusal, VAGUE_ANSWER):
        stated = [fact for fact in record["facts"] if _states(fact, text)]
        assert not stated, f"{record['id']}: {stated} is stated by {text!r}"


def test_cited_pages_exist(
    records: list[dict[str, Any]], pdf_pages: Callable[[str], tuple[str, ...]]
) -> None:
    for record in _answerable(records):
        for citation in record["citations"]:
            page_count = len(pdf_pages(citation["file"]))
            assert 1 <= citation["page"] <= page_count, f"{record['id']}: {citation} ({page_count} pages)"


@pytest.mark.parametrize("record", _answerable(_read_jsonl(DATASET)), ids=lambda record: record["id"])
def test_source_quote_is_on_a_cited_page(
    record: dict[str, Any], pdf_pages: Callable[[str], tuple[str, ...]]
) -> None:
    quote = normalise(record["source_quote"])
    cited_pages = [pdf_pages(citation["file"])[citation["page"] - 1] for citation in record["citations"]]
    assert any(quote in page for page in cited_pages), f"{record['id']}: quote not on {record['citations']}"


def test_final_questions_are_the_blind_draft_questions(records: list[dict[str, Any]]) -> None:
    draft = _read_jsonl(DRAFT)
    assert Counter(row["question"] for row in draft) == Counter(record["question"] for record in records)
    off_topic = [row for row in draft if row["expected_file"] is None]
    assert all(not row["expected_answerable"] for row in off_topic)
    assert len(off_topic) <= 8

"""The held-out HR evaluation set is well-formed, its citations are provably right, and its facts can be
scored. Written blind by a helper who saw neither the other sets nor the system (``eval/README.md``); every
question is in the test split, reported only."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rag.eval_corpus import ALL_DOCS, normalise, pdf_pages_or_skip
from tests.rag.test_blind_eval_dataset import KEYS, VAGUE_ANSWER, _answerable, _read_jsonl, _states

REPO_ROOT = Path(__file__).resolve().parents[2]
DATASET = REPO_ROOT / "eval" / "holdout_questions.jsonl"
DRAFT = REPO_ROOT / "eval" / "holdout_questions.draft.jsonl"


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return _read_jsonl(DATASET)


def test_every_line_has_the_documented_fields_and_is_test_only(records: list[dict[str, Any]]) -> None:
    for record in records:
        assert list(record) == KEYS, record
        assert re.fullmatch(r"h\d{3}", record["id"]), record["id"]
        assert record["split"] == "test"
        assert record["question"].strip()
        assert record["answer"].strip()
        assert all(c["file"] in ALL_DOCS and isinstance(c["page"], int) for c in record["citations"])
        if record["answerable"]:
            assert record["citations"], record["id"]
            assert record["source_quote"].strip(), record["id"]
            assert 1 <= len(record["facts"]) <= 3, record["id"]
        else:
            assert (record["citations"], record["facts"], record["source_quote"]) == ([], [], ""), record[
                "id"
            ]
    assert len({r["id"] for r in records}) == len(records)


def test_set_is_large_enough(records: list[dict[str, Any]]) -> None:
    answerable = _answerable(records)
    assert len(answerable) >= 40
    assert len(records) - len(answerable) >= 20


def test_final_questions_are_word_for_word_blind_draft_questions(records: list[dict[str, Any]]) -> None:
    draft = Counter(row["question"] for row in _read_jsonl(DRAFT))
    assert not Counter(record["question"] for record in records) - draft


@pytest.mark.parametrize("record", _answerable(_read_jsonl(DATASET)), ids=lambda record: record["id"])
def test_facts_are_stated_by_the_reference_answer_and_not_by_a_refusal(record: dict[str, Any]) -> None:
    refusal = f'I could not find an answer to "{record["question"]}" in the policies that were searched.'
    for fact in record["facts"]:
        for pattern in fact:
            assert not re.fullmatch(pattern, "", flags=re.IGNORECASE), pattern
        assert _states(fact, record["answer"]), f"{record['id']}: no pattern of {fact} matches its answer"
        assert not _states(fact, refusal), f"{record['id']}: {fact} is stated by a refusal"
        assert not _states(fact, VAGUE_ANSWER), f"{record['id']}: a vague answer states {fact}"


@pytest.mark.parametrize("record", _answerable(_read_jsonl(DATASET)), ids=lambda record: record["id"])
def test_source_quote_and_every_fact_are_on_the_cited_pages(
    record: dict[str, Any], pdf_pages: Callable[[str], tuple[str, ...]]
) -> None:
    pages = [pdf_pages(c["file"]) for c in record["citations"]]
    assert all(1 <= c["page"] <= len(p) for c, p in zip(record["citations"], pages, strict=True))
    cited = [p[c["page"] - 1] for c, p in zip(record["citations"], pages, strict=True)]
    assert any(normalise(record["source_quote"]) in page for page in cited), record["id"]
    for fact in record["facts"]:
        assert _states(fact, " ".join(cited)), f"{record['id']}: {fact} is on none of its cited pages"


@pytest.fixture(scope="module")
def pdf_pages() -> Callable[[str], tuple[str, ...]]:
    return pdf_pages_or_skip()

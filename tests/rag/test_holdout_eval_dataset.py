"""The held-out HR evaluation sets (and the second blind dev set) are well-formed, their citations are
provably right, and their facts can be scored. Each was written blind by a helper who saw neither the
other sets nor the system (``eval/README.md``). Every question of a held-out set is in the test split,
reported only; every question of ``dev2``, ``dev3``, ``dev4``, ``dev5``, ``dev6`` and ``dev7`` is in the
dev split, for tuning."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rag.eval_corpus import ALL_DOCS, normalise, pdf_pages_or_skip
from tests.rag.test_blind_eval_dataset import KEYS, VAGUE_ANSWER, _answerable, _read_jsonl, _states

EVAL = Path(__file__).resolve().parents[2] / "eval"
# (questions, blind draft, id prefix, split)
SETS = {
    "holdout": (EVAL / "holdout_questions.jsonl", EVAL / "holdout_questions.draft.jsonl", "h", "test"),
    "holdout2": (EVAL / "holdout2_questions.jsonl", EVAL / "holdout2_questions.draft.jsonl", "k", "test"),
    "dev2": (EVAL / "dev2_questions.jsonl", EVAL / "dev2_questions.draft.jsonl", "n", "dev"),
    "dev3": (EVAL / "dev3_questions.jsonl", EVAL / "dev3_questions.draft.jsonl", "m", "dev"),
    "dev4": (EVAL / "dev4_questions.jsonl", EVAL / "dev4_questions.draft.jsonl", "p", "dev"),
    "dev5": (EVAL / "dev5_questions.jsonl", EVAL / "dev5_questions.draft.jsonl", "r", "dev"),
    "dev6": (EVAL / "dev6_questions.jsonl", EVAL / "dev6_questions.draft.jsonl", "s", "dev"),
    "dev7": (EVAL / "dev7_questions.jsonl", EVAL / "dev7_questions.draft.jsonl", "t", "dev"),
}
ANSWERABLE = [
    pytest.param(record, id=record["id"])
    for dataset, *_ in SETS.values()
    for record in _answerable(_read_jsonl(dataset))
]


@pytest.fixture(scope="module")
def pdf_pages() -> Callable[[str], tuple[str, ...]]:
    return pdf_pages_or_skip()


@pytest.mark.parametrize("name", SETS)
def test_every_line_has_the_documented_fields_and_the_sets_split(name: str) -> None:
    dataset, _, prefix, split = SETS[name]
    records = _read_jsonl(dataset)
    for record in records:
        assert list(record) == KEYS, record
        assert re.fullmatch(rf"{prefix}\d{{3}}", record["id"]), record["id"]
        assert record["split"] == split
        assert record["question"].strip()
        assert record["answer"].strip()
        assert all(c["file"] in ALL_DOCS and isinstance(c["page"], int) for c in record["citations"])
        if record["answerable"]:
            assert record["citations"], record["id"]
            assert record["source_quote"].strip(), record["id"]
            assert 1 <= len(record["facts"]) <= 3, record["id"]
        else:
            empty = (record["citations"], record["facts"], record["source_quote"])
            assert empty == ([], [], ""), record["id"]
    assert len({r["id"] for r in records}) == len(records)


def test_each_set_has_its_own_id_prefix() -> None:
    # The eval joins per-question details on id, so two sets must never share one.
    prefixes = [prefix for *_, prefix, _ in SETS.values()]
    assert len(set(prefixes)) == len(prefixes)


@pytest.mark.parametrize("name", SETS)
def test_set_is_large_enough(name: str) -> None:
    records = _read_jsonl(SETS[name][0])
    answerable = _answerable(records)
    assert len(answerable) >= 40
    assert len(records) - len(answerable) >= 20


@pytest.mark.parametrize("name", SETS)
def test_final_questions_are_word_for_word_blind_draft_questions(name: str) -> None:
    dataset, draft, *_ = SETS[name]
    drafted = Counter(row["question"] for row in _read_jsonl(draft))
    assert not Counter(record["question"] for record in _read_jsonl(dataset)) - drafted


@pytest.mark.parametrize("record", ANSWERABLE)
def test_facts_are_stated_by_the_reference_answer_and_not_by_a_refusal(record: dict[str, Any]) -> None:
    refusal = f'I could not find an answer to "{record["question"]}" in the policies that were searched.'
    for fact in record["facts"]:
        for pattern in fact:
            assert not re.fullmatch(pattern, "", flags=re.IGNORECASE), pattern
        assert _states(fact, record["answer"]), f"{record['id']}: no pattern of {fact} matches its answer"
        assert not _states(fact, refusal), f"{record['id']}: {fact} is stated by a refusal"
        assert not _states(fact, VAGUE_ANSWER), f"{record['id']}: a vague answer states {fact}"


@pytest.mark.parametrize("record", ANSWERABLE)
def test_source_quote_and_every_fact_are_on_the_cited_pages(
    record: dict[str, Any], pdf_pages: Callable[[str], tuple[str, ...]]
) -> None:
    pages = [pdf_pages(c["file"]) for c in record["citations"]]
    assert all(1 <= c["page"] <= len(p) for c, p in zip(record["citations"], pages, strict=True))
    cited = [p[c["page"] - 1] for c, p in zip(record["citations"], pages, strict=True)]
    assert any(normalise(record["source_quote"]) in page for page in cited), record["id"]
    for fact in record["facts"]:
        assert _states(fact, " ".join(cited)), f"{record['id']}: {fact} is on none of its cited pages"

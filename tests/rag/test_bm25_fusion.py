"""BM25 keyword scoring and reciprocal rank fusion on hand-made data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backend.rag.index.bm25 import BM25Index, tokenize
from backend.rag.retrieve.fusion import reciprocal_rank_fusion

DOCS = [
    "Employees receive twenty days of annual leave per year.",
    "The TMJ treatment is covered when medically necessary.",
    "Sick leave requires a medical certificate after three days.",
    "Policies on parking, cafeteria and the office gym.",
]


def test_tokenize_drops_stopwords_and_folds_plurals() -> None:
    assert tokenize("The policies for Employees' benefits") == ["policy", "employee", "benefit"]
    # the plural of a stop word is one too: "weekly offs" asks what "weekly off" asks
    assert tokenize("weekly offs") == tokenize("weekly off") == ["weekly"]


def test_rare_exact_term_ranks_its_document_first() -> None:
    index = BM25Index.build(DOCS)
    assert index.top("is TMJ covered?", 2)[0][0] == 1
    assert index.top("medical certificate", 4)[0][0] == 2


def test_plural_query_matches_singular_text() -> None:
    index = BM25Index.build(DOCS)
    assert index.top("policy", 1)[0][0] == 3


def test_unknown_or_empty_query_scores_nothing() -> None:
    index = BM25Index.build(DOCS)
    assert index.top("zebra", 3) == []
    assert index.top("", 3) == []
    assert not index.scores("the and of").any()


def test_idf_prefers_the_rarer_term() -> None:
    index = BM25Index.build(["leave leave policy", "leave gym", "leave parking"])
    scores = index.scores("leave gym")
    assert int(np.argmax(scores)) == 1


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    index = BM25Index.build(DOCS)
    index.save(tmp_path)
    loaded = BM25Index.load(tmp_path)
    np.testing.assert_allclose(loaded.scores("annual leave gym"), index.scores("annual leave gym"))
    # Plain arrays only: loadable without pickle.
    np.load(tmp_path / "bm25_data.npy", allow_pickle=False)


def test_rrf_scores_match_the_formula() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], k=60)
    scores = dict(fused)
    assert scores["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert scores["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert scores["b"] == pytest.approx(1 / 62)
    assert [item for item, _ in fused] == ["a", "c", "b"]


def test_rrf_item_in_both_lists_beats_a_single_first_place() -> None:
    fused = reciprocal_rank_fusion([["x", "both"], ["y", "both"]], k=1)
    assert fused[0][0] == "both"


def test_rrf_ties_keep_first_seen_order_and_duplicates_count_once() -> None:
    fused = reciprocal_rank_fusion([["p", "p", "q"], ["q", "p"]])
    assert [item for item, _ in fused] == ["p", "q"]
    assert dict(fused)["p"] == pytest.approx(1 / 61 + 1 / 62)


def test_rrf_weights() -> None:
    fused = reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0, 2.0])
    assert [item for item, _ in fused] == ["b", "a"]
    with pytest.raises(ValueError, match="one weight"):
        reciprocal_rank_fusion([["a"]], weights=[1.0, 2.0])

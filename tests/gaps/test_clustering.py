from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from backend.gaps.clustering import cluster_vectors, group_key, medoid, normalise_question

FIXTURE = Path(__file__).with_name("questions.jsonl")


def test_rows_join_the_most_similar_group_above_the_threshold() -> None:
    vectors = np.array(
        [
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.9, 0.1, 0.0],  # close to the first
            [0.0, 0.0, 1.0],
            [0.1, 0.95, 0.0],  # close to the second
            [0.5, 0.5, 0.5],  # cos ≤ 0.64 to every centroid: a group of its own
        ]
    )
    assert cluster_vectors(vectors, threshold=0.65) == [[0, 2], [1, 4], [3], [5]]
    assert cluster_vectors(vectors, threshold=0.6) == [[0, 2, 5], [1, 4], [3]]
    assert cluster_vectors(vectors[:0], threshold=0.6) == []
    assert medoid(vectors, [0, 2]) in (0, 2)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Is there a gym?", "is there a  GYM"), ("  Parking? ", "parking"), ("Pets!", "pets")],
)
def test_the_same_question_written_differently_has_one_key(a: str, b: str) -> None:
    assert normalise_question(a) == normalise_question(b)
    assert group_key(a) == group_key(b)


@pytest.mark.local_model
def test_the_fixture_groups_by_topic_and_groups_stay_stable_as_questions_arrive(tmp_path: Path) -> None:
    from backend.providers import build_embeddings
    from backend.settings import Settings

    rows = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    embeddings = build_embeddings(Settings(APP_PROVIDER="local", DATA_DIR=tmp_path))
    vectors = np.array(embeddings.embed_documents([r["question"] for r in rows]))
    topics = [r["topic"] for r in rows]

    groups = cluster_vectors(vectors)
    assert [sorted({topics[i] for i in g}) for g in groups] == [
        ["gym"], ["parking"], ["pets"], ["sabbatical"], ["phone"]
    ]  # fmt: skip
    assert sorted(i for g in groups for i in g) == list(range(len(rows)))

    # The first half alone gives the same groups, with the same first question, as the whole set does.
    half = len(rows) // 2
    early = cluster_vectors(vectors[:half])
    for group in early:
        later = next(g for g in groups if g[0] == group[0])
        assert set(group) <= set(later)
    assert cluster_vectors(vectors) == groups  # deterministic

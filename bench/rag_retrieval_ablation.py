"""Which retrieval change moved the dev figures: distinct pages, spelling correction, fusion weights.

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.rag_retrieval_ablation --index IDX
(IDX: python -m backend.rag ingest ../shared/corpus/contoso ../shared/corpus/leave --index IDX)

Page recall@5 and MRR on the dev split of both eval sets, for the pipeline as shipped and with one change
turned off at a time. Dev only: the test split is never used to choose anything.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from backend.providers import build_embeddings
from backend.rag.evaluate import retrieval
from backend.rag.evaluate.dataset import in_split, load_questions
from backend.rag.index import bm25
from backend.rag.index.store import IndexStore
from backend.rag.retrieve import hybrid
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.settings import load_settings
from bench._util import REPO_ROOT

DATASETS = {
    "ours": REPO_ROOT / "eval" / "policy_questions.jsonl",
    "blind": REPO_ROOT / "eval" / "blind_questions.jsonl",
}


@contextmanager
def chunks_not_pages() -> Iterator[None]:
    original = hybrid._best_per_page
    hybrid._best_per_page = lambda fused, index, k: fused[:k]
    try:
        yield
    finally:
        hybrid._best_per_page = original


@contextmanager
def no_spelling_correction() -> Iterator[None]:
    original = bm25.BM25Index.correct
    bm25.BM25Index.correct = lambda self, term: term  # type: ignore[method-assign]
    try:
        yield
    finally:
        bm25.BM25Index.correct = original  # type: ignore[method-assign]


@contextmanager
def unchanged() -> Iterator[None]:
    yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    settings = load_settings(index_dir=args.index, APP_PROVIDER="local")
    embeddings = build_embeddings(settings)
    variants = [
        ("as shipped (distinct pages, spelling, weights 1:1)", unchanged, (1.0, 1.0)),
        ("chunks instead of distinct pages", chunks_not_pages, (1.0, 1.0)),
        ("no spelling correction in BM25", no_spelling_correction, (1.0, 1.0)),
        ("fusion weights dense 1.5 : BM25 1", unchanged, (1.5, 1.0)),
        ("fusion weights dense 1 : BM25 1.5", unchanged, (1.0, 1.5)),
    ]
    questions = {name: in_split(load_questions(path), "dev") for name, path in DATASETS.items()}
    print(f"{'variant':<52} " + "  ".join(f"{n} recall@{args.k}  {n} MRR" for n in DATASETS))
    for label, toggle, weights in variants:
        retriever = HybridRetriever(IndexStore(args.index), embeddings, weights=weights)
        cells = []
        with toggle():
            for name in DATASETS:
                summary = retrieval.summarize(retrieval.run(retriever, questions[name], args.k), args.k, 0.0)
                cells.append(f"{summary.page_recall:>{len(name) + 9}.3f}  {summary.mrr:>{len(name) + 4}.3f}")
        print(f"{label:<52} " + "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()

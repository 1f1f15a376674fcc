"""Choose the extractive answer's weights on the dev split: fact accuracy of the answer people read.

    HF_HUB_OFFLINE=1 .venv/bin/python eval/tools/tune_extractive.py --index IDX \\
        eval/policy_questions.jsonl eval/blind_questions.jsonl eval/dev2_questions.jsonl \\
        eval/dev3_questions.jsonl

Retrieval runs once per question and unit embeddings are memoised, so each candidate setting only
re-scores and re-composes. Only dev questions are read; the test split is never looked at here.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from langchain_core.embeddings import Embeddings

from backend.providers import build_embeddings
from backend.rag.answer.extractive import Extractor, UnitWeights, compose
from backend.rag.answer.thresholds import LOCAL_MIN_SCORE
from backend.rag.evaluate.answers import fact_stated
from backend.rag.evaluate.dataset import in_split, load_questions
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.settings import load_settings


class Memo(Embeddings):
    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.cache: dict[str, list[float]] = {}

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed_documents(missing), strict=True))
        return [self.cache[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        key = "\0q" + text
        if key not in self.cache:
            self.cache[key] = self.inner.embed_query(text)
        return self.cache[key]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    settings = load_settings(index_dir=args.index)
    embeddings = Memo(build_embeddings(settings))
    retriever = HybridRetriever(
        __import__("backend.rag.index.store", fromlist=["IndexStore"]).IndexStore(args.index), embeddings
    )
    corpus = retriever.corpus()
    questions = [q for path in args.datasets for q in in_split(load_questions(path), "dev")]
    answerable = [q for q in questions if q.answerable and q.facts]
    retrieved = {}
    for q in answerable:
        found = retriever.search(q.question, args.k)
        retrieved[q.question] = [s for s in found if s.score >= LOCAL_MIN_SCORE]
    print(f"{len(answerable)} answerable dev questions with facts", flush=True)
    rows = []
    grid = itertools.product((0.3, 0.5, 0.8), (0.0, 0.3, 0.6), (0.2, 0.35), (2, 3), (60, 90, 120, 160))
    for lexical, page, margin, pages, budget in grid:
        extractor = Extractor(
            embeddings, UnitWeights(1.0, lexical, page), word_budget=budget, margin=margin, max_pages=pages
        )
        correct = cited = 0
        words = 0
        for q in answerable:
            sources = retrieved[q.question]
            if not sources:
                continue
            extract = extractor.extract(q.question, sources, terms=corpus, neighbours=corpus)
            text = compose(extract.quotes)
            words += len(text.split())
            correct += all(fact_stated(f, text) for f in q.facts)
            cited += bool({(c.file, c.page) for qq in extract.quotes for c in qq.citations} & q.cited)
        n = len(answerable)
        rows.append((correct / n, cited / n, words / n, lexical, page, margin, pages, budget))
        print(
            f"lexical {lexical} page {page} margin {margin} pages {pages} budget {budget}: "
            f"facts {rows[-1][0]:.3f} cited {rows[-1][1]:.3f} words {rows[-1][2]:.0f}",
            flush=True,
        )
    print("best:", sorted(rows, reverse=True)[:5])


if __name__ == "__main__":
    main()

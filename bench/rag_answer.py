"""Offline HR answer time, as the page streams it: time to the first piece and to the full answer.

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.rag_answer --index IDX [--runs 3]
(IDX: python -m backend.rag ingest ../shared/corpus/contoso ../shared/corpus/leave --index IDX)

Every question of the eval sets' test split is answered ``--runs`` times after one warm-up answer
(model load is start-up, not answer time). The offline answer is extractive: retrieval, scoring the
candidate sentences with MiniLM, composing the quotes; no language model runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from backend.providers import build_embeddings
from backend.rag.answer.factory import build_answerer
from backend.rag.evaluate.answers import answer_one
from backend.rag.evaluate.dataset import in_split, load_questions
from backend.rag.retrieve.factory import build_retriever
from backend.settings import load_settings
from bench._util import REPO_ROOT, summary

DATASETS = (REPO_ROOT / "eval" / "policy_questions.jsonl", REPO_ROOT / "eval" / "blind_questions.jsonl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings(index_dir=args.index, APP_PROVIDER="local")
    embeddings = build_embeddings(settings)
    answerer = build_answerer(settings, build_retriever(settings, embeddings), embeddings)
    questions = [q for path in DATASETS for q in in_split(load_questions(path), "test")]
    answerer.answer(questions[0].question)  # warm-up
    first, full = [], []
    for _ in range(args.runs):
        for question in questions:
            result = answer_one(question, answerer.stream)
            first.append(result.first_token_seconds * 1000)
            full.append(result.seconds * 1000)
    print(f"{len(questions)} test questions x {args.runs} runs, offline extractive answers")
    print(summary("time to first piece", first, "ms"))
    print(summary("time to full answer", full, "ms"))


if __name__ == "__main__":
    main()

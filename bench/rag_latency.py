"""Retrieval latency (no LLM): the contoso index and a synthetic 100k-chunk index.

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.rag_latency --index /tmp/contoso-index
(build that index first: python -m backend.rag ingest ../shared/corpus/contoso --index /tmp/contoso-index)

Each eval question is searched ``--repeats`` times after one warm-up. Reported: the whole
``HybridRetriever.search`` (query embedding + FAISS + BM25 + fusion) and its parts. The synthetic
index has 100k chunks whose texts are random mixes of corpus sentences and whose vectors are random
unit vectors (embedding 100k texts would take an hour here; flat inner-product search costs the same
for any vectors). It goes through IndexStore.write/load, so the load time is reported too.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from backend.providers.local_embeddings import LocalMiniLMEmbeddings, minilm_model_dir
from backend.rag.evaluate import dataset
from backend.rag.index.store import FileEntry, IndexStore, Manifest
from backend.rag.retrieve.hybrid import HybridRetriever, normalise
from backend.rag.types import Chunk
from backend.settings import LOCAL_EMBEDDING_MODEL, load_settings
from bench._util import REPO_ROOT, summary


def _measure(
    retriever: HybridRetriever, embeddings: LocalMiniLMEmbeddings, questions: list[str], repeats: int
) -> None:
    index = retriever.index
    retriever.search(questions[0], 5)
    total, embed, dense, keyword = [], [], [], []
    for _ in range(repeats):
        for q in questions:
            t0 = time.perf_counter()
            retriever.search(q, 5)
            t1 = time.perf_counter()
            vector = normalise(np.asarray(embeddings.embed_query(q), dtype=np.float32))
            t2 = time.perf_counter()
            index.dense.search(vector[None, :], 40)
            t3 = time.perf_counter()
            index.bm25.top(q, 40)
            t4 = time.perf_counter()
            total.append((t1 - t0) * 1000)
            embed.append((t2 - t1) * 1000)
            dense.append((t3 - t2) * 1000)
            keyword.append((t4 - t3) * 1000)
    print(summary("  search (all of it)", total, "ms"))
    print(summary("    query embedding", embed, "ms"))
    print(summary("    FAISS flat IP top-40", dense, "ms"))
    print(summary("    BM25 top-40", keyword, "ms"))


def _synthetic(root: Path, source: list[Chunk], n: int, dim: int) -> None:
    rng = np.random.default_rng(7)
    sentences = [s for c in source for s in c.text.split(". ") if len(s) > 20]
    chunks = []
    per_file = 1000
    for i in range(n):
        picked = rng.choice(len(sentences), size=6, replace=False)
        text = ". ".join(sentences[j] for j in picked)
        chunks.append(
            Chunk(
                f"syn{i // per_file:04d}:{i % per_file + 1}:0",
                f"synthetic-{i // per_file:04d}.pdf",
                i % per_file + 1,
                "Synthetic policy",
                "Section",
                text,
                f"syn{i // per_file:04d}",
            )
        )
    vectors = rng.normal(size=(n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    files = tuple(
        FileEntry(
            f"synthetic-{f:04d}.pdf",
            f"syn{f:04d}",
            "Synthetic policy",
            per_file,
            min(per_file, n - f * per_file),
            "",
        )
        for f in range((n + per_file - 1) // per_file)
    )
    store = IndexStore(root, durable=False)
    with store.writer_lock():
        store.write(Manifest(LOCAL_EMBEDDING_MODEL, dim, files), chunks, vectors)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, default=REPO_ROOT / "eval" / "policy_questions.jsonl")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--synthetic", type=int, default=100_000, help="chunks in the synthetic index (0: skip)"
    )
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    questions = [q.question for q in dataset.load_questions(args.dataset)]
    with tempfile.TemporaryDirectory() as tmp:
        embeddings = LocalMiniLMEmbeddings(
            minilm_model_dir(), load_settings().data_dir / ".model-cache", args.threads
        )
        retriever = HybridRetriever(IndexStore(args.index), embeddings, embedding_model=LOCAL_EMBEDDING_MODEL)
        print(
            f"{args.index}: {len(retriever.index.chunks)} chunks, {len(questions)} questions x {args.repeats}"
        )
        _measure(retriever, embeddings, questions, args.repeats)

        if args.synthetic:
            root = Path(tmp) / "synthetic"
            start = time.perf_counter()
            _synthetic(root, retriever.index.chunks, args.synthetic, retriever.index.manifest.dimension)
            built = time.perf_counter() - start
            start = time.perf_counter()
            synthetic = HybridRetriever(IndexStore(root), embeddings, embedding_model=LOCAL_EMBEDDING_MODEL)
            loaded = len(synthetic.index.chunks)
            print(
                f"synthetic: {loaded} chunks (write {built:.1f} s, load {time.perf_counter() - start:.2f} s)"
            )
            _measure(synthetic, embeddings, questions, args.repeats)


if __name__ == "__main__":
    main()

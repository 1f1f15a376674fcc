"""Local embedding speed and the recall it buys: fp32 torch vs ONNX fp32 vs ONNX int8 (our default).

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.rag_embeddings \
        --corpus ../shared/corpus/contoso ../shared/corpus/leave

1. Throughput on the corpus's own chunks (embedding text = "title > section" + passage): wall and
   CPU seconds for sentence-transformers fp32 (what langchain-huggingface runs), ONNX fp32 and ONNX int8.
2. Page recall@5 / MRR of the full hybrid retriever with an index embedded by ONNX fp32 (identical to
   torch fp32, cosine 1.0) and by ONNX int8, on the eval questions those PDFs answer.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from backend.providers.local_embeddings import LocalMiniLMEmbeddings, minilm_model_dir
from backend.rag.evaluate import dataset
from backend.rag.evaluate import retrieval as evaluate
from backend.rag.index.store import IndexStore
from backend.rag.ingest.ingestor import Ingestor
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.rag.types import embedding_text
from backend.settings import LOCAL_EMBEDDING_MODEL
from bench._util import REPO_ROOT


def _clock(label: str, texts: list[str], embed: object) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    embed(texts)  # type: ignore[operator]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<34} wall {wall:6.1f} s   CPU {cpu:6.1f} s   {len(texts) / wall:6.1f} chunks/s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", nargs="+", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, default=REPO_ROOT / "eval" / "policy_questions.jsonl")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        variants = {
            "onnx-fp32": LocalMiniLMEmbeddings(
                minilm_model_dir(), tmp / "cache", args.threads, quantize=False
            ),
            "onnx-int8": LocalMiniLMEmbeddings(
                minilm_model_dir(), tmp / "cache", args.threads, quantize=True
            ),
        }
        for emb in variants.values():
            emb.embed_query("build the cached model before timing")

        results = {}
        for name, emb in variants.items():
            store = IndexStore(tmp / name, durable=False)
            Ingestor(store, emb, embedding_model=LOCAL_EMBEDDING_MODEL).sync(args.corpus)
            index = store.load()
            retriever = HybridRetriever(store, emb, embedding_model=LOCAL_EMBEDDING_MODEL)
            files = {f.file for f in index.manifest.files}
            questions = dataset.restrict_to_files(dataset.load_questions(args.dataset), files)
            results[name] = evaluate.summarize(evaluate.run(retriever, questions, args.k), args.k, 0.0)
            texts = [embedding_text(c) for c in index.chunks]

        from sentence_transformers import SentenceTransformer

        reference = SentenceTransformer(str(minilm_model_dir()), device="cpu")
        print(f"throughput on {len(texts)} chunks, {args.threads} threads:")
        _clock("sentence-transformers fp32 (torch)", texts, lambda t: reference.encode(t, batch_size=32))
        for name, emb in variants.items():
            _clock(name, texts, emb.embed_documents)

        print(f"retrieval quality on {results['onnx-int8'].answerable} answerable questions:")
        for name, s in results.items():
            recall = f"page recall@{args.k} {s.page_recall:.3f}"
            print(f"  {name:<10} {recall}  hit rate {s.question_hit_rate:.3f}  MRR {s.mrr:.3f}")


if __name__ == "__main__":
    main()

"""The course's seed retrieval pipeline, measured on the same corpus and questions as ours.

Course pipeline: PyPDFLoader (one document per page) -> RecursiveCharacterTextSplitter(chunk_size=100,
chunk_overlap=10) -> embeddings -> plain FAISS (L2, what VectorstoreIndexCreator builds) -> top-k chunks.
Same local MiniLM as ours (fp32, i.e. what langchain-huggingface would run), so only the pipeline differs.
PyPDFLoader is langchain_community, which this project does not depend on; it is one
``page.extract_text()`` per page, reproduced here with pypdf.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.rag_course_baseline \
        --corpus ../shared/corpus/contoso ../shared/corpus/leave --dataset eval/policy_questions.jsonl
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pypdf import PdfReader

from backend.providers.local_embeddings import LocalMiniLMEmbeddings, minilm_model_dir
from backend.rag.evaluate import dataset
from backend.rag.evaluate import retrieval as evaluate
from backend.rag.types import Chunk, ScoredChunk


class CourseRetriever:
    def __init__(self, chunks: list[Chunk], vectors: np.ndarray, embeddings: LocalMiniLMEmbeddings) -> None:
        self.chunks = chunks
        self.embeddings = embeddings
        self.index = faiss.IndexFlatL2(vectors.shape[1])
        self.index.add(vectors)

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        q = np.asarray([self.embeddings.embed_query(query)], dtype=np.float32)
        distances, rows = self.index.search(q, k)
        # Unit vectors: cosine = 1 - d^2 / 2 (faiss returns squared L2).
        return [
            ScoredChunk(self.chunks[r], float(1 - d / 2))
            for d, r in zip(distances[0], rows[0], strict=True)
            if r >= 0
        ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", nargs="+", type=Path, required=True)
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=100, chunk_overlap=10)
    chunks: list[Chunk] = []
    files = sorted(p for folder in args.corpus for p in folder.glob("*.pdf"))
    for path in files:
        for page_no, page in enumerate(PdfReader(path).pages, start=1):
            for i, piece in enumerate(splitter.split_text(page.extract_text() or "")):
                chunks.append(Chunk(f"{path.name}:{page_no}:{i}", path.name, page_no, "", "", piece, ""))
    parsed = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:
        embeddings = LocalMiniLMEmbeddings(minilm_model_dir(), Path(cache), args.threads, quantize=False)
        embeddings.embed_query("warm up (exports the model once)")
        embed_start = time.perf_counter()
        vectors = np.asarray(embeddings.embed_documents([c.text for c in chunks]), dtype=np.float32)
        embedded = time.perf_counter()
        retriever = CourseRetriever(chunks, vectors, embeddings)
        questions = dataset.restrict_to_files(dataset.load_questions(args.dataset), {p.name for p in files})
        results = evaluate.run(retriever, questions, args.k)
    summary = evaluate.summarize(results, args.k, threshold=0.0)
    print(f"course pipeline over {len(files)} PDFs: {len(chunks)} chunks of <=100 chars")
    print(f"questions: {len(questions)} (those citing only these PDFs, plus the unanswerable ones)")
    print(
        f"parse+split {parsed - started:.1f} s, embed {embedded - embed_start:.1f} s "
        "(fp32 ONNX, same numbers as torch)"
    )
    print(
        f"page recall@{args.k}: {summary.page_recall:.3f}  question hit rate: {summary.question_hit_rate:.3f}"
    )
    print(f"MRR@{args.k}: {summary.mrr:.3f}  latency median {summary.latency_median_ms:.1f} ms")


if __name__ == "__main__":
    main()

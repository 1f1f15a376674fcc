"""Ingestion speed: first ingest, unchanged re-ingest and adding one PDF, with the time per stage.

Run: HF_HUB_OFFLINE=1 .venv/bin/python -m bench.rag_ingest --runs 3
Defaults to the 263-page contoso corpus; the "add" case indexes it without employee_handbook.pdf
(11 pages) and then adds that file. The ONNX model cache is built before timing (a one-off ~15 s on
first use, reported separately). Each run uses a fresh embedding object, so ONNX session start-up is
included, and a fresh index directory. The CLI figures are whole ``python -m backend.rag ingest``
processes (interpreter start and imports included).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from backend.providers.local_embeddings import LocalMiniLMEmbeddings, minilm_model_dir
from backend.rag.index.store import IndexStore
from backend.rag.ingest.ingestor import STAGES, Ingestor, IngestReport
from backend.settings import LOCAL_EMBEDDING_MODEL
from bench._util import REPO_ROOT, summary

CPU_SECONDS: list[float] = []  # filled by _timed, read for the first-ingest runs


def _ingestor(index: Path, *, cache: Path, workers: int, threads: int) -> Ingestor:
    embeddings = LocalMiniLMEmbeddings(minilm_model_dir(), cache, threads)
    return Ingestor(IndexStore(index), embeddings, embedding_model=LOCAL_EMBEDDING_MODEL, workers=workers)


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the parser workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _timed(action: Callable[[list[Path]], IngestReport], paths: list[Path]) -> tuple[float, IngestReport]:
    start, cpu = time.perf_counter(), _cpu()
    report = action(paths)
    CPU_SECONDS.append(_cpu() - cpu)
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT.parent / "shared" / "corpus" / "contoso")
    parser.add_argument(
        "--add", default="employee_handbook.pdf", help="file of the corpus used for the add case"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    files = sorted(args.corpus.glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "model-cache"
        start = time.perf_counter()
        LocalMiniLMEmbeddings(minilm_model_dir(), cache, args.threads).embed_query("build the model cache")
        print(f"one-off ONNX export + int8 quantization: {time.perf_counter() - start:.1f} s")

        # The corpus without the add file, as symlinks (the PDFs are never copied).
        partial_dir = tmp / "partial"
        partial_dir.mkdir()
        for f in files:
            if f.name != args.add:
                (partial_dir / f.name).symlink_to(f.resolve())

        first: list[float] = []
        first_cpu: list[float] = []
        unchanged: list[float] = []
        added: list[float] = []
        stages: dict[str, list[float]] = {s: [] for s in STAGES}
        chunks = 0
        fresh = partial(_ingestor, cache=cache, workers=args.workers, threads=args.threads)
        for run in range(args.runs):
            index = tmp / f"index-{run}"
            seconds, report = _timed(fresh(index).sync, [args.corpus])
            first.append(seconds)
            first_cpu.append(CPU_SECONDS[-1])
            chunks = report.total_chunks
            for s in STAGES:
                stages[s].append(report.seconds[s])
            seconds, report = _timed(fresh(index).sync, [args.corpus])
            assert not report.written
            unchanged.append(seconds)

            index = tmp / f"index-add-{run}"
            fresh(index).sync([partial_dir])
            seconds, report = _timed(fresh(index).add, [args.corpus / args.add])
            assert report.count("added") == 1
            added.append(seconds)

        manifest = IndexStore(tmp / "index-0").read_manifest()
        assert manifest is not None, "the first ingest wrote no index"
        pages = sum(e.pages for e in manifest.files)
        print(f"corpus: {len(files)} PDFs, {pages} pages, {chunks} chunks; workers={args.workers}")
        print(summary("first ingest (in-process)", first, "s"))
        print(
            summary(
                "  CPU seconds of that (all processes; wall on an idle 2-core box is about half)",
                first_cpu,
                "s",
            )
        )
        print(
            "  stages (median s): " + ", ".join(f"{s} {statistics.median(v):.2f}" for s, v in stages.items())
        )
        print(summary("re-ingest unchanged (in-process)", unchanged, "s"))
        print(summary(f"add {args.add} (in-process)", added, "s"))

        env = {**os.environ, "HF_HUB_OFFLINE": "1", "DATA_DIR": str(tmp)}
        (tmp / ".model-cache").symlink_to(cache)
        cli = [sys.executable, "-m", "backend.rag", "ingest", str(args.corpus), "--index"]
        cli_first: list[float] = []
        cli_unchanged: list[float] = []
        for run in range(args.runs):
            index = tmp / f"cli-{run}"
            for bucket in (cli_first, cli_unchanged):
                start = time.perf_counter()
                subprocess.run([*cli, str(index)], cwd=REPO_ROOT, env=env, check=True, capture_output=True)
                bucket.append(time.perf_counter() - start)
        print(summary("CLI first ingest", cli_first, "s"))
        print(summary("CLI re-ingest unchanged", cli_unchanged, "s"))


if __name__ == "__main__":
    main()

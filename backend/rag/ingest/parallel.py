"""Text extraction in worker processes, under a time limit per file: a worker that overruns is killed.

pypdf is pure Python, so processes (not threads) spread the work; they also make the limits hold. A
PDF can be small on disk and enormous once decoded (one 70 MB content stream shared by 30 pages), so
every file is extracted in a worker, page ranges largest file first. A file whose pages are not all
extracted within ``limits.seconds`` (``MAX_PARSE_SECONDS``) of its first task starting is rejected with
one sentence naming the limit, and the pool's processes are killed (their work is abandoned, not waited
for). The decoded-size limit is checked inside the worker, page by page (``parser.extract_page_texts``).

Workers are spawned (not forked): the parent may hold ONNX Runtime or torch thread pools that must not
be duplicated mid-operation.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from backend.rag.ingest.parser import DocumentError, OpenedPdf, extract_page_texts

if TYPE_CHECKING:  # workers import this module; they need no settings machinery
    from backend.settings import ParseLimits

PAGES_PER_TASK = 12
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def _task(data: bytes, file: str, start: int, stop: int, max_decoded_bytes: int) -> list[str] | DocumentError:
    try:
        return extract_page_texts(data, file, start, stop, max_decoded_bytes)
    except DocumentError as exc:
        return exc  # returned, not raised: one bad file must not cancel the others


def _die_with_parent(parent: int) -> None:
    """Worker initializer: have Linux SIGKILL this worker when the process that started it dies.

    Without it a killed ingest (or Streamlit server) left its parse workers running (PR_SET_PDEATHSIG).
    """
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request above took effect
        os._exit(1)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now; a runaway parse must not keep a core busy or outlive the ingest."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=5)


def extract_texts(
    opened: list[OpenedPdf], workers: int, limits: ParseLimits
) -> dict[str, list[str] | DocumentError]:
    """Raw page texts per file name, or the DocumentError that rejected the file.

    ``limits.seconds`` counts per file from when its first page range starts.
    """
    max_seconds = limits.seconds
    ranges = [
        (doc, start, min(start + PAGES_PER_TASK, doc.page_count))
        for doc in sorted(opened, key=lambda d: -d.page_count)
        for start in range(0, doc.page_count, PAGES_PER_TASK)
    ]
    pieces: dict[str, list[tuple[int, list[str] | DocumentError]]] = {doc.file: [] for doc in opened}
    timed_out: set[str] = set()
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(ranges))),
        mp_context=context,
        initializer=_die_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        futures: list[tuple[str, int, Future[list[str] | DocumentError]]] = [
            (doc.file, start, pool.submit(_task, doc.data, doc.file, start, stop, limits.decoded_page_bytes))
            for doc, start, stop in ranges
        ]
        started: dict[str, float] = {}
        for file, start, future in futures:
            if file in timed_out:
                continue
            # A file's clock starts when the pool gets to it (waiting behind other files is not its cost).
            while not future.running() and not future.done():
                time.sleep(0.01)
            began = started.setdefault(file, time.monotonic())
            try:
                left = max(0.0, began + max_seconds - time.monotonic())
                pieces[file].append((start, future.result(timeout=left)))
            except FutureTimeout:
                timed_out.add(file)
            except Exception:  # the worker died (out of memory, a crash in a C extension)
                reason = "reading its text crashed the PDF reader"
                pieces[file].append((start, DocumentError(file, reason)))
    finally:
        if timed_out:
            _kill(pool)
        else:
            pool.shutdown(wait=True)
    if timed_out:
        # The killed pool took the other files' unfinished ranges with it: run those again in a fresh one.
        unfinished = [
            doc for doc in opened if doc.file not in timed_out and len(pieces[doc.file]) < _tasks(doc)
        ]
        retried = extract_texts(unfinished, workers, limits) if unfinished else {}
    else:
        retried = {}

    results: dict[str, list[str] | DocumentError] = {}
    for doc in opened:
        file = doc.file
        if file in timed_out:
            results[file] = DocumentError(
                file,
                f"reading its text took longer than the {max_seconds:g} s limit per file "
                "(MAX_PARSE_SECONDS), so it was stopped",
            )
            continue
        if file in retried:
            results[file] = retried[file]
            continue
        parts = pieces[file]
        error = next((part for _, part in parts if isinstance(part, DocumentError)), None)
        if error is not None:
            results[file] = error
            continue
        texts: list[str] = []
        for _, part in sorted(parts, key=lambda p: p[0]):
            assert not isinstance(part, DocumentError)
            texts.extend(part)
        results[file] = texts
    return results


def _tasks(doc: OpenedPdf) -> int:
    return -(-doc.page_count // PAGES_PER_TASK)

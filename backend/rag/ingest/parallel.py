"""Text extraction spread over worker processes (pypdf is pure Python, so threads would not help).

Work is split into page ranges, largest files first, so two workers stay busy even when one PDF holds
most of the pages. Workers are spawned (not forked): the parent may hold ONNX Runtime or torch thread
pools that must not be duplicated mid-operation.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from backend.rag.ingest.parser import DocumentError, OpenedPdf, extract_page_texts

# Below this many pages, starting processes costs more than it saves.
MIN_PAGES_FOR_POOL = 24
PAGES_PER_TASK = 12


def _task(data: bytes, file: str, start: int, stop: int) -> list[str] | DocumentError:
    try:
        return extract_page_texts(data, file, start, stop)
    except DocumentError as exc:
        return exc  # returned, not raised: one bad file must not cancel the others


def extract_texts(opened: list[OpenedPdf], workers: int) -> dict[str, list[str] | DocumentError]:
    """Raw page texts per file name, or the DocumentError that rejected the file."""
    total_pages = sum(doc.page_count for doc in opened)
    if workers <= 1 or total_pages < MIN_PAGES_FOR_POOL:
        return {doc.file: _task(doc.data, doc.file, 0, doc.page_count) for doc in opened}

    ranges = [
        (doc, start, min(start + PAGES_PER_TASK, doc.page_count))
        for doc in sorted(opened, key=lambda d: -d.page_count)
        for start in range(0, doc.page_count, PAGES_PER_TASK)
    ]
    pieces: dict[str, list[tuple[int, list[str] | DocumentError]]] = {doc.file: [] for doc in opened}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(ranges)), mp_context=context) as pool:
        futures = [
            (doc.file, start, pool.submit(_task, doc.data, doc.file, start, stop))
            for doc, start, stop in ranges
        ]
        for file, start, future in futures:
            pieces[file].append((start, future.result()))

    results: dict[str, list[str] | DocumentError] = {}
    for file, parts in pieces.items():
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

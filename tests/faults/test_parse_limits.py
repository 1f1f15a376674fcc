"""Row 4: parsing has limits. A page that decodes to tens of MB is refused by the worker, a file that
takes too long is stopped by killing its worker, each with one sentence naming the limit; searches keep
answering meanwhile, and no worker outlives the ingest."""

from __future__ import annotations

import io
import multiprocessing
import re
import threading
import time
import zlib
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import NameObject, StreamObject

from backend.rag.ingest.parallel import extract_texts
from backend.rag.ingest.parser import open_pdf
from backend.rag.ingest.policy_library import PolicyLibrary
from backend.settings import DEFAULT_PARSE_LIMITS, ParseLimits, Settings
from tests.fakes import text_pdf
from tests.faults.conftest import answering_file
from tests.rag.fakes import HashingEmbeddings


def new_children(
    before: set[multiprocessing.process.BaseProcess],
) -> set[multiprocessing.process.BaseProcess]:
    """Child processes alive now that were not before the test (other tests' children don't count)."""
    return set(multiprocessing.active_children()) - before


def huge_stream_pdf(pages: int = 30, decoded_mb: int = 70) -> bytes:
    """A small file whose pages share one Flate stream that decodes to ``decoded_mb`` MB of text operators."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    line = b"BT /F1 12 Tf 72 720 Td (leave policy) Tj ET\n"
    content = line * (decoded_mb * 1_000_000 // len(line))
    stream = StreamObject()
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream._data = zlib.compress(content, 9)
    shared = writer._add_object(stream)
    for page in writer.pages:
        page[NameObject("/Contents")] = shared
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_70_mb_page_is_refused_fast_while_search_keeps_answering(library: PolicyLibrary) -> None:
    before = set(multiprocessing.active_children())
    library.rebuild()
    data = huge_stream_pdf()
    assert len(data) < 300_000  # small on disk (the was 76 KB)

    answers: list[str | None] = []
    stop = threading.Event()

    def keep_searching() -> None:
        while not stop.is_set():
            answers.append(answering_file(library, "zebra"))

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    started = time.monotonic()
    (result,) = library.upload([("huge.pdf", data)])
    elapsed = time.monotonic() - started
    stop.set()
    searcher.join(10)

    assert result.status == "rejected"
    assert result.reason == (
        "page 1 decodes to 70 MB of content, over the 16 MB limit per page (MAX_DECODED_PAGE_MB)"
    )
    assert elapsed < 10
    assert answers
    assert set(answers) == {"leave.pdf"}  # every search during the upload answered
    assert not (library.upload_dir / "huge.pdf").exists()
    assert new_children(before) == set()


def test_a_file_over_the_time_limit_is_stopped_and_its_worker_killed() -> None:
    slow = open_pdf(text_pdf(*(f"Page {n}. " * 50 for n in range(40))), "slow.pdf")
    fine = open_pdf(text_pdf("Earned leave is 18 days."), "fine.pdf")
    before = set(multiprocessing.active_children())

    results = extract_texts([slow, fine], workers=1, limits=ParseLimits(seconds=0.001))

    error = results["slow.pdf"]
    assert not isinstance(error, list)
    assert error.reason == (
        "reading its text took longer than the 0.001 s limit per file (MAX_PARSE_SECONDS), so it was stopped"
    )
    assert new_children(before) == set()  # the killed pool left no process behind


def test_files_within_the_limits_are_read_in_workers() -> None:
    docs = [open_pdf(text_pdf(f"Policy {n}. Earned leave is {n} days."), f"p{n}.pdf") for n in range(3)]
    before = set(multiprocessing.active_children())
    results = extract_texts(docs, workers=2, limits=DEFAULT_PARSE_LIMITS)
    assert {name: texts[0].split(".")[0] for name, texts in results.items() if isinstance(texts, list)} == {
        "p0.pdf": "Policy 0",
        "p1.pdf": "Policy 1",
        "p2.pdf": "Policy 2",
    }
    assert new_children(before) == set()


def test_a_smaller_configured_page_limit_rejects_a_file_the_default_accepts(
    library: PolicyLibrary, tmp_path: Path
) -> None:
    # An ordinary text page: its content stream is a few KB once decoded.
    page = text_pdf("Remote work is allowed three days a week. " * 60)
    settings = Settings(APP_PROVIDER="local", DATA_DIR=tmp_path / "data", MAX_DECODED_PAGE_MB=0.001)
    strict = PolicyLibrary(
        index_dir=tmp_path / "strict-index",
        policies_dir=library.policies_dir,
        upload_dir=tmp_path / "strict-uploads",
        embedding_model=library.embedding_model,
        embeddings=HashingEmbeddings,
        workers=1,
        limits=settings.parse_limits,
    )

    (accepted,) = library.upload([("remote.pdf", page)])
    (refused,) = strict.upload([("remote.pdf", page)])

    assert accepted.status == "added"
    assert refused.status == "rejected"
    assert re.fullmatch(
        r"page 1 decodes to 0\.00\d+ MB of content, "
        r"over the 0\.001 MB limit per page \(MAX_DECODED_PAGE_MB\)",
        refused.reason,
    ), refused.reason
    assert not (strict.upload_dir / "remote.pdf").exists()

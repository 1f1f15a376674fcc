"""Row 5 (part): an ingest killed with SIGKILL while its workers parse leaves no process behind, and the
index it was replacing still answers; an upload killed between its save and its indexing is settled
(indexed, or set aside) and reported, never indexed silently by a later rebuild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

from backend.rag.index.store import IndexStore
from backend.rag.ingest.policy_library import PolicyLibrary
from tests.conftest import REPO_ROOT
from tests.fakes import text_pdf
from tests.faults.conftest import answering_file


def marked_processes(marker: str) -> list[int]:
    """Live processes (zombies excluded) whose environment carries ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if f"INGEST_TEST_MARKER={marker}".encode() not in (entry / "environ").read_bytes():
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


@contextmanager
def reaping(process: subprocess.Popen[bytes], marker: str) -> Iterator[None]:
    """Whatever the test asserts, nothing it started outlives it."""
    try:
        yield
    finally:
        for pid in marked_processes(marker):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()


def kill_leaves_no_orphans(process: subprocess.Popen[bytes], marker: str) -> None:
    """SIGKILL ``process``: every process carrying ``marker`` (its workers too) must be gone in 15 s."""
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert wait_for(lambda: marked_processes(marker) == [], 15), f"orphans: {marked_processes(marker)}"


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.local_model
def test_sigkill_during_parsing_leaves_no_orphans_and_the_index_answers(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "leave.pdf").write_bytes(text_pdf("Earned leave is 18 days a year. Zebra clause."))
    index = tmp_path / "index"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "APP_PROVIDER": "local", "DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "backend.rag", "ingest", "--index", str(index), "--workers", "2"]
    subprocess.run(
        [*command, str(folder)], cwd=REPO_ROOT, env=env, check=True, capture_output=True, timeout=300
    )
    live = IndexStore(index).current_generation()

    # Enough pages that the two parse workers are busy for a while.
    for n in range(4):
        (folder / f"big-{n}.pdf").write_bytes(
            text_pdf(*(f"Section {p} of policy {n}. " * 40 for p in range(150)))
        )
    marker = uuid.uuid4().hex
    ingest = subprocess.Popen(
        [*command, str(folder)],
        cwd=REPO_ROOT,
        env={**env, "INGEST_TEST_MARKER": marker},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with reaping(ingest, marker):
        # The CLI, its spawned parse workers and multiprocessing's resource tracker.
        assert wait_for(lambda: len(marked_processes(marker)) >= 3, 120), "the parse workers never started"
        kill_leaves_no_orphans(ingest, marker)

    store = IndexStore(index)
    assert store.current_generation() == live  # the killed run never swapped CURRENT
    loaded = store.load()
    assert [f.file for f in loaded.manifest.files] == ["leave.pdf"]
    assert any("Zebra" in c.text for c in loaded.chunks)


def test_an_upload_saved_but_never_indexed_is_settled_and_said(library: PolicyLibrary) -> None:
    library.rebuild()
    library.upload_dir.mkdir(parents=True, exist_ok=True)
    # What a killed upload leaves: the PDF saved, the index never told.
    (library.upload_dir / "remote.pdf").write_bytes(text_pdf("Remote work: 3 days a week. Keyword yak."))
    (library.upload_dir / "scan.pdf").write_bytes(text_pdf(""))
    assert library.reconcile() == []  # too fresh: it may be an upload still running

    results = library.reconcile(min_age_s=0)

    assert [(r.file, r.status, r.reason) for r in results] == [
        (
            "remote.pdf",
            "added",
            "found in the upload folder but not in the index (an interrupted upload); indexed now",
        ),
        (
            "scan.pdf",
            "rejected",
            "found in the upload folder but not in the index, and the PDF has no text layer (a scan or "
            "images only); run OCR on it first; moved to UPLOAD_DIR/.rejected",
        ),
    ]
    assert answering_file(library, "yak") == "remote.pdf"
    assert answering_file(library, "zebra") == "leave.pdf"
    assert (library.upload_dir / ".rejected" / "scan.pdf").is_file()
    report = library.rebuild()  # a later rebuild does not pick the refused file up silently
    assert "scan.pdf" not in {o.file for o in report.outcomes}
    stats = library.stats()
    assert stats is not None
    assert sorted(f.file for f in stats.files) == ["leave.pdf", "remote.pdf"]
    assert library.reconcile(min_age_s=0) == []

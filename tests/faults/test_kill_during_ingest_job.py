"""Row 5, as the app runs it: a server killed with SIGKILL while its ingestion job parses leaves no process
behind, the index it was updating still answers, and the upload it was indexing is settled by the next
admin's page open (the reconcile job), not lost and not indexed silently."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from backend.auth.identity import Identity
from backend.documents.document_jobs import SETTLED
from backend.rag.ingest.policy_library import PolicyLibrary
from tests.conftest import REPO_ROOT
from tests.fakes import text_pdf
from tests.faults.conftest import answering_file
from tests.faults.job_server import build_jobs
from tests.faults.test_kill_during_ingest import kill_leaves_no_orphans, marked_processes, reaping, wait_for

WORDS = ["walrus", "narwhal", "pelican", "lynx", "marmot", "heron"]


def big_policy(word: str) -> bytes:
    """150 pages: a second or more of parsing in two workers."""
    return text_pdf(*(f"Section {p} of the {word} policy. Keyword {word}. " * 40 for p in range(150)))


def test_sigkill_during_an_ingestion_job_leaves_no_orphans_and_the_upload_is_settled(
    library: PolicyLibrary, tmp_path: Path
) -> None:
    library.rebuild()
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    for word in WORDS:
        (incoming / f"{word}.pdf").write_bytes(big_policy(word))

    marker = uuid.uuid4().hex
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.job_server", str(tmp_path)],
        cwd=REPO_ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "INGEST_TEST_MARKER": marker},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    with reaping(server, marker):
        assert server.stdout is not None
        assert server.stdout.readline() == b"started\n"  # the thread that started the job has ended

        def parsing_an_unindexed_upload() -> bool:
            """Freeze the server while its parse workers run, and keep it frozen if the file they parse
            is saved but not yet indexed (what the kill should catch); else let it go on."""
            # The server, its job's parse workers and multiprocessing's resource tracker.
            if len(marked_processes(marker)) < 3:
                return False
            server.send_signal(signal.SIGSTOP)
            if library.stray_uploads(min_age_s=0):
                return True
            server.send_signal(signal.SIGCONT)
            return False

        assert wait_for(parsing_an_unindexed_upload, 120), "never caught the job parsing"
        caught = [p.name for p in library.stray_uploads(min_age_s=0)]
        kill_leaves_no_orphans(server, marker)

    # The index still answers, for the built-in policy and every upload indexed before the kill.
    assert len(caught) == 1
    stats = library.stats()
    assert stats is not None
    indexed = sorted(f.file for f in stats.files)
    assert "leave.pdf" in indexed
    assert caught[0] not in indexed
    assert answering_file(library, "zebra") == "leave.pdf"
    for file in indexed:
        assert answering_file(library, file.removesuffix(".pdf")) == file

    # The next admin to open the page (a restarted server: a new runner) gets the file settled, as a job.
    (stray,) = library.stray_uploads(min_age_s=0)
    an_hour_ago = time.time() - 3600
    os.utime(stray, (an_hour_ago, an_hour_ago))  # found after the reconcile's grace period
    jobs, runner = build_jobs(tmp_path)
    assert jobs.settle(Identity("ana", "admin")) is not None
    done = runner.wait(120)
    assert done is not None
    assert (done.state, done.notes[0]) == ("done", ("warning", SETTLED))
    assert done.notes[1][0] == "success"
    assert done.notes[1][1].startswith(f"{caught[0]}: added, 150 pages")
    assert answering_file(library, caught[0].removesuffix(".pdf")) == caught[0]
    assert answering_file(library, "zebra") == "leave.pdf"
    assert library.stray_uploads(min_age_s=0) == []

"""The local index's changes as jobs, over a real PolicyLibrary (real PDFs, spawned parse workers)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest
from langchain_core.embeddings import Embeddings

from backend.appdb.audit import AuditLog
from backend.appdb.documents import DocumentCatalog
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity, PermissionDeniedError
from backend.documents.document_jobs import SETTLED, DocumentJobs
from backend.documents.jobs import JobRunner, Note, Progress
from backend.documents.service import DocumentOperationError, PolicyDocuments, refusal_message
from backend.rag.ingest.policy_library import PolicyLibrary
from tests.documents.conftest import NOW, LocalDocs
from tests.fakes import text_pdf

ADMIN = Identity("ana", "admin")
STAFF = Identity("bo", "staff")
REMOTE = text_pdf("Remote work is allowed up to three days a week. Keyword yak.", title="Remote")
WAIT_S = 60


Setup = tuple[DocumentJobs, JobRunner, PolicyLibrary, SqliteStore]


@pytest.fixture
def setup(local_docs: LocalDocs) -> Iterator[Setup]:
    docs, library, store = local_docs
    runner = JobRunner(lambda: NOW, refusal_message)
    yield DocumentJobs(docs, runner), runner, library, store
    runner.wait(WAIT_S)  # no job outlives its test


def test_staff_and_bad_targets_are_refused_before_any_job_starts(
    setup: Setup,
) -> None:
    jobs, runner, library, _ = setup
    with pytest.raises(PermissionDeniedError, match="Only admins can upload policy documents"):
        jobs.upload(STAFF, [("remote.pdf", REMOTE)])
    with pytest.raises(PermissionDeniedError, match="Only admins can rebuild the policy index"):
        jobs.rebuild(STAFF)
    with pytest.raises(PermissionDeniedError, match="Only admins can settle interrupted uploads"):
        jobs.settle(STAFF)
    with pytest.raises(DocumentOperationError, match=r"conduct\.pdf is one of the app's built-in policies"):
        jobs.replace(ADMIN, "conduct.pdf", REMOTE)
    with pytest.raises(DocumentOperationError, match=r"nothing\.pdf is not in the policy index"):
        jobs.delete(ADMIN, "nothing.pdf")
    assert runner.current() is None  # no job was started, so no work ran
    assert not library.upload_dir.exists()


def test_only_an_admin_reads_the_current_job(setup: Setup) -> None:
    """A job's snapshot names who changed which document and why a file was refused: admins only."""
    jobs, runner, _, _ = setup
    jobs.upload(ADMIN, [("remote.pdf", REMOTE)])
    done = runner.wait(WAIT_S)
    assert jobs.current(ADMIN) == done
    with pytest.raises(PermissionDeniedError, match="Only admins can see policy document changes"):
        jobs.current(STAFF)


def test_an_upload_started_by_a_thread_that_ends_completes_with_its_parse_workers(
    setup: Setup,
) -> None:
    jobs, runner, library, store = setup
    # The Streamlit script run that starts the job ends at once. The parse worker is spawned by the job's
    # own thread, so its PR_SET_PDEATHSIG is tied to that thread, not to the finished script run.
    caller = threading.Thread(target=lambda: jobs.upload(ADMIN, [("Remote Work.pdf", REMOTE)], version="2"))
    caller.start()
    caller.join()

    done = runner.wait(WAIT_S)
    assert done is not None
    assert (done.kind, done.label, done.started_by, done.state) == (
        "upload",
        "an upload of 1 file",
        "ana",
        "done",
    )
    assert done.notes == (("success", "Remote Work.pdf: added, 1 pages, 1 passages"),)
    stats = library.stats()
    assert stats is not None
    assert sorted(f.file for f in stats.files) == ["Remote Work.pdf", "conduct.pdf"]
    [event] = AuditLog(store).recent()
    assert (event.actor, event.action, event.target) == ("ana", "upload", "Remote Work.pdf")


def test_a_delete_runs_as_a_job_and_takes_the_file_off_disk(
    setup: Setup,
) -> None:
    jobs, runner, library, _ = setup
    jobs.upload(ADMIN, [("remote.pdf", REMOTE)])
    runner.wait(WAIT_S)

    jobs.delete(ADMIN, "remote.pdf")
    done = runner.wait(WAIT_S)
    assert done is not None
    assert (done.state, done.notes) == (
        "done",
        (("success", "remote.pdf deleted: it is no longer in the index or on disk."),),
    )
    assert not (library.upload_dir / "remote.pdf").exists()


def test_settle_starts_an_audited_reconcile_job_for_files_left_outside_the_index(
    setup: Setup,
) -> None:
    jobs, runner, library, store = setup
    assert jobs.settle(ADMIN) is None  # nothing to settle: no job
    assert runner.current() is None

    library.upload_dir.mkdir()
    stray = library.upload_dir / "remote.pdf"
    stray.write_bytes(REMOTE)  # what an upload killed between its save and its indexing leaves
    assert jobs.settle(ADMIN) is None  # too fresh: it may be an upload still running elsewhere
    an_hour_ago = time.time() - 3600
    os.utime(stray, (an_hour_ago, an_hour_ago))

    started = jobs.settle(ADMIN)
    assert started is not None
    assert started.label == "settling 1 file an interrupted upload left outside the index"
    done = runner.wait(WAIT_S)
    assert done is not None
    assert done.notes == (
        ("warning", SETTLED),
        (
            "success",
            "remote.pdf: added, 1 pages, 1 passages (found in the upload folder but not in the index (an "
            "interrupted upload); indexed now)",
        ),
    )
    [event] = AuditLog(store).recent()
    assert (event.actor, event.action, event.target) == ("ana", "reconcile", "remote.pdf")
    assert jobs.settle(ADMIN) is None  # settled: nothing left
    assert runner.current() == done


def test_settle_waits_while_another_job_runs(
    setup: Setup,
) -> None:
    jobs, runner, library, _ = setup
    library.upload_dir.mkdir()
    stray = library.upload_dir / "remote.pdf"
    stray.write_bytes(REMOTE)
    os.utime(stray, (0, 0))
    release = threading.Event()

    def hold(progress: Progress) -> list[Note]:
        release.wait(WAIT_S)
        return []

    running = runner.start("cy", "rebuild", "a rebuild of the policy index", hold)
    try:
        assert jobs.settle(ADMIN) is None  # no error: the page opens, the running job shows
        assert runner.current() == running
    finally:
        release.set()
    runner.wait(WAIT_S)
    assert jobs.settle(ADMIN) is not None  # the next page open settles it


def _model_missing() -> Embeddings:
    raise OSError("the embedding model is not installed")


def test_a_failed_settle_is_not_started_again_by_the_next_page_run(setup: Setup) -> None:
    """The page settles on every run and reruns when a job ends: a reconcile that fails (no embedding
    model, a read-only index) must not start again at once, or the page loops forever and the admin never
    reads the failure's sentence."""
    jobs, runner, library, store = setup
    library.upload_dir.mkdir()
    stray = library.upload_dir / "remote.pdf"
    stray.write_bytes(REMOTE)
    os.utime(stray, (0, 0))
    broken = PolicyLibrary(
        index_dir=library.store.root,
        policies_dir=library.policies_dir,
        upload_dir=library.upload_dir,
        embedding_model=library.embedding_model,
        embeddings=_model_missing,
        workers=1,
    )
    failing = DocumentJobs(
        PolicyDocuments(broken, DocumentCatalog(store), AuditLog(store), lambda: NOW), runner
    )

    assert failing.settle(ADMIN) is not None
    failed = runner.wait(WAIT_S)
    assert failed is not None
    assert (failed.kind, failed.state) == ("reconcile", "failed")

    assert failing.settle(ADMIN) is None  # the page's rerun after the failure: no second attempt
    assert runner.current() == failed  # its sentence is what the admin sees
    assert stray.exists()  # nothing was lost: a rebuild indexes it, or the next start settles it

    # Another change ran since (here a rebuild, which indexes the file): settling may try again.
    jobs.rebuild(ADMIN)
    rebuilt = runner.wait(WAIT_S)
    assert rebuilt is not None
    assert rebuilt.state == "done"
    assert "remote.pdf" in {f.file for f in library.stats().files}  # type: ignore[union-attr]
    assert jobs.settle(ADMIN) is None  # nothing left to settle

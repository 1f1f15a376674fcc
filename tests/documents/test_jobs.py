"""JobRunner: one job at a time, run in its own thread, its progress and outcome readable from any other."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import pytest

from backend.documents.jobs import (
    KEEP_FINISHED,
    JobBusyError,
    JobRunner,
    JobSnapshot,
    Note,
    Progress,
    busy_sentence,
    failure_sentence,
    status_line,
)
from backend.documents.service import DocumentOperationError, refusal_message
from backend.errors import SentenceError

STARTED = datetime(2026, 11, 30, 10, 32, tzinfo=UTC)
ENDED = datetime(2026, 11, 30, 10, 35, tzinfo=UTC)
LOCAL = STARTED.astimezone().strftime("%H:%M")  # the page shows the server's local time
LOCAL_END = ENDED.astimezone().strftime("%H:%M")
WAIT_S = 10


class Gate:
    """Work that reports progress, then holds until the test opens the gate."""

    def __init__(self, notes: list[Note] | None = None) -> None:
        self.opened = threading.Event()
        self.entered = threading.Event()
        self.threads: list[str] = []
        self.notes = notes or [("success", "done")]

    def __call__(self, progress: Progress) -> list[Note]:
        self.threads.append(threading.current_thread().name)
        progress(0.5, "Indexing a.pdf (1 of 2)…")
        self.entered.set()
        assert self.opened.wait(WAIT_S), "the test never opened the gate"
        return self.notes


def runner() -> JobRunner:
    """The first job starts at STARTED; everything after happens at ENDED."""
    calls = iter(range(1_000))
    return JobRunner(lambda: STARTED if next(calls) == 0 else ENDED, refusal_message)


def test_one_job_at_a_time_and_the_refusal_names_who_runs_what() -> None:
    jobs = runner()
    gate = Gate()
    first = jobs.start("alice", "upload", "an upload of 3 files", gate)
    assert gate.entered.wait(WAIT_S)

    with pytest.raises(JobBusyError) as refused:
        jobs.start("bob", "rebuild", "a rebuild of the policy index", Gate())
    assert str(refused.value) == (
        f"An upload of 3 files started by alice at {LOCAL} is still running; wait for it to finish."
    )
    assert isinstance(refused.value, SentenceError)  # the app's error pages show it as it is
    current = jobs.current()
    assert current is not None
    assert (current.id, current.started_by, current.state) == (
        first.id,
        "alice",
        "running",
    )

    gate.opened.set()
    done = jobs.wait(WAIT_S)
    assert done is not None
    assert (done.state, done.notes, done.finished_at) == (
        "done",
        (("success", "done"),),
        ENDED,
    )

    second = jobs.start("bob", "rebuild", "a rebuild of the policy index", lambda progress: [])
    assert second.id == first.id + 1
    finished = jobs.wait(WAIT_S)
    assert finished is not None
    assert (finished.started_by, finished.state) == ("bob", "done")


def test_progress_is_visible_from_another_thread_while_the_job_runs() -> None:
    jobs = runner()
    gate = Gate()
    jobs.start("alice", "upload", "an upload of 2 files", gate)
    assert gate.entered.wait(WAIT_S)

    seen: list[JobSnapshot | None] = []
    reader = threading.Thread(target=lambda: seen.append(jobs.current()))
    reader.start()
    reader.join()
    [snapshot] = seen
    assert snapshot is not None
    assert (snapshot.state, snapshot.fraction, snapshot.text) == ("running", 0.5, "Indexing a.pdf (1 of 2)…")
    assert (
        status_line(snapshot) == f"An upload of 2 files started by alice at {LOCAL}: Indexing a.pdf (1 of 2)…"
    )
    # The job runs in a thread of its own, not in the caller's (a page's script run).
    assert gate.threads == [f"document-job-{snapshot.id}"]

    gate.opened.set()
    done = jobs.wait(WAIT_S)
    assert done is not None
    assert (done.fraction, done.text) == (1.0, "Finished.")
    assert snapshot.state == "running"  # a snapshot never changes under its reader


def test_an_unexpected_failure_is_one_sentence_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    jobs = runner()

    def crash(progress: Progress) -> list[Note]:
        raise RuntimeError("disk says no at /srv/secret/index")

    with caplog.at_level(logging.WARNING, logger="workbench.jobs"):
        jobs.start("alice", "rebuild", "a rebuild of the policy index", crash)
        failed = jobs.wait(WAIT_S)

    assert failed is not None
    assert failed.state == "failed"
    assert failed.notes == (
        (
            "error",
            f"A rebuild of the policy index started by alice at {LOCAL} failed unexpectedly (RuntimeError); "
            "the details are in the app log.",
        ),
    )
    assert (
        status_line(failed)
        == f"A rebuild of the policy index started by alice at {LOCAL} failed at {LOCAL_END}."
    )
    [record] = caplog.records
    assert record.exc_info is not None
    assert "secret" in str(record.exc_info[1])


def test_an_expected_refusal_is_its_own_sentence_and_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    jobs = runner()

    def refuse(progress: Progress) -> list[Note]:
        raise DocumentOperationError("pets.pdf could not be deleted: the index is read-only.")

    with caplog.at_level(logging.WARNING, logger="workbench.jobs"):
        jobs.start("alice", "delete", "the deletion of pets.pdf", refuse)
        failed = jobs.wait(WAIT_S)

    assert failed is not None
    assert (failed.state, failed.notes) == (
        "failed",
        (("error", "pets.pdf could not be deleted: the index is read-only."),),
    )
    assert caplog.records == []
    # A failed job frees the runner.
    assert jobs.start("bob", "rebuild", "a rebuild", lambda progress: []).started_by == "bob"


def test_the_job_outlives_the_thread_that_started_it() -> None:
    jobs = runner()
    gate = Gate(notes=[("success", "a.pdf: added")])
    # What a Streamlit script run does: start the job, then finish (the user navigated away).
    caller = threading.Thread(target=lambda: jobs.start("alice", "upload", "an upload of 1 file", gate))
    caller.start()
    caller.join()
    assert not caller.is_alive()
    assert gate.entered.wait(WAIT_S)

    gate.opened.set()
    done = jobs.wait(WAIT_S)
    assert done is not None
    assert (done.state, done.notes) == ("done", (("success", "a.pdf: added"),))


@pytest.mark.parametrize(
    ("exc", "sentence"),
    [
        (
            ValueError("x"),
            f"The upload started by ana at {LOCAL} failed unexpectedly (ValueError); the details are in "
            "the app log.",
        ),
        (SentenceError("The index folder is read-only."), "The index folder is read-only."),
    ],
)
def test_failure_sentence(exc: BaseException, sentence: str) -> None:
    job = JobSnapshot(1, "upload", "the upload", "ana", STARTED)
    assert failure_sentence(job, exc) == sentence


def test_busy_sentence_capitalises_the_label_only() -> None:
    job = JobSnapshot(1, "replace", "the replacement of leave policy.pdf", "ana", STARTED)
    assert busy_sentence(job) == (
        f"The replacement of leave policy.pdf started by ana at {LOCAL} is still running; wait for it to "
        "finish."
    )


def test_a_finished_job_is_found_by_id_after_the_next_one_started() -> None:
    jobs = runner()
    first = jobs.start(
        "alice", "upload", "an upload of 1 file", lambda progress: [("success", "a.pdf added")]
    )
    assert jobs.wait(WAIT_S) is not None
    gate = Gate()
    second = jobs.start("bob", "rebuild", "a rebuild of the policy index", gate)
    assert gate.entered.wait(WAIT_S)

    seen = jobs.get(first.id)
    assert seen is not None
    assert (seen.state, seen.notes) == ("done", (("success", "a.pdf added"),))
    running = jobs.get(second.id)
    assert running is not None
    assert running.running
    assert jobs.get(second.id + 1) is None
    gate.opened.set()
    assert jobs.wait(WAIT_S) is not None


def test_only_the_last_few_finished_jobs_are_kept() -> None:
    jobs = runner()
    ids = []
    for _ in range(KEEP_FINISHED + 3):
        ids.append(jobs.start("alice", "rebuild", "a rebuild", lambda progress: []).id)
        assert jobs.wait(WAIT_S) is not None
    assert [i for i in ids if jobs.get(i) is not None] == ids[-KEEP_FINISHED:]

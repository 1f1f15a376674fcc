"""Long document work (uploads, rebuilds) as a supervised background job: one at a time, seen by all.

The work runs in a thread of its own, not in the Streamlit script run of the admin who started it, so
navigating away or closing the tab does not abandon it. Pages read an immutable ``JobSnapshot`` of the
current (or last) job and poll it while it runs; a second start while one runs is refused with one
sentence naming who runs what.

Parse workers are child processes that Linux kills when the thread that spawned them exits
(``PR_SET_PDEATHSIG`` in ``backend.rag.ingest.parallel``). They are spawned by the job thread, which
outlives its pool (the pool is shut down before the work returns), and a killed server takes every
thread, so the workers die with it: nothing outlives the job, and nothing dies before it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from backend.errors import ErrorKind, SentenceError, classify, user_message

NoteKind = Literal["error", "info", "success", "warning"]
Note = tuple[NoteKind, str]  # (kind, one sentence): how the page shows a job's outcome
JobState = Literal["running", "done", "failed"]
Progress = Callable[[float, str], object]  # (fraction done, status text); the return is ignored
Work = Callable[[Progress], list[Note]]

_log = logging.getLogger("workbench.jobs")
KEEP_FINISHED = 8


class JobBusyError(SentenceError):
    """Another job is running; the message says which, who started it and when."""


@dataclass(frozen=True)
class JobSnapshot:
    """What a page shows of a job: a copy, so readers never see it change under them."""

    id: int
    kind: str  # "upload", "replace", "delete", "rebuild", "reconcile"
    label: str  # a noun phrase: "an upload of 3 files"
    started_by: str
    started_at: datetime
    state: JobState = "running"
    fraction: float = 0.0
    text: str = "Starting…"
    notes: tuple[Note, ...] = ()
    finished_at: datetime | None = None

    @property
    def running(self) -> bool:
        return self.state == "running"


def _who_when(job: JobSnapshot) -> str:
    """ "An upload of 3 files started by alice at 10:32" """
    when = job.started_at.astimezone().strftime("%H:%M")
    return f"{job.label[:1].upper()}{job.label[1:]} started by {job.started_by} at {when}"


def busy_sentence(job: JobSnapshot) -> str:
    """ "An upload of 3 files started by alice at 10:32 is still running; wait for it to finish." """
    return f"{_who_when(job)} is still running; wait for it to finish."


def status_line(job: JobSnapshot) -> str:
    """The one line a page shows for a job, running or finished (pure)."""
    if job.running:
        return f"{_who_when(job)}: {job.text}"
    ended = (job.finished_at or job.started_at).astimezone().strftime("%H:%M")
    return f"{_who_when(job)} {'finished' if job.state == 'done' else 'failed'} at {ended}."


def failure_sentence(job: JobSnapshot | None, exc: BaseException) -> str:
    """The sentence for a job's unexpected failure: the app's own (a Bedrock or index error says what
    to do), else which job failed and where the details are. Never a stack trace (pure)."""
    if isinstance(exc, SentenceError) or classify(exc) is not ErrorKind.UNEXPECTED:
        return user_message(exc)
    what = f"{_who_when(job)} failed" if job else "The job failed"
    return f"{what} unexpectedly ({type(exc).__name__}); the details are in the app log."


class JobRunner:
    """Runs one job at a time, each in its own thread, and keeps the current (or last) job's snapshot.

    One per process, shared by every session (the UI keeps it in ``st.cache_resource`` like a connection
    pool): that is what makes a running job visible to every admin and a second one refusable. It is a
    service object, not cached data: its one piece of state, the current snapshot, changes only under
    ``_lock``, and readers get immutable copies.
    """

    def __init__(
        self,
        clock: Callable[[], datetime],
        refusal: Callable[[BaseException], str | None] = lambda exc: None,
    ) -> None:
        self._clock = clock
        # Expected refusals (a bad PDF, a built-in document) are their own sentence and are not logged.
        self._refusal = refusal
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._job: JobSnapshot | None = None
        # The last few finished jobs by id: a page that watched one still finds its outcome after the
        # next job has started (another admin may start one before this page's poll comes round).
        self._finished: dict[int, JobSnapshot] = {}
        self._ids = 0

    def current(self) -> JobSnapshot | None:
        """The running job, or the last one with its outcome; None before the first."""
        with self._lock:
            return self._job

    def get(self, job_id: int) -> JobSnapshot | None:
        """Job ``job_id``: the current one, or a recently finished one; None once forgotten."""
        with self._lock:
            if self._job is not None and self._job.id == job_id:
                return self._job
            return self._finished.get(job_id)

    def start(self, started_by: str, kind: str, label: str, work: Work) -> JobSnapshot:
        """Start ``work`` in a thread of its own; JobBusyError (one sentence) while another job runs."""
        with self._lock:
            if self._job is not None and self._job.running:
                raise JobBusyError(busy_sentence(self._job))
            self._ids += 1
            job = JobSnapshot(self._ids, kind, label, started_by, self._clock())
            # A daemon thread: a stopping server does not wait for the job. The index is replaced
            # atomically and a file saved but never indexed is settled on the next start (reconcile).
            thread = threading.Thread(
                target=self._run, args=(job.id, work), name=f"document-job-{job.id}", daemon=True
            )
            previous, self._job = self._job, job
            try:
                thread.start()
            except BaseException:  # no thread (out of resources): no job either, not one stuck "running"
                self._job = previous
                raise
        return job

    def wait(self, timeout: float) -> JobSnapshot | None:
        """Block until no job runs (or ``timeout`` seconds pass); the current snapshot."""
        with self._changed:
            self._changed.wait_for(lambda: self._job is None or not self._job.running, timeout)
            return self._job

    def _run(self, job_id: int, work: Work) -> None:
        def progress(fraction: float, text: str) -> None:
            self._update(job_id, fraction=min(1.0, max(0.0, fraction)), text=text)

        state: JobState = "failed"
        notes: list[Note] = [("error", "The job stopped before it finished; the details are in the app log.")]
        try:
            notes = work(progress)
            state = "done"
        except Exception as exc:  # the job's boundary: one sentence for the page, logged once here
            sentence = self._refusal(exc)
            if sentence is None:
                _log.warning("document job %s failed: %s", job_id, type(exc).__name__, exc_info=exc)
                sentence = failure_sentence(self.current(), exc)
            notes = [("error", sentence)]
        finally:
            ended = {"fraction": 1.0, "text": "Finished."} if state == "done" else {"text": "Failed."}
            self._update(job_id, state=state, notes=tuple(notes), finished_at=self._clock(), **ended)

    def _update(self, job_id: int, **changes: object) -> None:
        with self._changed:
            if self._job is not None and self._job.id == job_id:
                self._job = replace(self._job, **changes)  # type: ignore[arg-type]
                if not self._job.running:
                    self._finished[job_id] = self._job
                    for old in sorted(self._finished)[:-KEEP_FINISHED]:
                        del self._finished[old]
                self._changed.notify_all()

"""The local policy index's changes as supervised jobs: refused at once, or run by the process's runner.

Each operation checks the user and its target first (``PolicyDocuments.authorize``), so a staff user or
a built-in document is refused before any thread starts; then ``JobRunner`` runs the role-checked,
audited ``PolicyDocuments`` operation in the background and keeps its outcome as notes for every admin.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from backend.auth.identity import Identity, require_admin
from backend.documents.jobs import JobBusyError, JobRunner, JobSnapshot, Note, Progress
from backend.documents.service import PolicyDocuments
from backend.rag.ingest.policy_library import UploadResult

SETTLED = "An interrupted upload had left files outside the index; they were settled now:"


def describe(r: UploadResult) -> Note:
    """The note for one uploaded (or settled) file (pure)."""
    renamed = f" (saved as {r.file})" if r.file != r.original_name else ""
    if r.status == "rejected":
        return "error", f"{r.original_name}: rejected, {r.reason}"
    if r.status == "unchanged":
        return "info", f"{r.original_name}{renamed}: unchanged, already indexed"
    note = f" ({r.reason})" if r.reason else renamed  # e.g. saved under a numbered name, and why
    return "success", f"{r.original_name}: {r.status}, {r.pages} pages, {r.chunks} passages{note}"


def files(count: int) -> str:
    return f"{count} file{'' if count == 1 else 's'}"


class DocumentJobs:
    def __init__(self, documents: PolicyDocuments, runner: JobRunner) -> None:
        self._documents = documents
        self._runner = runner

    def current(self, user: Identity) -> JobSnapshot | None:
        """The running job, or the last one with its outcome (whoever started it); admins only, since it
        names who changed which document and why a file was refused."""
        require_admin(user, "see policy document changes")
        return self._runner.current()

    def get(self, user: Identity, job_id: int) -> JobSnapshot | None:
        """Job ``job_id`` if it is current or recently finished (admins only, like ``current``)."""
        require_admin(user, "see policy document changes")
        return self._runner.get(job_id)

    def upload(
        self,
        user: Identity,
        batch: Sequence[tuple[str, bytes]],
        *,
        version: str = "",
        effective_date: date | None = None,
    ) -> JobSnapshot:
        self._documents.authorize(user, "upload")

        def work(progress: Progress) -> list[Note]:
            results = self._documents.upload(
                user, batch, version=version, effective_date=effective_date, progress=progress
            )
            return [describe(r) for r in results]

        return self._runner.start(user.username, "upload", f"an upload of {files(len(batch))}", work)

    def replace(
        self,
        user: Identity,
        file: str,
        data: bytes,
        *,
        version: str = "",
        effective_date: date | None = None,
    ) -> JobSnapshot:
        self._documents.authorize(user, "replace", file)

        def work(progress: Progress) -> list[Note]:
            result = self._documents.replace(
                user, file, data, version=version, effective_date=effective_date, progress=progress
            )
            return [describe(result)]

        return self._runner.start(user.username, "replace", f"the replacement of {file}", work)

    def delete(self, user: Identity, file: str) -> JobSnapshot:
        self._documents.authorize(user, "delete", file)

        def work(progress: Progress) -> list[Note]:
            progress(0.0, f"Deleting {file}…")
            self._documents.delete(user, file)
            return [("success", f"{file} deleted: it is no longer in the index or on disk.")]

        return self._runner.start(user.username, "delete", f"the deletion of {file}", work)

    def rebuild(self, user: Identity) -> JobSnapshot:
        self._documents.authorize(user, "rebuild")

        def work(progress: Progress) -> list[Note]:
            progress(0.0, "Re-scanning the policy folders and re-indexing what changed…")
            rebuilt = self._documents.rebuild(user)
            done = f"Index rebuilt: {rebuilt.total_files} documents, {rebuilt.total_chunks} chunks."
            rejected = [o for o in rebuilt.outcomes if o.status == "rejected"]
            return [("success", done), *[("warning", f"{o.file}: {o.reason}") for o in rejected]]

        return self._runner.start(user.username, "rebuild", "a rebuild of the policy index", work)

    def settle(self, user: Identity) -> JobSnapshot | None:
        """Start the reconcile job when uploads were left between disk and index (an interrupted upload).

        Called when an admin opens the page, so the first admin after a crash sees them settled (indexed,
        or set aside), audited under their name. None when there is nothing to settle, or while another
        job runs (it may be the upload that saved them; the next page open looks again), or when the last
        job was a reconcile that failed.
        """
        self._documents.authorize(user, "reconcile")
        last = self._runner.current()
        if last is not None and last.kind == "reconcile" and last.state == "failed":
            # Not again at once: the page reruns when a job ends, so a reconcile that keeps failing (no
            # embedding model, a read-only index) would loop and hide its own sentence. The files stay
            # on disk; any other change (a rebuild indexes them) or a restart lets it try again.
            return None
        stray = self._documents.stray_uploads()
        if not stray:
            return None

        def work(progress: Progress) -> list[Note]:
            progress(0.0, f"Settling {files(len(stray))}…")
            return [("warning", SETTLED), *[describe(r) for r in self._documents.reconcile(user)]]

        label = f"settling {files(len(stray))} an interrupted upload left outside the index"
        try:
            return self._runner.start(user.username, "reconcile", label, work)
        except JobBusyError:
            return None

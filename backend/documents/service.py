"""The policy-document operations people run: list, upload, replace, delete, rebuild.

Every change takes the acting user and refuses anyone who is not an admin before touching a file or
the index, then records who did what in the audit log. The library underneath (``PolicyLibrary``)
does the file and index work; this service is the only way the app's pages reach it for changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal, Protocol

from backend.appdb.audit import AuditEvent, AuditLog
from backend.appdb.documents import DocumentCatalog, DocumentInfo
from backend.auth.identity import Identity, PermissionDeniedError, require_admin
from backend.kb.policy_sync import PolicySync, PolicySyncError, SyncStatus, UploadOutcome
from backend.rag.ingest.ingestor import IngestReport
from backend.rag.ingest.parser import DocumentError
from backend.rag.ingest.policy_library import IndexStats, Progress, UploadResult
from backend.rag.ingest.splitter import CHUNKING_VERSION

BUILT_IN = "built-in"
LocalAction = Literal["upload", "replace", "delete", "rebuild", "reconcile"]
# What a refused user is told they may not do, per change of the local index.
_ACTIONS: dict[LocalAction, str] = {
    "upload": "upload policy documents",
    "replace": "replace policy documents",
    "delete": "delete policy documents",
    "rebuild": "rebuild the policy index",
    "reconcile": "settle interrupted uploads",
}


class DocumentOperationError(ValueError):
    """A document operation that cannot be done; the message is one sentence."""


class DocumentLibrary(Protocol):
    """What this service needs from ``PolicyLibrary``."""

    def stats(self) -> IndexStats | None: ...

    def upload(
        self, files: Sequence[tuple[str, bytes]], progress: Progress | None = None, *, replace: bool = False
    ) -> list[UploadResult]: ...

    def delete(self, file: str) -> IngestReport: ...

    def rebuild(self) -> IngestReport: ...

    def reconcile(self) -> list[UploadResult]: ...

    def stray_uploads(self) -> list[Path]: ...

    def is_builtin(self, file: str) -> bool: ...


@dataclass(frozen=True)
class DocumentRow:
    """One line of the Policy documents list."""

    file: str
    title: str
    pages: int
    chunks: int
    uploaded_by: str  # BUILT_IN for the policies that ship with the app
    uploaded_at: datetime | None
    version: str
    effective_date: date | None
    recut: bool = False  # cut into passages by an earlier version of the text pipeline: a rebuild re-cuts


@dataclass(frozen=True)
class BucketRow:
    """One line of the Policy documents list when the policies live in S3."""

    file: str
    size: int
    modified: datetime
    uploaded_by: str
    version: str
    effective_date: date | None


class PolicyDocuments:
    def __init__(
        self,
        library: DocumentLibrary,
        catalog: DocumentCatalog,
        audit: AuditLog,
        clock: Callable[[], datetime],
        sync: PolicySync | None = None,
    ) -> None:
        self._library = library
        self._catalog = catalog
        self._audit = audit
        self._clock = clock
        # Set when policies live in S3 behind a Knowledge Base (POLICY_BUCKET & co.): the page then uses
        # the ``bucket_*``/``sync_*`` operations below instead of the local index's.
        self.sync = sync

    def documents(self) -> list[DocumentRow]:
        stats = self._library.stats()
        if stats is None:
            return []
        infos = self._catalog.all()
        rows = []
        for entry in stats.files:
            info = infos.get(entry.file)
            builtin = self._library.is_builtin(entry.file)
            rows.append(
                DocumentRow(
                    entry.file,
                    entry.title,
                    entry.pages,
                    entry.chunks,
                    BUILT_IN if builtin else (info.uploaded_by if info else "unknown"),
                    info.uploaded_at if info and not builtin else None,
                    info.version if info else "",
                    info.effective_date if info else None,
                    entry.chunking != CHUNKING_VERSION,
                )
            )
        return rows

    def info(self, file: str) -> DocumentInfo | None:
        """A document's version and effective date (for showing beside a cited source)."""
        return self._catalog.get(file)

    def authorize(self, user: Identity, action: LocalAction, file: str | None = None) -> None:
        """Refuse now, with one sentence, what ``action`` on the local index would refuse: anyone but an
        admin, and (for a replace or a delete) a built-in document or one the index does not hold.

        Every change below checks this itself; a page calls it before starting a change as a job, so a
        refusal comes before any work starts.
        """
        require_admin(user, _ACTIONS[action])
        if file is not None:
            self._require_uploaded(file, "replaced" if action == "replace" else "deleted")

    def stray_uploads(self) -> list[Path]:
        """Uploads saved but never indexed (an interrupted upload) that ``reconcile`` would settle."""
        return self._library.stray_uploads()

    def upload(
        self,
        user: Identity,
        files: Sequence[tuple[str, bytes]],
        *,
        version: str = "",
        effective_date: date | None = None,
        progress: Progress | None = None,
    ) -> list[UploadResult]:
        self.authorize(user, "upload")
        results = self._library.upload(files, progress)
        self._record(user, "upload", results, version, effective_date)
        return results

    def replace(
        self,
        user: Identity,
        file: str,
        data: bytes,
        *,
        version: str = "",
        effective_date: date | None = None,
        progress: Progress | None = None,
    ) -> UploadResult:
        """Put a new version of ``file`` in its place (same name, so answers keep citing it)."""
        self.authorize(user, "replace", file)
        # replace=True: the upload takes the name's place instead of being saved as "name (2).pdf".
        results = self._library.upload([(file, data)], progress, replace=True)
        self._record(user, "replace", results, version, effective_date)
        return results[0]

    def delete(self, user: Identity, file: str) -> None:
        self.authorize(user, "delete", file)
        report = self._library.delete(file)
        refused = [o for o in report.outcomes if o.status == "rejected"]
        if refused:
            raise DocumentOperationError(f"{file} could not be deleted: {refused[0].reason}.")
        self._catalog.delete(file)
        self._audit.record(AuditEvent(self._clock(), user.username, "delete", file))

    def rebuild(self, user: Identity) -> IngestReport:
        self.authorize(user, "rebuild")
        report = self._library.rebuild()
        self._audit.record(
            AuditEvent(
                self._clock(),
                user.username,
                "rebuild",
                detail=f"{report.total_files} documents, {report.total_chunks} chunks",
            )
        )
        return report

    def reconcile(self, user: Identity) -> list[UploadResult]:
        """Settle uploads an interrupted run saved but never indexed (indexed now, or set aside).

        Runs as a job when an admin opens the Policy documents page and there are such files, so nothing
        is indexed without an admin seeing it; each settled file is audited.
        """
        self.authorize(user, "reconcile")
        results = self._library.reconcile()
        for r in results:
            detail = f"{r.status}: {r.reason or f'{r.pages} pages, {r.chunks} passages'}"
            self._audit.record(AuditEvent(self._clock(), user.username, "reconcile", r.file, detail))
        return results

    # ------------------------------------------------------------ policies in S3 + a Knowledge Base

    def bucket_documents(self) -> list[BucketRow]:
        """The PDFs in the bucket's data-source prefix, with who uploaded them through the app."""
        sync = self._require_sync()
        infos = self._catalog.all()
        rows = []
        for doc in sync.documents():
            info = infos.get(doc.file)
            rows.append(
                BucketRow(
                    doc.file,
                    doc.size,
                    doc.last_modified,
                    info.uploaded_by if info else "outside the app",
                    info.version if info else "",
                    info.effective_date if info else None,
                )
            )
        return rows

    def bucket_upload(
        self,
        user: Identity,
        files: Sequence[tuple[str, bytes]],
        *,
        version: str = "",
        effective_date: date | None = None,
        action: Literal["upload", "replace"] = "upload",
    ) -> UploadOutcome:
        """Put PDFs in the data source's prefix (same name = replace) and start one ingestion job."""
        require_admin(user, f"{action} policy documents")
        outcome = self._require_sync().upload(files)
        now = self._clock()
        job = f"sync job {outcome.sync.job_id}" if outcome.sync else ""
        for file in outcome.stored:
            self._catalog.put(DocumentInfo(file, user.username, now, version.strip(), effective_date))
            self._audit.record(AuditEvent(now, user.username, action, file, job))
        return outcome

    def bucket_delete(self, user: Identity, file: str) -> SyncStatus:
        """Remove a PDF from the prefix and start the ingestion job that drops its passages."""
        require_admin(user, "delete policy documents")
        status = self._require_sync().delete(file)
        self._catalog.delete(file)
        self._audit.record(
            AuditEvent(self._clock(), user.username, "delete", file, f"sync job {status.job_id}")
        )
        return status

    def sync_now(self, user: Identity) -> SyncStatus:
        """Re-sync the Knowledge Base with the bucket (the S3 counterpart of a rebuild)."""
        require_admin(user, "rebuild the policy index")
        status = self._require_sync().start_sync("Sync requested from the Policy documents page")
        self._audit.record(
            AuditEvent(self._clock(), user.username, "rebuild", detail=f"sync job {status.job_id}")
        )
        return status

    def sync_status(self, user: Identity, job_id: str) -> SyncStatus:
        """Where an ingestion job is, and which files it failed on."""
        require_admin(user, "check the policy sync")
        return self._require_sync().status(job_id)

    def _require_sync(self) -> PolicySync:
        if self.sync is None:
            raise DocumentOperationError("Policies are kept in the local index here, not in an S3 bucket.")
        return self.sync

    def _require_uploaded(self, file: str, verb: str) -> None:
        if self._library.is_builtin(file):
            raise DocumentOperationError(
                f"{file} is one of the app's built-in policies, so it cannot be {verb} here."
            )
        stats = self._library.stats()
        if stats is None or file not in {f.file for f in stats.files}:
            raise DocumentOperationError(f"{file} is not in the policy index.")

    def _record(
        self,
        user: Identity,
        action: Literal["upload", "replace"],
        results: list[UploadResult],
        version: str,
        effective_date: date | None,
    ) -> None:
        now = self._clock()
        for r in results:
            if r.status in ("added", "updated"):
                self._catalog.put(DocumentInfo(r.file, user.username, now, version.strip(), effective_date))
            if r.status != "rejected":
                self._audit.record(AuditEvent(now, user.username, action, r.file, r.status))


def refusal_message(exc: BaseException) -> str | None:
    """The sentence for an expected refusal (role, built-in or unknown document, bad PDF), else None."""
    if isinstance(exc, (PermissionDeniedError, DocumentOperationError, PolicySyncError)):
        return str(exc)
    if isinstance(exc, DocumentError):
        return f"{exc.file}: {exc.reason}."
    return None


def version_note(info: DocumentInfo | None) -> str:
    """ "version 3 · effective from 2027-01-01" for a cited source's line; empty when neither is set."""
    if info is None:
        return ""
    parts = []
    if info.version:
        parts.append(f"version {info.version}")
    if info.effective_date:
        parts.append(f"effective from {info.effective_date.isoformat()}")
    return " · ".join(parts)

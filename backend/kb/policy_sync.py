"""HR policies in S3 behind a Bedrock Knowledge Base: upload, delete, sync, and the sync's progress.

With several app instances behind a load balancer, a local index per instance cannot stay in step, so
with ``POLICY_BUCKET`` and ``BEDROCK_KNOWLEDGE_BASE_ID`` set the Policy documents page calls this
service instead of the local ``PolicyLibrary``: a PDF goes into the data source's prefix, an ingestion
job (``start_ingestion_job``) re-syncs the Knowledge Base, and ``get_ingestion_job`` reports progress and
which files failed. Both AWS clients are injected (tests: moto for S3, Stubber for bedrock-agent).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from botocore.exceptions import BotoCoreError, ClientError

from backend.rag.ingest.parser import DocumentError, open_pdf
from backend.rag.ingest.policy_library import safe_pdf_name
from backend.settings import Settings

JobState = Literal["STARTING", "IN_PROGRESS", "COMPLETE", "FAILED", "STOPPING", "STOPPED"]
FINISHED: frozenset[str] = frozenset({"COMPLETE", "FAILED", "STOPPED"})
Progress = Callable[["SyncStatus"], object]
DEFAULT_POLL_S = 3.0
DEFAULT_WAIT_S = 600.0


class PolicySyncError(RuntimeError):
    """A storage or sync failure, as one sentence a person can act on."""


@dataclass(frozen=True)
class PolicyDocument:
    file: str
    key: str
    size: int
    last_modified: datetime


@dataclass(frozen=True)
class SyncStatus:
    """One ``get_ingestion_job`` reading: state, counts, and failure reasons by file ("" = the job)."""

    job_id: str
    state: str
    scanned: int = 0
    indexed: int = 0  # new and modified documents
    deleted: int = 0
    failed: int = 0
    failures: dict[str, list[str]] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def succeeded(self) -> bool:
        return self.state == "COMPLETE" and not self.failures

    def summary(self) -> str:
        """One sentence for the page: where the sync is and what it did."""
        if not self.finished:
            return f"Sync {self.state.lower().replace('_', ' ')}: {self.scanned} documents scanned so far."
        counts = f"{self.indexed} indexed, {self.deleted} removed, {self.failed} failed"
        if self.state == "COMPLETE":
            return f"Sync complete: {counts}."
        reasons = "; ".join(r for rs in self.failures.values() for r in rs) or "no reason was given"
        return f"Sync {self.state.lower()} ({counts}): {reasons}."


@dataclass(frozen=True)
class UploadOutcome:
    """What happened to each uploaded file (stored, or rejected with a reason) and the sync it started."""

    stored: list[str]
    rejected: dict[str, str]
    sync: SyncStatus | None


def status_from_job(job: dict[str, Any], files: Sequence[str] = ()) -> SyncStatus:
    """A ``get_ingestion_job``/``start_ingestion_job`` ``ingestionJob`` as a SyncStatus (pure)."""
    stats = job.get("statistics") or {}
    return SyncStatus(
        job_id=str(job.get("ingestionJobId", "")),
        state=str(job.get("status", "")),
        scanned=int(stats.get("numberOfDocumentsScanned", 0)),
        indexed=int(stats.get("numberOfNewDocumentsIndexed", 0))
        + int(stats.get("numberOfModifiedDocumentsIndexed", 0)),
        deleted=int(stats.get("numberOfDocumentsDeleted", 0)),
        failed=int(stats.get("numberOfDocumentsFailed", 0)),
        failures=failures_by_file(job.get("failureReasons") or [], files),
    )


def failures_by_file(reasons: Sequence[str], files: Sequence[str]) -> dict[str, list[str]]:
    """Group failure reasons by the file they name (by key or file name); others go under "" (pure)."""
    grouped: dict[str, list[str]] = {}
    for reason in reasons:
        named = next((f for f in sorted(files, key=len, reverse=True) if f and f in reason), "")
        grouped.setdefault(named, []).append(reason)
    return grouped


class PolicySync:
    """Policy PDFs in ``s3://bucket/prefix`` and the Knowledge Base data source that indexes them."""

    def __init__(
        self,
        s3: Any,
        agent: Any,
        *,
        bucket: str,
        prefix: str,
        knowledge_base_id: str,
        data_source_id: str,
        client_token: Callable[[], str] = lambda: uuid.uuid4().hex * 2,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._s3 = s3
        self._agent = agent
        self.bucket = bucket
        self.prefix = prefix
        self.knowledge_base_id = knowledge_base_id
        self.data_source_id = data_source_id
        self._client_token = client_token
        self._sleep = sleep
        self._clock = clock

    @staticmethod
    def configured(settings: Settings) -> bool:
        """Whether the bucket, the Knowledge Base and its data source are all set (no client is built)."""
        return PolicySync.from_settings(settings, s3=None, agent=None) is not None

    @classmethod
    def from_settings(cls, settings: Settings, *, s3: Any, agent: Any) -> PolicySync | None:
        """The service when the bucket, Knowledge Base and data source are all configured, else None."""
        bucket, kb, source = (
            settings.policy_bucket,
            settings.bedrock_knowledge_base_id,
            settings.bedrock_kb_data_source_id,
        )
        if not (bucket and kb and source):
            return None
        return cls(
            s3,
            agent,
            bucket=bucket,
            prefix=settings.policy_prefix,
            knowledge_base_id=kb,
            data_source_id=source,
        )

    def key(self, file: str) -> str:
        return f"{self.prefix}{file}"

    # ------------------------------------------------------------------ documents

    def documents(self) -> list[PolicyDocument]:
        """The PDFs in the data source's prefix, by name."""
        found: list[PolicyDocument] = []
        try:
            for page in self._s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            ):
                for obj in page.get("Contents", []):
                    file = obj["Key"][len(self.prefix) :]
                    if "/" not in file and file.lower().endswith(".pdf"):
                        found.append(PolicyDocument(file, obj["Key"], int(obj["Size"]), obj["LastModified"]))
        except (ClientError, BotoCoreError) as exc:
            raise self._s3_error(exc, "list the policy documents") from exc
        return sorted(found, key=lambda d: d.file)

    def upload(self, files: Sequence[tuple[str, bytes]]) -> UploadOutcome:
        """Check each PDF, put the good ones in the prefix, then start one sync for all of them."""
        stored: list[str] = []
        rejected: dict[str, str] = {}
        for original, data in files:
            name = safe_pdf_name(original)
            if name is None:
                rejected[original] = "only PDF files (.pdf) can be added"
                continue
            try:
                open_pdf(data, name)
            except DocumentError as exc:
                rejected[original] = exc.reason
                continue
            try:
                self._s3.put_object(
                    Bucket=self.bucket, Key=self.key(name), Body=data, ContentType="application/pdf"
                )
            except (ClientError, BotoCoreError) as exc:
                raise self._s3_error(exc, f"store {name}") from exc
            stored.append(name)
        sync = self.start_sync(f"Uploaded {', '.join(stored)}") if stored else None
        return UploadOutcome(stored, rejected, sync)

    def delete(self, file: str) -> SyncStatus:
        """Remove a policy from the prefix and re-sync, so the Knowledge Base forgets its passages."""
        if safe_pdf_name(file) != file:
            raise PolicySyncError(f"'{file}' is not the name of a policy document in the bucket.")
        try:
            self._s3.head_object(Bucket=self.bucket, Key=self.key(file))
            self._s3.delete_object(Bucket=self.bucket, Key=self.key(file))
        except (ClientError, BotoCoreError) as exc:
            raise self._s3_error(exc, f"delete {file}") from exc
        return self.start_sync(f"Deleted {file}")

    # ------------------------------------------------------------------ sync

    def start_sync(self, description: str = "Policy documents changed") -> SyncStatus:
        try:
            response = self._agent.start_ingestion_job(
                knowledgeBaseId=self.knowledge_base_id,
                dataSourceId=self.data_source_id,
                clientToken=self._client_token(),
                description=description[:200],
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._sync_error(exc) from exc
        return status_from_job(response["ingestionJob"], self._names())

    def status(self, job_id: str) -> SyncStatus:
        try:
            response = self._agent.get_ingestion_job(
                knowledgeBaseId=self.knowledge_base_id,
                dataSourceId=self.data_source_id,
                ingestionJobId=job_id,
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._sync_error(exc) from exc
        return status_from_job(response["ingestionJob"], self._names())

    def wait(
        self,
        job_id: str,
        progress: Progress | None = None,
        *,
        poll_s: float = DEFAULT_POLL_S,
        timeout_s: float = DEFAULT_WAIT_S,
    ) -> SyncStatus:
        """Poll the job until it finishes (or ``timeout_s`` passes), reporting each reading."""
        deadline = self._clock() + timeout_s
        while True:
            current = self.status(job_id)
            if progress is not None:
                progress(current)
            if current.finished or self._clock() >= deadline:
                return current
            self._sleep(poll_s)

    # ------------------------------------------------------------------ plumbing

    def _names(self) -> list[str]:
        # Failure reasons name the document's S3 URI, which ends with its file name.
        try:
            return [d.file for d in self.documents()]
        except PolicySyncError:
            return []

    def _s3_error(self, exc: BaseException, action: str) -> PolicySyncError:
        from backend.errors import ErrorKind, classify

        code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""
        where = f"s3://{self.bucket}/{self.prefix}"
        if code in {"NoSuchBucket", "404", "NoSuchKey"}:
            what = "bucket" if code == "NoSuchBucket" else "document"
            return PolicySyncError(
                f"Could not {action}: the {what} does not exist in {where}; check POLICY_BUCKET."
            )
        kind = classify(exc)
        if kind is ErrorKind.ACCESS_DENIED or code in {"403", "AllAccessDisabled"}:
            return PolicySyncError(
                f"Could not {action}: access to {where} was denied; the app's role needs s3:PutObject, "
                "s3:GetObject, s3:DeleteObject and s3:ListBucket there."
            )
        return PolicySyncError(f"Could not {action} in {where} ({code or type(exc).__name__}); try again.")

    def _sync_error(self, exc: BaseException) -> PolicySyncError:
        from backend.errors import ErrorKind, classify

        code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""
        kb = f"Knowledge Base '{self.knowledge_base_id}' (data source '{self.data_source_id}')"
        if code == "ConflictException":
            return PolicySyncError(
                f"A sync of {kb} is already running; the documents are saved, so sync again when it finishes."
            )
        if code == "ResourceNotFoundException":
            return PolicySyncError(
                f"{kb} was not found: check BEDROCK_KNOWLEDGE_BASE_ID, BEDROCK_KB_DATA_SOURCE_ID and "
                "AWS_REGION."
            )
        kind = classify(exc)
        if kind is ErrorKind.ACCESS_DENIED:
            return PolicySyncError(
                f"Access to {kb} was denied: the app's role needs bedrock:StartIngestionJob and "
                "bedrock:GetIngestionJob on it."
            )
        if kind is ErrorKind.THROTTLED:
            return PolicySyncError(
                f"Amazon Bedrock is throttling requests to {kb}; wait a few seconds and sync again."
            )
        from backend.errors import user_message

        return PolicySyncError(user_message(exc))

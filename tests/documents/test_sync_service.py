"""Policy-document operations when the policies live in S3 behind a Knowledge Base: admins only, audited.

S3 through moto; ``start_ingestion_job``/``get_ingestion_job`` through Stubber with the exact request.
The local index is a library that fails the test if anything touches it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from backend.appdb.audit import AuditLog
from backend.appdb.documents import DocumentCatalog
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity, PermissionDeniedError
from backend.documents.service import DocumentOperationError, PolicyDocuments, refusal_message
from backend.kb.policy_sync import PolicySyncError
from tests.fakes import text_pdf
from tests.kb.test_policy_sync import BUCKET, get_params, job, make_sync, start_params

ADMIN = Identity("ana", "admin")
STAFF = Identity("bo", "staff")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LEAVE = text_pdf("Annual leave is 25 days per year for every employee.", title="Leave")


class UntouchedLibrary:
    """The local index: in S3 mode nothing may read or change it."""

    def stats(self) -> Any:
        raise AssertionError("the local index was read")

    def upload(
        self, files: Sequence[tuple[str, bytes]], progress: Any = None, *, replace: bool = False
    ) -> Any:
        raise AssertionError("the local index was changed")

    def delete(self, file: str) -> Any:
        raise AssertionError("the local index was changed")

    def rebuild(self) -> Any:
        raise AssertionError("the local index was rebuilt")

    def reconcile(self) -> Any:
        raise AssertionError("the local index was changed")

    def stray_uploads(self) -> Any:
        raise AssertionError("the upload folder was read")

    def is_builtin(self, file: str) -> bool:
        raise AssertionError("the local index was read")


@pytest.fixture
def setup(
    aws_credentials: None, tmp_path: Path
) -> Iterator[tuple[PolicyDocuments, Stubber, Any, SqliteStore]]:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        agent = boto3.client("bedrock-agent", region_name="us-east-1")
        store = SqliteStore(tmp_path / "app.db")
        with Stubber(agent) as stubber:
            docs = PolicyDocuments(
                UntouchedLibrary(), DocumentCatalog(store), AuditLog(store), lambda: NOW, make_sync(s3, agent)
            )
            yield docs, stubber, s3, store
            stubber.assert_no_pending_responses()
        store.close()


def keys(s3: Any) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_admin_upload_goes_to_the_prefix_starts_a_sync_and_is_audited(
    setup: tuple[PolicyDocuments, Stubber, Any, SqliteStore],
) -> None:
    docs, stubber, s3, store = setup
    stubber.add_response("start_ingestion_job", job("STARTING"), start_params("Uploaded Leave policy.pdf"))

    outcome = docs.bucket_upload(
        ADMIN,
        [("Leave policy.pdf", LEAVE), ("notes.txt", b"x")],
        version=" 2 ",
        effective_date=date(2027, 1, 1),
    )

    assert outcome.stored == ["Leave policy.pdf"]
    assert outcome.rejected == {"notes.txt": "only PDF files (.pdf) can be added"}
    assert outcome.sync is not None
    assert outcome.sync.job_id == "JOB1"
    assert keys(s3) == ["policies/Leave policy.pdf"]
    [row] = docs.bucket_documents()
    assert (row.file, row.uploaded_by, row.version, row.effective_date) == (
        "Leave policy.pdf",
        "ana",
        "2",
        date(2027, 1, 1),
    )
    assert row.size == len(LEAVE)
    [event] = AuditLog(store).recent()
    assert (event.actor, event.action, event.target, event.detail) == (
        "ana",
        "upload",
        "Leave policy.pdf",
        "sync job JOB1",
    )


def test_delete_removes_the_object_re_syncs_and_forgets_the_metadata(
    setup: tuple[PolicyDocuments, Stubber, Any, SqliteStore],
) -> None:
    docs, stubber, s3, store = setup
    stubber.add_response("start_ingestion_job", job("STARTING"), start_params("Uploaded leave.pdf"))
    stubber.add_response("start_ingestion_job", job("STARTING", "JOB2"), start_params("Deleted leave.pdf"))
    stubber.add_response(
        "get_ingestion_job", job("COMPLETE", "JOB2", numberOfDocumentsDeleted=1), get_params("JOB2")
    )
    docs.bucket_upload(ADMIN, [("leave.pdf", LEAVE)])

    started = docs.bucket_delete(ADMIN, "leave.pdf")
    final = docs.sync_status(ADMIN, started.job_id)

    assert keys(s3) == []
    assert docs.info("leave.pdf") is None
    assert (final.state, final.deleted) == ("COMPLETE", 1)
    assert sorted((e.action, e.detail) for e in AuditLog(store).recent()) == [  # same clock: any order
        ("delete", "sync job JOB2"),
        ("upload", "sync job JOB1"),
    ]


def test_staff_are_refused_before_the_bucket_or_the_knowledge_base_is_touched(
    setup: tuple[PolicyDocuments, Stubber, Any, SqliteStore],
) -> None:
    docs, _stubber, s3, store = setup
    s3.put_object(Bucket=BUCKET, Key="policies/leave.pdf", Body=LEAVE)
    attempts = {
        "upload policy documents": lambda: docs.bucket_upload(STAFF, [("other.pdf", LEAVE)]),
        "replace policy documents": lambda: docs.bucket_upload(STAFF, [("leave.pdf", b"")], action="replace"),
        "delete policy documents": lambda: docs.bucket_delete(STAFF, "leave.pdf"),
        "rebuild the policy index": lambda: docs.sync_now(STAFF),
        "check the policy sync": lambda: docs.sync_status(STAFF, "JOB1"),
    }
    for action, attempt in attempts.items():
        with pytest.raises(PermissionDeniedError, match=f"Only admins can {action}; bo is signed in as"):
            attempt()
    # The Stubber has no responses queued: any ingestion call would have failed the test.
    assert keys(s3) == ["policies/leave.pdf"]
    assert s3.get_object(Bucket=BUCKET, Key="policies/leave.pdf")["Body"].read() == LEAVE
    assert AuditLog(store).recent() == []


def test_a_sync_already_running_is_one_sentence_and_the_upload_is_kept(
    setup: tuple[PolicyDocuments, Stubber, Any, SqliteStore],
) -> None:
    docs, stubber, s3, _ = setup
    stubber.add_client_error("start_ingestion_job", "ConflictException", "A job is running", 409)

    with pytest.raises(PolicySyncError) as caught:
        docs.bucket_upload(ADMIN, [("leave.pdf", LEAVE)])

    assert refusal_message(caught.value) == (
        "A sync of Knowledge Base 'KBPOLICY01' (data source 'DSPOLICY01') is already running; the documents "
        "are saved, so sync again when it finishes."
    )
    assert keys(s3) == ["policies/leave.pdf"]


def test_without_a_bucket_the_s3_operations_say_so(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "app.db")
    docs = PolicyDocuments(UntouchedLibrary(), DocumentCatalog(store), AuditLog(store), lambda: NOW)
    with pytest.raises(DocumentOperationError, match="kept in the local index"):
        docs.sync_now(ADMIN)
    store.close()

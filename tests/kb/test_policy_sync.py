"""Policies in S3 + Knowledge Base sync: S3 through moto, the ingestion jobs through Stubber."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from backend.kb.policy_sync import PolicySync, PolicySyncError, SyncStatus, failures_by_file, status_from_job
from backend.settings import Settings
from tests.fakes import text_pdf

BUCKET = "acme-policies"
KB_ID = "KBPOLICY01"
DS_ID = "DSPOLICY01"
TOKEN = "t" * 40
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def job(state: str, job_id: str = "JOB1", failures: list[str] | None = None, **stats: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "knowledgeBaseId": KB_ID,
        "dataSourceId": DS_ID,
        "ingestionJobId": job_id,
        "status": state,
        "startedAt": NOW,
        "updatedAt": NOW,
        "statistics": {"numberOfDocumentsScanned": 0, **stats},
    }
    if failures:
        body["failureReasons"] = failures
    return {"ingestionJob": body}


def start_params(description: str) -> dict[str, Any]:
    return {"knowledgeBaseId": KB_ID, "dataSourceId": DS_ID, "clientToken": TOKEN, "description": description}


def get_params(job_id: str = "JOB1") -> dict[str, Any]:
    return {"knowledgeBaseId": KB_ID, "dataSourceId": DS_ID, "ingestionJobId": job_id}


def make_sync(s3: Any, agent: Any, sleep: Callable[[float], object] = lambda _: None) -> PolicySync:
    """The service over ``s3://acme-policies/policies/`` with a fixed client token and a still clock."""
    return PolicySync(
        s3,
        agent,
        bucket=BUCKET,
        prefix="policies/",
        knowledge_base_id=KB_ID,
        data_source_id=DS_ID,
        client_token=lambda: TOKEN,
        sleep=sleep,
        clock=lambda: 0.0,
    )


@pytest.fixture
def sync(aws_credentials: None) -> Iterator[tuple[PolicySync, Stubber, Any, list[float]]]:
    slept: list[float] = []
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        agent = boto3.client("bedrock-agent", region_name="us-east-1")
        with Stubber(agent) as stubber:
            yield make_sync(s3, agent, slept.append), stubber, s3, slept
            stubber.assert_no_pending_responses()


def test_upload_puts_valid_pdfs_in_the_prefix_and_starts_one_sync(
    sync: tuple[PolicySync, Stubber, Any, list[float]],
) -> None:
    service, stubber, s3, _ = sync
    stubber.add_response("start_ingestion_job", job("STARTING"), start_params("Uploaded Pet Policy.pdf"))

    outcome = service.upload(
        [
            ("Pet Policy.PDF", text_pdf("Dogs on Fridays.")),
            ("notes.txt", b"hello"),
            ("bad.pdf", b"%PDF-broken"),
        ]
    )

    assert outcome.stored == ["Pet Policy.pdf"]  # the HR upload's safe name
    assert s3.get_object(Bucket=BUCKET, Key="policies/Pet Policy.pdf")["ContentType"] == "application/pdf"
    assert set(outcome.rejected) == {"notes.txt", "bad.pdf"}
    assert outcome.rejected["notes.txt"] == "only PDF files (.pdf) can be added"
    assert outcome.sync is not None
    assert (outcome.sync.job_id, outcome.sync.state) == ("JOB1", "STARTING")
    assert [d.file for d in service.documents()] == outcome.stored


def test_wait_reports_progress_until_the_job_finishes_with_per_file_failures(
    sync: tuple[PolicySync, Stubber, Any, list[float]],
) -> None:
    service, stubber, s3, slept = sync
    s3.put_object(Bucket=BUCKET, Key="policies/leave.pdf", Body=text_pdf("Leave."))
    s3.put_object(Bucket=BUCKET, Key="policies/scan.pdf", Body=text_pdf("Scan."))
    stubber.add_response("get_ingestion_job", job("IN_PROGRESS", numberOfDocumentsScanned=1), get_params())
    stubber.add_response(
        "get_ingestion_job",
        job(
            "COMPLETE",
            failures=[f"Encountered error: no text could be extracted from s3://{BUCKET}/policies/scan.pdf"],
            numberOfDocumentsScanned=2,
            numberOfNewDocumentsIndexed=1,
            numberOfDocumentsFailed=1,
        ),
        get_params(),
    )
    seen: list[SyncStatus] = []

    final = service.wait("JOB1", seen.append, poll_s=2.0)

    assert [s.state for s in seen] == ["IN_PROGRESS", "COMPLETE"]
    assert slept == [2.0]
    assert (final.scanned, final.indexed, final.failed) == (2, 1, 1)
    assert list(final.failures) == ["scan.pdf"]
    assert not final.succeeded
    assert final.summary() == "Sync complete: 1 indexed, 0 removed, 1 failed."


def test_delete_removes_the_object_and_resyncs(sync: tuple[PolicySync, Stubber, Any, list[float]]) -> None:
    service, stubber, s3, _ = sync
    s3.put_object(Bucket=BUCKET, Key="policies/old.pdf", Body=text_pdf("Old."))
    stubber.add_response("start_ingestion_job", job("STARTING", "JOB2"), start_params("Deleted old.pdf"))

    status = service.delete("old.pdf")

    assert status.job_id == "JOB2"
    assert service.documents() == []


@pytest.mark.parametrize("name", ["missing.pdf", "../secrets.pdf", "notes.txt"])
def test_deleting_something_that_is_not_there_is_one_sentence(
    sync: tuple[PolicySync, Stubber, Any, list[float]], name: str
) -> None:
    service, _, _, _ = sync
    with pytest.raises(PolicySyncError, match=r"^(Could not delete|'.*' is not the name)"):
        service.delete(name)


@pytest.mark.parametrize(
    ("code", "status", "says"),
    [
        (
            "ConflictException",
            409,
            "A sync of Knowledge Base 'KBPOLICY01' (data source 'DSPOLICY01') is already",
        ),
        (
            "ResourceNotFoundException",
            404,
            "Knowledge Base 'KBPOLICY01' (data source 'DSPOLICY01') was not found",
        ),
        ("AccessDeniedException", 403, "Access to Knowledge Base 'KBPOLICY01'"),
        ("ThrottlingException", 429, "Amazon Bedrock is throttling requests"),
    ],
)
def test_sync_failures_are_one_sentence(
    sync: tuple[PolicySync, Stubber, Any, list[float]], code: str, status: int, says: str
) -> None:
    service, stubber, _, _ = sync
    stubber.add_client_error("start_ingestion_job", code, "failed", status)
    with pytest.raises(PolicySyncError) as caught:
        service.start_sync("Manual sync")
    assert str(caught.value).startswith(says)


def test_a_missing_bucket_is_one_sentence(aws_credentials: None) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        service = PolicySync(
            s3, object(), bucket="nope", prefix="p/", knowledge_base_id=KB_ID, data_source_id=DS_ID
        )
        with pytest.raises(
            PolicySyncError, match="the bucket does not exist in s3://nope/p/; check POLICY_BUCKET"
        ):
            service.upload([("a.pdf", text_pdf("A."))])


@pytest.mark.parametrize(
    ("reasons", "files", "grouped"),
    [
        ([], ["a.pdf"], {}),
        (["s3://b/p/a.pdf: no text"], ["a.pdf", "b.pdf"], {"a.pdf": ["s3://b/p/a.pdf: no text"]}),
        (
            ["s3://b/p/big_a.pdf: too large"],
            ["a.pdf", "big_a.pdf"],
            {"big_a.pdf": ["s3://b/p/big_a.pdf: too large"]},
        ),
        (["Quota exceeded"], ["a.pdf"], {"": ["Quota exceeded"]}),
    ],
)
def test_failures_by_file(reasons: list[str], files: list[str], grouped: dict[str, list[str]]) -> None:
    assert failures_by_file(reasons, files) == grouped


@pytest.mark.parametrize(
    ("body", "finished", "summary"),
    [
        (job("STARTING")["ingestionJob"], False, "Sync starting: 0 documents scanned so far."),
        (
            job("IN_PROGRESS", numberOfDocumentsScanned=3)["ingestionJob"],
            False,
            "Sync in progress: 3 documents",
        ),
        (
            job(
                "COMPLETE",
                numberOfNewDocumentsIndexed=2,
                numberOfModifiedDocumentsIndexed=1,
                numberOfDocumentsDeleted=1,
            )["ingestionJob"],
            True,
            "Sync complete: 3 indexed, 1 removed, 0 failed.",
        ),
        (
            job("FAILED", failures=["Data source not reachable"])["ingestionJob"],
            True,
            "Sync failed (0 indexed",
        ),
    ],
)
def test_status_from_job(body: dict[str, Any], finished: bool, summary: str) -> None:
    status = status_from_job(body)
    assert status.finished is finished
    assert status.summary().startswith(summary)
    if status.state == "FAILED":
        assert status.summary().endswith("Data source not reachable.")


@pytest.mark.parametrize(
    ("env", "configured"),
    [
        ({}, False),
        ({"POLICY_BUCKET": "b", "BEDROCK_KNOWLEDGE_BASE_ID": "K"}, False),
        ({"POLICY_BUCKET": "b", "BEDROCK_KNOWLEDGE_BASE_ID": "K", "BEDROCK_KB_DATA_SOURCE_ID": "D"}, True),
    ],
)
def test_from_settings_needs_bucket_kb_and_data_source(env: dict[str, str], configured: bool) -> None:
    service = PolicySync.from_settings(Settings(**env), s3=object(), agent=object())  # type: ignore[arg-type]
    assert (service is not None) is configured
    assert PolicySync.configured(Settings(**env)) is configured  # type: ignore[arg-type]
    if service is not None:
        assert (service.bucket, service.prefix, service.data_source_id) == ("b", "policies/", "D")

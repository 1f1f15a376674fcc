"""AppTest of Admin → Policy documents when the policies live in S3 behind a Knowledge Base.

A real ``PolicySync`` is injected under ``policy_sync``: S3 through moto, the ingestion jobs through
Stubber with the exact requests. The local index is never built or read in this mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from streamlit.testing.v1 import AppTest

from backend.appdb.audit import AuditLog
from backend.appdb.sqlite import SqliteStore
from backend.settings import Settings
from tests.fakes import text_pdf
from tests.kb.test_policy_sync import BUCKET, get_params, job, make_sync, start_params
from tests.pages.test_hr_policy_qa_page import make_library

PAGE = "pages/policy_documents.py"
SCAN_FAILED = f"Encountered error: no text could be extracted from s3://{BUCKET}/policies/scan.pdf"


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[tuple[Any, Any, Stubber]]:
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        agent = boto3.client("bedrock-agent", region_name="us-east-1")
        with Stubber(agent) as stubber:
            yield s3, agent, stubber
            stubber.assert_no_pending_responses()


def open_bucket_page(
    open_page: Callable[..., AppTest], cfg: Settings, aws: tuple[Any, Any, Stubber], store: SqliteStore
) -> AppTest:
    s3, agent, _ = aws
    overrides = {
        "settings": cfg,
        "policy_library": make_library(cfg),
        "policy_sync": make_sync(s3, agent),
        "app_store": store,
    }
    return open_page(PAGE, overrides)


def button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def files_listed(at: AppTest) -> list[str]:
    return [r["File"] for r in at.dataframe[0].value.to_dict("records")]


def test_the_page_says_where_policies_live_and_lists_the_bucket(
    open_page: Callable[..., AppTest], app_settings: Settings, aws: tuple[Any, Any, Stubber], tmp_path: Path
) -> None:
    s3, _, _ = aws
    s3.put_object(Bucket=BUCKET, Key="policies/leave.pdf", Body=text_pdf("Leave."))
    at = open_bucket_page(open_page, app_settings, aws, SqliteStore(tmp_path / "app.db"))

    assert not at.exception
    assert at.caption[0].value.startswith(
        "Policies are stored in s3://acme-policies/policies/; the Knowledge Base KBPOLICY01 (data source "
        "DSPOLICY01) indexes them"
    )
    assert files_listed(at) == ["leave.pdf"]
    assert at.dataframe[0].value.to_dict("records")[0]["Uploaded by"] == "outside the app"
    assert not app_settings.index_dir.exists()  # the local index is not built in this mode


def test_upload_stores_the_pdf_and_shows_the_sync_until_it_ends_with_per_file_failures(
    open_page: Callable[..., AppTest], app_settings: Settings, aws: tuple[Any, Any, Stubber], tmp_path: Path
) -> None:
    s3, _, stubber = aws
    s3.put_object(Bucket=BUCKET, Key="policies/scan.pdf", Body=text_pdf("Scan."))
    store = SqliteStore(tmp_path / "app.db")
    at = open_bucket_page(open_page, app_settings, aws, store)
    stubber.add_response("start_ingestion_job", job("STARTING"), start_params("Uploaded Pet Policy.pdf"))
    stubber.add_response("get_ingestion_job", job("IN_PROGRESS", numberOfDocumentsScanned=1), get_params())

    at.file_uploader[0].set_value(
        [
            ("Pet Policy.pdf", text_pdf("Dogs on Fridays."), "application/pdf"),
            ("broken.pdf", b"%PDF-1.7 not really", "application/pdf"),
        ]
    )
    button(at, "Add and sync").click().run()

    assert not at.exception
    assert [s.value for s in at.success] == ["Pet Policy.pdf: stored in s3://acme-policies/policies/"]
    assert [e.value for e in at.error] == [
        "broken.pdf: rejected, the file is truncated (it stops before the PDF's end-of-file marker); "
        "upload the complete file"
    ]
    assert [i.value for i in at.info] == ["Sync in progress: 1 documents scanned so far."]
    assert files_listed(at) == ["Pet Policy.pdf", "scan.pdf"]
    [event] = AuditLog(store).recent()
    assert (event.actor, event.action, event.target) == ("local", "upload", "Pet Policy.pdf")

    # The next poll finds the job finished: the outcome and the file it failed on stay on the page.
    stubber.add_response(
        "get_ingestion_job",
        job(
            "COMPLETE",
            failures=[SCAN_FAILED],
            numberOfDocumentsScanned=2,
            numberOfNewDocumentsIndexed=1,
            numberOfDocumentsFailed=1,
        ),
        get_params(),
    )
    at.run()

    assert not at.exception
    assert [w.value for w in at.warning] == ["Sync complete: 1 indexed, 0 removed, 1 failed."]
    assert [e.value for e in at.error] == [f"scan.pdf: {SCAN_FAILED}"]
    assert not at.info  # nothing is being polled any more
    at.run()  # and no more ingestion calls are made (the Stubber has none queued)
    assert not at.exception


def test_delete_removes_the_object_and_re_syncs(
    open_page: Callable[..., AppTest], app_settings: Settings, aws: tuple[Any, Any, Stubber], tmp_path: Path
) -> None:
    s3, _, stubber = aws
    s3.put_object(Bucket=BUCKET, Key="policies/leave.pdf", Body=text_pdf("Leave."))
    s3.put_object(Bucket=BUCKET, Key="policies/pets.pdf", Body=text_pdf("Pets."))
    store = SqliteStore(tmp_path / "app.db")
    at = open_bucket_page(open_page, app_settings, aws, store)
    stubber.add_response("start_ingestion_job", job("STARTING"), start_params("Deleted pets.pdf"))
    stubber.add_response("get_ingestion_job", job("COMPLETE", numberOfDocumentsDeleted=1), get_params())

    doomed = next(s for s in at.selectbox if s.label == "Document to delete")
    assert doomed.options == ["leave.pdf", "pets.pdf"]
    doomed.set_value("pets.pdf")
    button(at, "Delete and sync").click().run()

    assert not at.exception
    assert "pets.pdf deleted from s3://acme-policies/policies/; the Knowledge Base is syncing." in [
        s.value for s in at.success
    ]
    assert "Sync complete: 0 indexed, 1 removed, 0 failed." in [s.value for s in at.success]
    assert files_listed(at) == ["leave.pdf"]
    assert [(e.action, e.target) for e in AuditLog(store).recent()] == [("delete", "pets.pdf")]

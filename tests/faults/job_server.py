"""A stand-in for the Streamlit server in the kill test: it runs an upload as a supervised job, the way
the Policy documents page does, and then idles like a server until it is killed.

``python -m tests.faults.job_server ROOT`` uploads every PDF in ``ROOT/incoming`` into the library over
``ROOT/index``, ``ROOT/policies`` and ``ROOT/uploads`` (hashing embeddings, two parse workers). The job is
started from a short-lived thread (a script run that ends as the user navigates away); "started" is
printed once that thread is gone.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from backend.appdb.audit import AuditLog
from backend.appdb.documents import DocumentCatalog
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity
from backend.auth.setup import utc_now
from backend.documents.document_jobs import DocumentJobs
from backend.documents.jobs import JobRunner
from backend.documents.service import PolicyDocuments, refusal_message
from backend.rag.ingest.policy_library import PolicyLibrary
from tests.rag.fakes import HashingEmbeddings

EMBEDDING_MODEL = "hashing-64"  # the faults suite's ``library`` fixture builds its index with it too


def build_jobs(root: Path) -> tuple[DocumentJobs, JobRunner]:
    embeddings = HashingEmbeddings()
    library = PolicyLibrary(
        index_dir=root / "index",
        policies_dir=root / "policies",
        upload_dir=root / "uploads",
        embedding_model=EMBEDDING_MODEL,
        embeddings=lambda: embeddings,
        workers=2,
    )
    store = SqliteStore(root / "app.db")
    runner = JobRunner(utc_now, refusal_message)
    return DocumentJobs(
        PolicyDocuments(library, DocumentCatalog(store), AuditLog(store), utc_now), runner
    ), runner


def main(root: Path) -> None:
    jobs, _ = build_jobs(root)
    batch = [(path.name, path.read_bytes()) for path in sorted((root / "incoming").glob("*.pdf"))]
    caller = threading.Thread(target=lambda: jobs.upload(Identity("ana", "admin"), batch))
    caller.start()
    caller.join()
    print("started", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

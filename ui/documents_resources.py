"""The policy-document service of the Policy documents page (cheap to build: not cached), and the
process's one document-job runner (cached: every session must see the same running job)."""

from __future__ import annotations

import streamlit as st

from backend.appdb.audit import AuditLog
from backend.appdb.documents import DocumentCatalog
from backend.auth.setup import utc_now
from backend.documents.document_jobs import DocumentJobs
from backend.documents.jobs import JobRunner
from backend.documents.service import PolicyDocuments, refusal_message
from backend.settings import Settings
from ui.auth_resources import app_store
from ui.policy_sync_resources import policy_sync
from ui.rag_resources import policy_library
from ui.resources import resolve


def policy_documents(settings: Settings) -> PolicyDocuments:
    """Page tests inject one under ``policy_documents`` (or its parts: ``policy_library``, ``app_store``,
    ``policy_sync``). With ``POLICY_BUCKET`` & co. set, it also holds the S3 + Knowledge Base store."""

    def build() -> PolicyDocuments:
        store = app_store(settings)
        return PolicyDocuments(
            policy_library(settings), DocumentCatalog(store), AuditLog(store), utc_now, policy_sync(settings)
        )

    return resolve("policy_documents", build)


@st.cache_resource(show_spinner=False)
def _job_runner() -> JobRunner:
    # One per process and shared by every session, like a connection pool: that is what lets every
    # admin see the running job and refuses a second. It is a service, not cached data: its state (the
    # current job) changes only under its own lock, and sessions read immutable snapshots of it.
    return JobRunner(utc_now, refusal_message)


def document_jobs(settings: Settings) -> DocumentJobs:
    """The local index's changes as background jobs; page tests share one runner between sessions by
    injecting it under ``document_job_runner``."""
    return DocumentJobs(policy_documents(settings), resolve("document_job_runner", _job_runner))


def audit_log(settings: Settings) -> AuditLog:
    return AuditLog(app_store(settings))

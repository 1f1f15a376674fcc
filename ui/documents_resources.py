"""The policy-document service of the Policy documents page (cheap to build: not cached)."""

from __future__ import annotations

from backend.appdb.audit import AuditLog
from backend.appdb.documents import DocumentCatalog
from backend.auth.setup import utc_now
from backend.documents.service import PolicyDocuments
from backend.settings import Settings
from ui.auth_resources import app_store
from ui.rag_resources import policy_library
from ui.resources import resolve


def policy_documents(settings: Settings) -> PolicyDocuments:
    """Page tests inject one under ``policy_documents`` (or its parts: ``policy_library``, ``app_store``)."""

    def build() -> PolicyDocuments:
        store = app_store(settings)
        return PolicyDocuments(policy_library(settings), DocumentCatalog(store), AuditLog(store), utc_now)

    return resolve("policy_documents", build)


def audit_log(settings: Settings) -> AuditLog:
    return AuditLog(app_store(settings))

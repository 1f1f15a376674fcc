"""The app database and the operator records (usage, feedback, Ask-HR queue) for the pages.

The store (``ui.auth_resources.app_store``) is opened once per process; the small repositories over it
are cheap and built per call. The acting user is ``ui.auth.current_user``.
"""

from __future__ import annotations

from backend.appdb.feedback import FeedbackLog
from backend.appdb.gap_groups import GapGroupStatuses
from backend.appdb.handoff import HandoffRepository
from backend.appdb.usage import UsageLog
from backend.gaps.handoff import HandoffService
from backend.gaps.report import KnowledgeGapReport
from backend.metering.figures import AnswerFigures
from backend.metering.report import UsageReport
from backend.metering.usage import UsageRecorder
from backend.settings import Settings
from ui.auth import current_user
from ui.auth_resources import app_store


def current_username() -> str:
    return current_user().username


def usage_recorder(settings: Settings) -> UsageRecorder:
    return UsageRecorder(UsageLog(app_store(settings)))


def feedback_log(settings: Settings) -> FeedbackLog:
    return FeedbackLog(app_store(settings))


def record_usage(settings: Settings, page: str, figures: AnswerFigures) -> None:
    """One usage record for a finished model call made on behalf of the current user."""
    usage_recorder(settings).record(user=current_username(), page=page, figures=figures)


def usage_report(settings: Settings) -> UsageReport:
    return UsageReport(UsageLog(app_store(settings)))


def handoff_service(settings: Settings) -> HandoffService:
    return HandoffService(HandoffRepository(app_store(settings)))


def gap_report(settings: Settings) -> KnowledgeGapReport:
    """The report over the embedding model and policy index the Q&A page already loaded."""
    from ui.rag_resources import embeddings, policy_retriever

    store = app_store(settings)
    return KnowledgeGapReport(
        FeedbackLog(store),
        GapGroupStatuses(store),
        lambda: embeddings(settings),
        lambda: policy_retriever(settings),
    )

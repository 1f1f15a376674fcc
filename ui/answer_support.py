"""Pieces the Q&A pages (HR Policy Q&A, Course Q&A) add around an answer:

- ``record_gap_signal``: note a refused or low-confidence answer for the knowledge-gap report (call it
  once, where the answer is produced, not on every rerun);
- ``ask_hr``: the "Ask HR" hand-off (the question and an optional note go to the admins' queue);
- ``hr_replies``: HR's replies the user has not seen yet (call it at the top of the Q&A page).

- ``answer_footer``: all of it under one answer: the figures line, the thumbs (with a comment), and
  "Ask HR" when the answer was a refusal or the user rated it down.

Thumbs and a comment alone are ``ui.feedback.answer_feedback``; the figures line alone is
``ui.figures.show_figures``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

import streamlit as st

from backend.appdb.feedback import FeedbackRecord
from backend.appdb.handoff import MAX_NOTE_CHARS
from backend.gaps.handoff import HandoffError
from backend.metering.figures import AnswerFigures
from backend.settings import Settings
from ui.feedback import answer_feedback
from ui.figures import show_figures
from ui.operator_resources import current_user, feedback_log, handoff_service

logger = logging.getLogger(__name__)


def record_gap_signal(
    settings: Settings,
    *,
    answer_id: str,
    page: str,
    signal: Literal["refused", "low_confidence"],
    question: str,
    answer: str = "",
    citations: Sequence[str] = (),
    model: str = "",
) -> None:
    """Put a refused or low-confidence answer on the knowledge-gap report (never fails the answer)."""
    record = FeedbackRecord(
        answer_id=answer_id,
        at=datetime.now(UTC),
        user=current_user().username,
        page=page,
        signal=signal,
        question=question,
        answer=answer,
        citations=tuple(citations),
        model=model,
    )
    try:
        feedback_log(settings).record(record)
    except Exception:
        logger.warning("Could not record a %s answer for the knowledge-gap report", signal, exc_info=True)


def ask_hr(settings: Settings, *, question: str, page: str, key: str) -> None:
    """An "Ask HR" popover: an optional note, then "Send to HR" queues the question once."""
    sent_key = f"askhr_sent_{key}"
    if st.session_state.get(sent_key):
        st.caption("Sent to HR: their reply will appear on this page.")
        return
    with st.popover("Ask HR", icon=":material/support_agent:"):
        st.caption(f"Send “{question}” to HR; they reply here.")
        note = st.text_area("Note for HR (optional)", key=f"askhr_note_{key}", max_chars=MAX_NOTE_CHARS)
        if st.button("Send to HR", key=f"askhr_send_{key}", type="primary"):
            try:
                handoff_service(settings).ask(current_user(), question, note, page)
            except HandoffError as exc:
                st.warning(str(exc))
                return
            st.session_state[sent_key] = True
            st.rerun()


def hr_replies(settings: Settings) -> None:
    """Show HR's unseen replies to the user's questions, each with "Got it" to dismiss it."""
    service = handoff_service(settings)
    user = current_user()
    for item in service.new_replies(user):
        with st.container(border=True):
            st.markdown(f"**HR replied to your question** “{item.question}”")
            st.info(item.reply, icon=":material/support_agent:")
            st.button(
                "Got it",
                key=f"hr_reply_seen_{item.id}",
                on_click=service.mark_seen,
                args=(user, item.id),
            )


def answer_footer(
    settings: Settings,
    *,
    answer_id: str,
    page: str,
    question: str,
    answer: str,
    citations: Sequence[str] = (),
    figures: AnswerFigures | None = None,
    refused: bool = False,
) -> None:
    """Under a Q&A answer: its figures, the thumbs, and "Ask HR" after a refusal or a thumbs down."""
    show_figures(figures)
    rating = answer_feedback(
        feedback_log(settings),
        answer_id=answer_id,
        user=current_user().username,
        page=page,
        question=question,
        answer=answer,
        citations=citations,
        model=(figures.model_id or "") if figures else "",
    )
    if refused or rating == 0:
        ask_hr(settings, question=question, page=page, key=answer_id)

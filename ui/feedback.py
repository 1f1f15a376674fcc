"""Thumbs up/down with an optional comment under an answer, stored once per change (not per rerun).

Reusable by every page that answers questions: pass the answer's id (stable across reruns), the
question, the answer, its citations and the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import streamlit as st

from backend.appdb.feedback import MAX_COMMENT_CHARS, FeedbackLog, FeedbackRecord


def _key(answer_id: str) -> str:
    return f"feedback_{answer_id}"


def _save(log: FeedbackLog, base: FeedbackRecord) -> None:
    """The widget callback: record the thumbs (and comment) the user just set, or withdraw the rating."""
    rating = st.session_state.get(_key(base.answer_id))
    comment = str(st.session_state.get(f"{_key(base.answer_id)}_comment", "") or "").strip()
    if rating is None:
        log.remove(base)
        return
    log.record(replace(base, signal="up" if rating == 1 else "down", comment=comment, at=datetime.now(UTC)))


def answer_feedback(
    log: FeedbackLog,
    *,
    answer_id: str,
    user: str,
    page: str,
    question: str,
    answer: str,
    citations: Sequence[str] = (),
    model: str = "",
) -> int | None:
    """Draw the thumbs (and, once rated, a comment box); returns 1 (up), 0 (down) or None."""
    base = FeedbackRecord(
        answer_id=answer_id,
        at=datetime.now(UTC),
        user=user,
        page=page,
        signal="up",
        question=question,
        answer=answer,
        citations=tuple(citations),
        model=model,
    )
    rating = st.feedback("thumbs", key=_key(answer_id), on_change=_save, args=(log, base))
    if rating is not None:
        st.text_input(
            "Comment (optional)",
            key=f"{_key(answer_id)}_comment",
            max_chars=MAX_COMMENT_CHARS,
            placeholder="What was wrong or missing?" if rating == 0 else "What was useful?",
            on_change=_save,
            args=(log, base),
        )
    return rating

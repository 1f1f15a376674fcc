"""The figures line under an answer (model, time to first token, total time, tokens, cost)."""

from __future__ import annotations

import streamlit as st

from backend.metering.figures import AnswerFigures, format_figures


def show_figures(figures: AnswerFigures | None) -> None:
    """Draw ``figures`` as one line of small text; nothing when there are none."""
    if figures is not None:
        st.caption(format_figures(figures))

"""A one-time message: a callback stores it, the next run shows it once (callbacks run before the page)."""

from __future__ import annotations

from typing import Literal

import streamlit as st

Kind = Literal["success", "warning", "error"]


def flash(key: str, kind: Kind, text: str) -> None:
    st.session_state[key] = (kind, text)


def show_flash(key: str) -> None:
    message = st.session_state.pop(key, None)
    if message is None:
        return
    kind, text = message
    {"success": st.success, "warning": st.warning, "error": st.error}[kind](text)

"""The app's shell: page config, settings check, the page list, the shared sidebar and the chosen page."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from backend.settings import SettingsError
from ui.resources import settings
from ui.sidebar import render_sidebar

FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"


def pages() -> dict[str, list[st.Page]]:
    """Every page, by section. A page is listed here only once it works."""
    return {
        "Assistants": [
            st.Page("pages/chatbot.py", title="Chatbot", icon=":material/chat:", default=True),
            st.Page("pages/hr_policy_qa.py", title="HR Policy Q&A", icon=":material/policy:"),
        ],
        "Generators": [
            st.Page("pages/code_blog.py", title="Code & Blog", icon=":material/code:"),
            st.Page("pages/summarizer.py", title="Summarizer", icon=":material/summarize:"),
            st.Page("pages/poster.py", title="Movie poster", icon=":material/image:"),
        ],
        "Admin": [
            st.Page("pages/status.py", title="Status", icon=":material/monitor_heart:"),
        ],
    }


def run_app() -> None:
    # The offline models ship inside pip packages; nothing may be fetched from a model hub at run time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    # A file, not a ":material/…" icon: Streamlit fetches those favicons from a font CDN, which an offline
    # machine cannot reach.
    st.set_page_config(page_title="GenAI Workbench", page_icon=str(FAVICON), layout="wide")
    try:
        cfg = settings()
    except SettingsError as exc:
        st.error(str(exc), icon=":material/settings_alert:")
        st.stop()
    page = st.navigation(pages())
    render_sidebar(cfg)
    page.run()

"""The app's shell: page config, settings check, the page list, the shared sidebar and the chosen page."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from backend.auth.identity import LOCAL_OWNER, Identity
from backend.settings import SettingsError
from ui.auth import render_user_box, sign_in_gate
from ui.resources import settings
from ui.sidebar import render_sidebar

FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"

ADMIN_SECTION = "Admin"
ADMINS_ONLY_PAGE = "pages/admins_only.py"


def admin_pages_for(user: Identity, admin_pages: list[st.Page]) -> list[st.Page]:
    """Admins get the pages; anyone else gets, at each page's URL, a hidden "admins only" page."""
    if user.is_admin:
        return admin_pages
    return [
        st.Page(ADMINS_ONLY_PAGE, title=p.title, url_path=p.url_path, visibility="hidden")
        for p in admin_pages
    ]


def pages(user: Identity = LOCAL_OWNER) -> dict[str, list[st.Page]]:
    """Every page, by section. A page is listed here only once it works."""
    sections = {
        "Assistants": [
            st.Page("pages/chatbot.py", title="Chatbot", icon=":material/chat:", default=True),
            st.Page("pages/hr_policy_qa.py", title="HR Policy Q&A", icon=":material/policy:"),
            st.Page(
                "pages/banking_assistant.py", title="Banking assistant", icon=":material/account_balance:"
            ),
            st.Page("pages/course_qa.py", title="Course Q&A", icon=":material/school:"),
        ],
        "Generators": [
            st.Page("pages/code_blog.py", title="Code & Blog", icon=":material/code:"),
            st.Page("pages/summarizer.py", title="Summarizer", icon=":material/summarize:"),
            st.Page("pages/poster.py", title="Movie poster", icon=":material/image:"),
        ],
        "Learn": [
            st.Page("pages/prompt_lab.py", title="Prompt lab", icon=":material/science:"),
        ],
        ADMIN_SECTION: [
            st.Page("pages/policy_documents.py", title="Policy documents", icon=":material/folder_open:"),
            st.Page("pages/status.py", title="Status", icon=":material/monitor_heart:"),
            st.Page("pages/usage.py", title="Usage", icon=":material/query_stats:"),
            st.Page("pages/knowledge_gaps.py", title="Knowledge gaps", icon=":material/help_center:"),
        ],
    }
    sections[ADMIN_SECTION] = admin_pages_for(user, sections[ADMIN_SECTION])
    return sections


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
    user = sign_in_gate(cfg)
    page = st.navigation(pages(user))
    render_sidebar(cfg)
    render_user_box(cfg, user)
    page.run()

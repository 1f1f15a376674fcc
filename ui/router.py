"""Keep every page behind the app shell, even on a deep link to a freshly started server."""

from __future__ import annotations

import streamlit as st


def ensure_router() -> None:
    """Run the page through the app shell if Streamlit ran this page file on its own.

    Streamlit still has the legacy ``pages/`` folder mode: until the first ``st.navigation`` call of a
    server's life it treats every file in ``pages/`` as a page of its own. A deep link such as ``/status``
    opened before anyone visited ``/`` would then run the page without the shell: no sections, no shared
    sidebar, no settings check. Here the shell runs instead, within this same script run (so a submitted
    chat message or upload is not lost); its ``st.navigation`` resolves the same URL to this page and
    switches the legacy mode off for the server. On every later run this is a no-op.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        from ui.app_shell import run_app

        run_app()
        st.stop()

"""GenAI Workbench: the router. ``streamlit run app.py`` starts here; see ``ui/app_shell.py``.

``streamlit run`` finds ``app`` below and serves it; its lifespan checks, once at server start, that an
app without sign-in (``AUTH_MODE=none``) only listens on this machine (``ui/server.py``). Streamlit runs
this file as ``__main__`` for every page view.
"""

import streamlit as st

from ui.server import lifespan

app = st.App("app.py", lifespan=lifespan)

if __name__ == "__main__":
    from ui.app_shell import run_app

    run_app()

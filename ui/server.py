"""The server-side start-up hook: ``app.py`` serves ``st.App(..., lifespan=lifespan)``.

The lifespan runs once when ``streamlit run app.py`` starts, before any browser connects, so an
unauthenticated app (``AUTH_MODE=none``) asked to listen on a network address exits at once with one
sentence instead of serving everyone.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

import streamlit as st

from backend.auth.setup import bind_refusal
from backend.settings import SettingsError, load_settings

REFUSED_EXIT_CODE = 2


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    try:
        auth_mode = load_settings().auth_mode
    except SettingsError:
        auth_mode = None  # the app shell shows the sentence on the first page
    refusal = bind_refusal(auth_mode, st.get_option("server.address")) if auth_mode else None
    if refusal:
        print(refusal, file=sys.stderr, flush=True)
        # Not an exception: uvicorn would print a traceback around the sentence.
        os._exit(REFUSED_EXIT_CODE)
    yield

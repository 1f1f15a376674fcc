"""The server-side start-up hook: ``app.py`` serves ``st.App(..., lifespan=lifespan)``.

The lifespan runs once when ``streamlit run app.py`` starts, before any browser connects, so an
unauthenticated app (``AUTH_MODE=none``) asked to listen on a network address exits at once with one
sentence instead of serving everyone.

It also makes SIGTERM prompt and lossless (``backend/shutdown.py``): the signal stops every offline
generation at its next token, and before Streamlit stops its sessions the shutdown waits, at most
``DRAIN_SECONDS``, for the pages to save what they were answering (the question and the partial answer).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

import streamlit as st

from backend.auth.setup import bind_refusal
from backend.settings import SettingsError, load_settings
from backend.shutdown import process_shutdown

REFUSED_EXIT_CODE = 2
# Saving a transcript takes milliseconds; this only bounds a page stuck elsewhere (a Bedrock read).
DRAIN_SECONDS = 5.0


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
    shutdown = process_shutdown()
    restore = shutdown.hook_signals()
    try:
        yield
    finally:
        await asyncio.to_thread(shutdown.drain, DRAIN_SECONDS)
        restore()

"""Clients used only by the status page's preflight."""

from __future__ import annotations

from typing import Any

import streamlit as st

from backend.providers import make_aws_client
from backend.settings import Settings
from ui.resources import resolve


@st.cache_resource(show_spinner=False)
def _bedrock_control_client(settings: Settings) -> Any:
    # Short timeouts and no retries: a preflight should answer in seconds, not back off for minutes.
    return make_aws_client(settings, "bedrock", read_timeout=15, max_attempts=1)


@st.cache_resource(show_spinner=False)
def _bedrock_probe_client(settings: Settings) -> Any:
    return make_aws_client(settings, "bedrock-runtime", read_timeout=30, max_attempts=1)


def bedrock_clients(settings: Settings) -> tuple[Any, Any]:
    """(runtime, control) clients for the preflight; tests inject Stubber-wrapped ones."""
    return (
        resolve("bedrock_probe_client", lambda: _bedrock_probe_client(settings)),
        resolve("bedrock_control_client", lambda: _bedrock_control_client(settings)),
    )

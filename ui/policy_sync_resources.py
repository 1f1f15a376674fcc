"""The S3 + Knowledge Base policy store for the Policy documents page, built once per process.

``policy_sync(settings)`` is None unless ``POLICY_BUCKET``, ``BEDROCK_KNOWLEDGE_BASE_ID`` and
``BEDROCK_KB_DATA_SOURCE_ID`` are all set (then uploads go to S3 and sync the Knowledge Base instead of
the local index). An ``AppTest`` injects a fake under the name ``policy_sync``.
"""

from __future__ import annotations

import streamlit as st

from backend.kb.policy_sync import PolicySync
from backend.providers import make_aws_client
from backend.settings import Settings
from ui.resources import resolve


@st.cache_resource(show_spinner=False)
def _policy_sync(settings: Settings) -> PolicySync | None:
    if not PolicySync.configured(settings):
        return None  # no AWS client is built
    return PolicySync.from_settings(
        settings,
        s3=make_aws_client(settings, "s3", read_timeout=60),
        agent=make_aws_client(settings, "bedrock-agent", read_timeout=60),
    )


def policy_sync(settings: Settings) -> PolicySync | None:
    return resolve("policy_sync", lambda: _policy_sync(settings))

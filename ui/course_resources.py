"""The Course Q&A service for the page, built once per process and shared by every session.

Offline it shares the embedding model the HR Q&A page already loaded (answers are extractive). An
``AppTest`` injects a fake under the name ``course_qa``.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from backend.kb.types import CourseQA
from backend.settings import Settings
from ui.resources import resolve


@st.cache_resource(show_spinner="Preparing the course notes (first use)…")
def _course_qa(settings: Settings) -> CourseQA:
    from serverless.app import build_course_qa

    embeddings: Any = None
    if settings.provider == "local":
        from ui.rag_resources import embeddings as rag_embeddings

        embeddings = rag_embeddings(settings)
    return build_course_qa(settings, embeddings=embeddings)


def course_qa(settings: Settings) -> CourseQA:
    """RetrieveAndGenerate on the course Knowledge Base, or the offline course index."""
    return resolve("course_qa", lambda: _course_qa(settings))

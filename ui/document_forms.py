"""Form fields the Policy documents page shares between its local and its S3 (Knowledge Base) modes."""

from __future__ import annotations

from datetime import date

import streamlit as st


def version_fields(key: str) -> tuple[str, date | None]:
    """The optional version and effective date an upload or a replacement is recorded with."""
    left, right = st.columns(2)
    version = left.text_input("Version (optional)", max_chars=40, key=f"{key}_version")
    effective: date | None = right.date_input("Effective from (optional)", value=None, key=f"{key}_effective")
    return version, effective

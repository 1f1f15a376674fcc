"""The price table for the figures line, re-read when an operator edits the file."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from backend.metering.prices import PriceTable, PriceTableError, load_price_table
from backend.settings import Settings
from ui.resources import resolve

logger = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False, max_entries=4)
def _price_table(path: str, modified: float) -> PriceTable:
    return load_price_table(Path(path))


def price_table(settings: Settings) -> PriceTable:
    """The current price table (cached per file version; an edit is picked up on the next run)."""
    path = settings.prices_file
    modified = path.stat().st_mtime if path.is_file() else 0.0
    try:
        return resolve("price_table", lambda: _price_table(str(path), modified))
    except PriceTableError as exc:  # answers still work; every cost then reads "price unknown"
        logger.warning("%s", exc)
        st.warning(f"{exc} Costs show as “price unknown” until it is fixed.", icon=":material/price_change:")
        return PriceTable()

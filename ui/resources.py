"""Process-wide resources for the Streamlit app: settings, models, indexes, clients.

Everything heavy lives in ``st.cache_resource`` and is shared by every session, so nothing returned
from here may be mutated. Pages never build SDK clients or models themselves: they call these.

Tests inject fakes without patching globals: an ``AppTest`` puts objects into
``session_state[OVERRIDES_KEY]`` under the resource's name, and ``resolve`` returns them instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import streamlit as st

from backend.settings import Settings, load_settings

OVERRIDES_KEY = "_workbench_overrides"

T = TypeVar("T")


def resolve(name: str, factory: Callable[[], T]) -> T:
    """Return the test override called ``name`` if one is set for this session, else ``factory()``."""
    overrides: dict[str, Any] = st.session_state.get(OVERRIDES_KEY, {})
    if name in overrides:
        return cast(T, overrides[name])
    return factory()


@st.cache_resource(show_spinner=False)
def _settings() -> Settings:
    return load_settings()


def settings() -> Settings:
    """The settings, read once per process (``load_settings`` raises ``SettingsError`` on bad values)."""
    return resolve("settings", _settings)

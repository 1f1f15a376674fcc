"""Cached app-database and sign-in resources (one per process), with the ``resolve`` test seam."""

from __future__ import annotations

import streamlit as st

from backend.appdb import open_store
from backend.appdb.store import AppStore
from backend.auth.passwords import Passwords
from backend.auth.service import LocalAuth
from backend.auth.setup import build_local_auth
from backend.settings import Settings
from ui.resources import resolve


@st.cache_resource(show_spinner=False)
def _app_store(settings: Settings) -> AppStore:
    return open_store(settings)


def app_store(settings: Settings) -> AppStore:
    """The app database; page tests inject one under the name ``app_store``."""
    return resolve("app_store", lambda: _app_store(settings))


@st.cache_resource(show_spinner=False)
def _passwords() -> Passwords:
    # Shared so the timing-equaliser hash for unknown user names is computed once per process.
    return Passwords()


def local_auth(settings: Settings) -> LocalAuth:
    """The built-in sign-in over the app database (cheap to build: not cached)."""
    return resolve(
        "local_auth", lambda: build_local_auth(settings, app_store(settings), passwords=_passwords())
    )

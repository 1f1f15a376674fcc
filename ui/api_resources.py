"""The generation API client for the generator pages, built once per process.

With ``API_URL`` set the pages call the deployed API; otherwise they call the same FastAPI app in-process,
sharing the offline model the chat page already loaded.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from backend.api_client import GeneratorApiClient
from backend.settings import Settings
from ui.auth import current_user
from ui.resources import resolve, settings

logger = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def _api_client(settings: Settings) -> GeneratorApiClient:
    if settings.api_url:
        return GeneratorApiClient.remote_from_settings(settings)
    from serverless.app import build_service, create_app

    engine: Any = None
    if settings.provider == "local":
        from ui.chat_resources import local_engine

        try:
            engine = local_engine(settings)
        except Exception:  # the API reports it as one sentence on the first request
            logger.exception("The offline chat model could not be loaded for the generation API")
    service = build_service(settings, engine=engine)
    # The in-process API's only caller is this app, which names the signed-in user on every call.
    return GeneratorApiClient.in_process(create_app(settings, generator_service=service, auth="none"))


def _access_token(cfg: Settings) -> str | None:
    """The signed-in user's OIDC access token, which a JWT-authorised API checks (None otherwise)."""
    if cfg.api_auth != "jwt" or cfg.auth_mode != "oidc":
        return None
    tokens = getattr(st.user, "tokens", None)  # needs expose_tokens = "access" in [auth]
    return tokens.get("access") if tokens else None


def api_client() -> GeneratorApiClient:
    """The client the pages use, acting for the signed-in user, so outputs and history are theirs.

    The connection is shared (built once per process); ``for_user`` only names the caller. An ``AppTest``
    injects the shared client under the name ``api_client``.
    """
    cfg = settings()
    shared = resolve("api_client", lambda: _api_client(cfg))
    return shared.for_user(current_user().username, token=_access_token(cfg))

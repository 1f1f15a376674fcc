"""The shared sidebar: provider, model choice and inference parameters, used by every page."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from backend.providers.params import InferenceParams
from backend.settings import Settings
from ui.params_form import inference_form

PARAMS_KEY = "inference_params"


def current_params() -> InferenceParams:
    """The parameters chosen in the sidebar (defaults when the sidebar has not run, e.g. in a page test)."""
    params = st.session_state.get(PARAMS_KEY)
    return params if isinstance(params, InferenceParams) else InferenceParams()


def render_sidebar(settings: Settings) -> InferenceParams:
    """Draw the model settings and remember the validated parameters for the pages."""
    with st.sidebar:
        mode = (
            "offline (local models)"
            if settings.provider == "local"
            else f"Amazon Bedrock · {settings.aws_region}"
        )
        st.caption(f"Provider: **{mode}**")
        try:
            with st.expander("Model and inference settings", expanded=False):
                params = inference_form(settings.chat_model_choices, key_prefix="sb_")
        except ValidationError as exc:
            st.error(f"Inference settings: {exc.errors()[0]['msg']}. The previous settings are kept.")
            params = current_params()
    st.session_state[PARAMS_KEY] = params
    return params

"""The shared sidebar: provider, model choice and inference parameters, used by every page."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from backend.providers.params import MAX_STOP_SEQUENCES, InferenceParams, supports_top_k
from backend.settings import Settings

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
        with st.expander("Model and inference settings", expanded=False):
            model_id = st.selectbox("Chat model", settings.chat_model_choices, key="sb_model")
            temperature = st.slider("Temperature", 0.0, 1.0, 0.5, 0.05, key="sb_temperature")
            use_top_p = st.checkbox(
                "Set top_p", value=False, key="sb_use_top_p", help="Leave off to use the model's default."
            )
            top_p = st.slider("Top p", 0.0, 1.0, 0.9, 0.01, key="sb_top_p", disabled=not use_top_p)
            top_k_ok = supports_top_k(model_id)
            top_k = st.number_input(
                "Top k (0 = model default)",
                min_value=0,
                max_value=500,
                value=0,
                step=1,
                key="sb_top_k",
                disabled=not top_k_ok,
                help=None if top_k_ok else "This model does not accept top_k.",
            )
            max_tokens = st.slider("Max new tokens", 16, 4096, 512, 16, key="sb_max_tokens")
            stops_text = st.text_area(
                f"Stop sequences (one per line, up to {MAX_STOP_SEQUENCES})",
                value="",
                key="sb_stops",
                height=68,
            )
        try:
            params = InferenceParams(
                model_id=model_id,
                temperature=temperature,
                top_p=top_p if use_top_p else None,
                top_k=int(top_k) if top_k_ok and top_k else None,
                max_tokens=max_tokens,
                stop_sequences=tuple(line for line in stops_text.splitlines() if line.strip()),
            )
        except ValidationError as exc:
            st.error(f"Inference settings: {exc.errors()[0]['msg']}. The previous settings are kept.")
            params = current_params()
    st.session_state[PARAMS_KEY] = params
    return params

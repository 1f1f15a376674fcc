"""The inference-parameter widgets, shared by the sidebar and each prompt-lab variant."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from backend.providers.params import MAX_STOP_SEQUENCES, InferenceParams, supports_top_k


def inference_form(
    model_choices: Sequence[str],
    *,
    key_prefix: str,
    model_label: str = "Chat model",
    default_max_tokens: int = 512,
) -> InferenceParams:
    """Draw model, temperature, top_p, top_k, max tokens and stop sequences under keys ``key_prefix*``.

    Raises pydantic's ``ValidationError`` when the values do not make valid parameters.
    """
    model_id = st.selectbox(model_label, list(model_choices), key=f"{key_prefix}model")
    temperature = st.slider("Temperature", 0.0, 1.0, 0.5, 0.05, key=f"{key_prefix}temperature")
    use_top_p = st.checkbox(
        "Set top_p", value=False, key=f"{key_prefix}use_top_p", help="Leave off to use the model's default."
    )
    top_p = st.slider("Top p", 0.0, 1.0, 0.9, 0.01, key=f"{key_prefix}top_p", disabled=not use_top_p)
    top_k_ok = supports_top_k(model_id)
    top_k = st.number_input(
        "Top k (0 = model default)",
        min_value=0,
        max_value=500,
        value=0,
        step=1,
        key=f"{key_prefix}top_k",
        disabled=not top_k_ok,
        help=None if top_k_ok else "This model does not accept top_k.",
    )
    max_tokens = st.slider("Max new tokens", 16, 4096, default_max_tokens, 16, key=f"{key_prefix}max_tokens")
    stops_text = st.text_area(
        f"Stop sequences (one per line, up to {MAX_STOP_SEQUENCES})",
        value="",
        key=f"{key_prefix}stops",
        height=68,
    )
    return InferenceParams(
        model_id=model_id,
        temperature=temperature,
        top_p=top_p if use_top_p else None,
        top_k=int(top_k) if top_k_ok and top_k else None,
        max_tokens=max_tokens,
        stop_sequences=tuple(line for line in stops_text.splitlines() if line.strip()),
    )

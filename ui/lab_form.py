"""The prompt lab's variant editor: widgets for one variant, read into a ``Variant`` or filled from one.

Widget keys carry the column number (and the template id for template fields), so three editors live
side by side and switching a template never mixes its fields with another's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st
from pydantic import ValidationError

from backend.lab.templates import SHOT_LABELS, LabTemplate, Shots
from backend.lab.variants import MAX_NAME_CHARS, Variant
from backend.providers.params import MAX_STOP_SEQUENCES, InferenceParams, supports_top_k

LAB_MAX_TOKENS = 160  # short outputs keep an offline compare of three variants quick


def _key(column: int, name: str) -> str:
    return f"lab{column}_{name}"


def apply_variant(column: int, variant: Variant, templates: Mapping[str, LabTemplate]) -> None:
    """Fill column ``column``'s widgets from ``variant`` (call from a callback, before widgets are drawn)."""
    template = templates[variant.template_id]
    tid = template.id
    state = st.session_state
    state[_key(column, "template")] = tid
    for variable in template.variables:
        state[_key(column, f"var_{tid}_{variable.name}")] = variant.values.get(
            variable.name, variable.default
        )
    if template.examples:
        state[_key(column, f"shots_{tid}")] = variant.shots
        known = [label for label in variant.examples if label in template.example_labels]
        state[_key(column, f"one_{tid}")] = known[0] if known else template.example_labels[0]
        state[_key(column, f"few_{tid}")] = known if variant.shots == "few" else template.example_labels
    params = variant.params
    if params.model_id:
        state[_key(column, "model")] = params.model_id
    state[_key(column, "temperature")] = params.temperature
    state[_key(column, "use_top_p")] = params.top_p is not None
    state[_key(column, "top_p")] = params.top_p if params.top_p is not None else 0.9
    state[_key(column, "top_k")] = params.top_k or 0
    state[_key(column, "max_tokens")] = params.max_tokens
    state[_key(column, "stops")] = "\n".join(params.stop_sequences)
    state[_key(column, "name")] = variant.name


def variant_editor(
    column: int, templates: Mapping[str, LabTemplate], model_choices: Sequence[str]
) -> Variant | None:
    """Draw one variant's widgets and return it, or None (with one sentence shown) when invalid."""
    ids = list(templates)
    tid = st.selectbox(
        "Template", ids, format_func=lambda t: templates[t].title, key=_key(column, "template")
    )
    template = templates[tid]
    st.caption(template.about)
    values: dict[str, str] = {}
    for variable in template.variables:
        key = _key(column, f"var_{tid}_{variable.name}")
        st.session_state.setdefault(key, variable.default)
        widget = st.text_area if variable.multiline else st.text_input
        values[variable.name] = widget(variable.label, key=key)
    shots: Shots = "zero"
    examples: list[str] = []
    if template.examples:
        shots_key = _key(column, f"shots_{tid}")
        st.session_state.setdefault(shots_key, template.default_shots)
        shots = st.radio(
            "Examples in the prompt",
            list(SHOT_LABELS),
            format_func=lambda s: SHOT_LABELS[s],
            horizontal=True,
            key=shots_key,
        )
        if shots == "one":
            examples = [st.selectbox("Example", template.example_labels, key=_key(column, f"one_{tid}"))]
        elif shots == "few":
            few_key = _key(column, f"few_{tid}")
            st.session_state.setdefault(few_key, template.example_labels)
            examples = st.multiselect("Examples", template.example_labels, key=few_key)
    with st.expander("Model and parameters"):
        model_key = _key(column, "model")
        if st.session_state.get(model_key) not in model_choices:
            st.session_state[model_key] = model_choices[0]
        model_id = st.selectbox("Model", list(model_choices), key=model_key)
        temperature = st.slider("Temperature", 0.0, 1.0, 0.5, 0.05, key=_key(column, "temperature"))
        use_top_p = st.checkbox("Set top_p", value=False, key=_key(column, "use_top_p"))
        top_p = st.slider("Top p", 0.0, 1.0, 0.9, 0.01, key=_key(column, "top_p"), disabled=not use_top_p)
        top_k_ok = supports_top_k(model_id)
        top_k = st.number_input(
            "Top k (0 = model default)", 0, 500, 0, 1, key=_key(column, "top_k"), disabled=not top_k_ok
        )
        max_tokens = st.slider("Max new tokens", 16, 4096, LAB_MAX_TOKENS, 16, key=_key(column, "max_tokens"))
        stops = st.text_area(
            f"Stop sequences (one per line, up to {MAX_STOP_SEQUENCES})", key=_key(column, "stops"), height=68
        )
    try:
        params = InferenceParams(
            model_id=model_id,
            temperature=temperature,
            top_p=top_p if use_top_p else None,
            top_k=int(top_k) if top_k_ok and top_k else None,
            max_tokens=max_tokens,
            stop_sequences=tuple(line for line in stops.splitlines() if line.strip()),
        )
    except ValidationError as exc:
        st.error(f"Parameters: {exc.errors()[0]['msg']}.", icon=":material/tune:")
        return None
    name = st.text_input(
        "Variant name", key=_key(column, "name"), max_chars=MAX_NAME_CHARS, placeholder="e.g. few-shot, warm"
    )
    return Variant(
        name=name, template_id=tid, values=values, shots=shots, examples=tuple(examples), params=params
    )

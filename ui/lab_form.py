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
from ui.params_form import inference_form

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
    model_key = _key(column, "model")
    if st.session_state.get(model_key) not in model_choices:
        st.session_state[model_key] = model_choices[0]
    try:
        with st.expander("Model and parameters"):
            params = inference_form(
                model_choices,
                key_prefix=_key(column, ""),
                model_label="Model",
                default_max_tokens=LAB_MAX_TOKENS,
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

"""Prompt lab: the course's prompt templates, up to three variants side by side, each run with its figures."""

import streamlit as st

from backend.lab.service import LabRun
from backend.lab.templates import PromptError, load_templates
from backend.lab.variants import (
    MAX_VARIANTS,
    Variant,
    VariantImportError,
    export_variants,
    import_variants,
)
from backend.providers.params import InferenceParams
from ui.figures import show_figures
from ui.lab_form import LAB_MAX_TOKENS, apply_variant, variant_editor
from ui.lab_resources import lab_service
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

COUNT_KEY = "lab_count"
RESULTS_KEY = "lab_results"
IMPORT_KEY = "lab_import"
IMPORT_MESSAGE_KEY = "lab_import_message"
COLUMN_NAMES = "ABC"

cfg = settings()
templates = load_templates()


def default_variants() -> list[Variant]:
    params = InferenceParams(max_tokens=LAB_MAX_TOKENS)
    product = templates["product_description"]
    return [
        Variant(name="zero-shot", template_id=product.id, shots="zero", params=params),
        Variant(
            name="few-shot",
            template_id=product.id,
            shots="few",
            examples=tuple(product.example_labels),
            params=params,
        ),
        Variant(name="I don't know", template_id="hippo_good", params=params),
    ]


def load_import() -> None:
    """Fill the editors from an uploaded export; a bad file leaves them as they were."""
    upload = st.session_state.get(IMPORT_KEY)
    if upload is None:
        st.session_state[IMPORT_MESSAGE_KEY] = ("warning", "Choose an exported .json file first.")
        return
    try:
        variants = import_variants(upload.getvalue(), list(templates))
    except VariantImportError as exc:
        st.session_state[IMPORT_MESSAGE_KEY] = ("error", f"{upload.name}: {exc}")
        return
    for column, variant in enumerate(variants):
        apply_variant(column, variant, templates)
    st.session_state[COUNT_KEY] = len(variants)
    st.session_state.pop(RESULTS_KEY, None)
    st.session_state[IMPORT_MESSAGE_KEY] = (
        "success",
        f"Loaded {len(variants)} variant(s) from {upload.name}.",
    )


if "lab0_template" not in st.session_state:
    for number, variant in enumerate(default_variants()):
        apply_variant(number, variant, templates)

st.title("Prompt lab")
st.caption(
    "Try the course's prompt patterns with your own text: zero-, one- and few-shot examples, the anatomy "
    "of a prompt, letting the model say “I don't know”, role prompts and image prompt structure. "
    "Compare up to "
    f"{MAX_VARIANTS} variants (prompt × model × parameters) side by side."
)
if cfg.provider == "local":
    st.info(
        "Offline, every variant runs on SmolLM2-135M, a 135M-parameter model: its results show prompt "
        "mechanics (what the model is sent, how examples and parameters change the output), not production "
        "quality. Set APP_PROVIDER=bedrock to compare Bedrock models.",
        icon=":material/school:",
    )

st.session_state.setdefault(COUNT_KEY, 2)
count = st.segmented_control(
    "Variants", [1, 2, 3], key=COUNT_KEY, format_func=lambda n: f"{n} variant{'s' * (n > 1)}"
)
count = count or 1

variants: list[Variant | None] = []
prompts: list[str | None] = []
for column, area in enumerate(st.columns(count, border=True)):
    with area:
        st.subheader(f"Variant {COLUMN_NAMES[column]}")
        variant = variant_editor(column, templates, cfg.chat_model_choices)
        prompt = None
        if variant is not None:
            try:
                prompt = variant.prompt(templates[variant.template_id])
            except PromptError as exc:
                st.warning(str(exc), icon=":material/edit:")
        if prompt is not None:
            st.caption("Prompt sent")
            st.code(prompt, language=None, wrap_lines=True)
        variants.append(variant)
        prompts.append(prompt)

ready = [v for v in variants if v is not None]
run_clicked = st.button(
    "Run compare" if count > 1 else "Run",
    type="primary",
    icon=":material/play_arrow:",
    disabled=len(ready) < count,
)
if run_clicked:
    service = lab_service(cfg)
    with st.spinner(f"Running {count} variant{'s' * (count > 1)}…"):
        st.session_state[RESULTS_KEY] = service.compare(ready)

results: list[LabRun] = st.session_state.get(RESULTS_KEY, [])
if results:
    st.subheader("Results")
    for column, area in enumerate(st.columns(count, border=True)):
        if column >= len(results):
            break
        run = results[column]
        with area:
            st.markdown(f"**Variant {COLUMN_NAMES[column]}**")
            if run.error:
                st.error(run.error, icon=":material/error:")
            if run.note:
                st.info(run.note, icon=":material/image:")
            if run.output:
                st.text(run.output)
            show_figures(run.figures)
            if run.prompt and run.prompt != prompts[column]:
                st.caption("The prompt was edited after this run; run again to compare.")

with st.expander("Export and import"):
    st.download_button(
        "Export these variants (JSON)",
        data=export_variants(ready),
        file_name="prompt-lab-variants.json",
        mime="application/json",
        icon=":material/download:",
        disabled=not ready,
    )
    st.file_uploader("Import variants (a lab export, .json)", type=["json"], key=IMPORT_KEY)
    st.button("Load into the lab", on_click=load_import, icon=":material/upload:")
    if message := st.session_state.pop(IMPORT_MESSAGE_KEY, None):
        kind, text = message
        getattr(st, kind)(text)

"""Prompt lab: the course's prompt templates, up to three variants side by side, each run with its figures."""

import streamlit as st

from backend.lab.library import LibraryError
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
from ui.flash import flash, show_flash
from ui.lab_form import LAB_MAX_TOKENS, apply_variant, variant_editor
from ui.lab_resources import lab_service, variant_library
from ui.operator_resources import current_username, usage_recorder
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

COUNT_KEY = "lab_count"
RESULTS_KEY = "lab_results"
IMPORT_KEY = "lab_import"
IMPORT_MESSAGE_KEY = "lab_import_message"
LIBRARY_MESSAGE_KEY = "lab_library_message"
COLUMN_NAMES = "ABC"
PAGE = "Prompt lab"

cfg = settings()
templates = load_templates()
user = current_username()
library = variant_library(cfg, user)


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
        flash(IMPORT_MESSAGE_KEY, "warning", "Choose an exported .json file first.")
        return
    try:
        variants = import_variants(upload.getvalue(), list(templates))
    except VariantImportError as exc:
        flash(IMPORT_MESSAGE_KEY, "error", f"{upload.name}: {exc}")
        return
    for column, variant in enumerate(variants):
        apply_variant(column, variant, templates)
    st.session_state[COUNT_KEY] = len(variants)
    st.session_state.pop(RESULTS_KEY, None)
    flash(IMPORT_MESSAGE_KEY, "success", f"Loaded {len(variants)} variant(s) from {upload.name}.")


def save_variant(variant: Variant) -> None:
    try:
        name = library.save(variant)
    except LibraryError as exc:
        flash(LIBRARY_MESSAGE_KEY, "warning", str(exc))
        return
    flash(LIBRARY_MESSAGE_KEY, "success", f"Saved “{name}”.")


def load_saved(column: int) -> None:
    name = st.session_state.get("lab_saved_choice")
    if not name:
        return
    try:
        variant = library.load(name)
    except LibraryError as exc:
        flash(LIBRARY_MESSAGE_KEY, "warning", str(exc))
        return
    apply_variant(column, variant, templates)
    st.session_state[COUNT_KEY] = max(st.session_state.get(COUNT_KEY) or 1, column + 1)
    flash(LIBRARY_MESSAGE_KEY, "success", f"Loaded “{name}” into variant {COLUMN_NAMES[column]}.")


def delete_saved() -> None:
    name = st.session_state.get("lab_saved_choice")
    if name and library.delete(name):
        flash(LIBRARY_MESSAGE_KEY, "success", f"Deleted “{name}”.")


if "lab0_template" not in st.session_state:
    for number, starter in enumerate(default_variants()):
        apply_variant(number, starter, templates)

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
        if variant is not None:
            st.button(
                "Save variant",
                key=f"lab{column}_save",
                icon=":material/bookmark_add:",
                on_click=save_variant,
                args=(variant,),
                help="Saved under its name, for you only; saving under an existing name replaces it.",
            )
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
    service = lab_service(cfg, usage_recorder(cfg).on_call(user=user, page=PAGE))
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

show_flash(LIBRARY_MESSAGE_KEY)

with st.expander("Saved variants", expanded=bool(library.names())):
    names = library.names()
    if not names:
        st.caption("Nothing saved yet: name a variant and press “Save variant”.")
    else:
        st.selectbox("Saved variant", names, key="lab_saved_choice")
        load_columns = st.columns(count + 1)
        for column in range(count):
            load_columns[column].button(
                f"Load into {COLUMN_NAMES[column]}",
                key=f"lab_load_{column}",
                on_click=load_saved,
                args=(column,),
                icon=":material/bookmark:",
            )
        load_columns[count].button("Delete", on_click=delete_saved, icon=":material/delete:")

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
    show_flash(IMPORT_MESSAGE_KEY)

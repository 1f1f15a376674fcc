"""Code & Blog generator: code in a chosen language, or a ~200-word blog post, saved and listed in history."""

from pathlib import PurePosixPath

import streamlit as st

from backend.api_client import ApiError, GeneratorApiClient
from backend.generators.languages import LANGUAGES
from backend.generators.schemas import (
    BLOG_WORDS,
    MAX_INSTRUCTIONS_CHARS,
    MAX_TOPIC_CHARS,
    HistoryKind,
    TextResult,
)
from backend.metering.results import text_result_figures
from ui.api_resources import api_client
from ui.figures import show_figures
from ui.metering_resources import price_table
from ui.operator_resources import record_usage
from ui.resources import settings
from ui.router import ensure_router
from ui.sidebar import current_params

ensure_router()

CODE_RESULT_KEY = "codegen_result"
BLOG_RESULT_KEY = "bloggen_result"
BY_EXTENSION = {lang.extension: lang for lang in LANGUAGES.values()}


def offer_download(result: TextResult) -> None:
    name = PurePosixPath(result.key).name
    st.download_button(
        f"Download {name}", data=result.content, file_name=name, mime="text/plain", icon=":material/download:"
    )


def show_saved(result: TextResult, prefix: str = "") -> None:
    st.caption(f"{prefix}Saved to `{result.location}`")
    show_figures(text_result_figures(result, price_table(cfg)))


def generated(result: TextResult) -> TextResult:
    """Record the model call behind a fresh result (once: only where the button was pressed)."""
    record_usage(cfg, PAGE, text_result_figures(result, price_table(cfg)))
    return result


def show_history(client: GeneratorApiClient, kind: HistoryKind) -> None:
    try:
        items = client.history(kind).items
    except ApiError as exc:
        st.warning(f"The history is unavailable: {exc.message}", icon=":material/history:")
        return
    if not items:
        st.caption("Nothing generated yet.")
        return
    chosen = st.selectbox(
        f"Past {kind} outputs (newest first)",
        items,
        format_func=lambda item: item.name,
        key=f"{kind}_history",
    )
    if chosen is None:
        return
    try:
        output = client.read_output(kind, chosen.name)
    except ApiError as exc:
        st.warning(exc.message)
        return
    st.caption(f"`{output.location}`")
    if kind == "code":
        language = BY_EXTENSION.get(PurePosixPath(chosen.name).suffix.lstrip("."))
        st.code(output.content or "", language=language.highlight if language else None)
    else:
        st.text(output.content or "")


PAGE = "Code & Blog"
cfg = settings()
client = api_client()
params = current_params()

st.title("Code & Blog generator")
code_tab, blog_tab = st.tabs(["Code", "Blog"])

with code_tab:
    with st.form("code_form"):
        language = st.selectbox(
            "Language", list(LANGUAGES), format_func=lambda key: LANGUAGES[key].label, key="code_language"
        )
        instructions = st.text_area(
            "Instructions",
            placeholder="implement binary search",
            max_chars=MAX_INSTRUCTIONS_CHARS,
            key="code_instructions",
        )
        generate_code = st.form_submit_button("Generate code", type="primary", icon=":material/code:")
    if generate_code:
        if not instructions.strip():
            st.warning("Describe what the code should do.")
        else:
            try:
                with st.spinner("Writing code…"):
                    st.session_state[CODE_RESULT_KEY] = generated(
                        client.generate_code(language, instructions, params)
                    )
            except ApiError as exc:  # the form keeps what was typed
                st.error(exc.message, icon=":material/error:")
    code: TextResult | None = st.session_state.get(CODE_RESULT_KEY)
    if code is not None:
        lang = LANGUAGES[code.language or "python"]
        st.code(code.content, language=lang.highlight, line_numbers=True)
        offer_download(code)
        show_saved(code)
    st.subheader("History")
    show_history(client, "code")

with blog_tab:
    with st.form("blog_form"):
        topic = st.text_input(
            "Blog topic",
            placeholder="Machine learning in healthcare",
            max_chars=MAX_TOPIC_CHARS,
            key="blog_topic",
        )
        generate_blog = st.form_submit_button(
            f"Write a {BLOG_WORDS}-word blog", type="primary", icon=":material/edit_note:"
        )
    if generate_blog:
        if len(topic.strip()) < 3:
            st.warning("Give the blog a topic of at least three characters.")
        else:
            try:
                with st.spinner("Writing the blog…"):
                    st.session_state[BLOG_RESULT_KEY] = generated(client.generate_blog(topic, params))
            except ApiError as exc:
                st.error(exc.message, icon=":material/error:")
    blog: TextResult | None = st.session_state.get(BLOG_RESULT_KEY)
    if blog is not None:
        with st.container(border=True):
            st.markdown(blog.content)
        offer_download(blog)
        show_saved(blog, prefix=f"{len(blog.content.split())} words · ")
    st.subheader("History")
    show_history(client, "blog")

"""Summarizer: paste or upload text (.txt/.log), pick the number of lines, get a summary that is saved."""

from pathlib import Path

import streamlit as st

from backend.api_client import ApiError
from backend.generators.schemas import MAX_SUMMARY_INPUT_CHARS, MAX_SUMMARY_LINES, TextResult
from backend.metering.results import text_result_figures
from ui.api_resources import api_client
from ui.figures import show_figures
from ui.metering_resources import price_table
from ui.operator_resources import record_usage
from ui.resources import settings
from ui.router import ensure_router
from ui.sidebar import current_params

ensure_router()

TEXT_KEY = "summary_text"
UPLOAD_KEY = "summary_upload"
RESULT_KEY = "summary_result"
UPLOAD_ERROR_KEY = "summary_upload_error"
# Written for this app: a wind-turbine shift log, like the course's example.
SAMPLE_LOG = Path(__file__).resolve().parent.parent / "data" / "samples" / "turbine_log.txt"


def load_sample() -> None:
    st.session_state[TEXT_KEY] = SAMPLE_LOG.read_text(encoding="utf-8")


def load_upload() -> None:
    """Put the uploaded file into the text box; a bad file leaves the box as it was."""
    st.session_state.pop(UPLOAD_ERROR_KEY, None)
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is None:
        return
    try:
        text = upload.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        st.session_state[UPLOAD_ERROR_KEY] = (
            f"{upload.name} is not UTF-8 text; save it as UTF-8 and upload it again."
        )
        return
    if len(text) > MAX_SUMMARY_INPUT_CHARS:
        st.session_state[UPLOAD_ERROR_KEY] = (
            f"{upload.name} has {len(text):,} characters; "
            f"the summarizer takes up to {MAX_SUMMARY_INPUT_CHARS:,}."
        )
        return
    st.session_state[TEXT_KEY] = text


PAGE = "Summarizer"
cfg = settings()
client = api_client()
params = current_params()

st.title("Summarizer")
left, right = st.columns([5, 2])
with right:
    st.button(
        "Sample turbine log",
        help="Fill the box with a wind-turbine shift log written for this app.",
        on_click=load_sample,
        icon=":material/wind_power:",
        disabled=not SAMPLE_LOG.is_file(),
        use_container_width=True,
    )
    st.file_uploader(
        "…or upload a .txt / .log file", type=["txt", "log"], key=UPLOAD_KEY, on_change=load_upload
    )
    lines = st.number_input("Lines in the summary", min_value=1, max_value=MAX_SUMMARY_LINES, value=2, step=1)
with left:
    if error := st.session_state.get(UPLOAD_ERROR_KEY):
        st.error(error, icon=":material/error:")
    text = st.text_area("Text to summarise", key=TEXT_KEY, height=300, max_chars=MAX_SUMMARY_INPUT_CHARS)

if st.button("Summarise", type="primary", icon=":material/summarize:"):
    if not text.strip():
        st.warning("Paste some text, upload a file or load the sample first.")
    else:
        try:
            with st.spinner("Summarising…"):
                summary = client.summarize(text, int(lines), params)
                record_usage(cfg, PAGE, text_result_figures(summary, price_table(cfg)))
                st.session_state[RESULT_KEY] = summary
        except ApiError as exc:  # the text stays in the box
            st.error(exc.message, icon=":material/error:")

result: TextResult | None = st.session_state.get(RESULT_KEY)
if result is not None:
    st.subheader("Summary")
    with st.container(border=True):
        for line in result.content.splitlines():
            st.markdown(f"- {line}")
    st.caption(f"Saved to `{result.location}`")
    show_figures(text_result_figures(result, price_table(cfg)))

"""Movie poster: a prompt and the Stable Diffusion parameters, an image from Bedrock, a 1-hour link."""

import base64

import streamlit as st

from backend.api_client import ApiError
from backend.generators.images import (
    CFG_SCALE_RANGE,
    DEFAULT_CFG_SCALE,
    DEFAULT_STEPS,
    RECOMMENDED_MAX_STEPS,
    SEED_MAX,
    STEPS_RANGE,
)
from backend.generators.schemas import MAX_IMAGE_PROMPT_CHARS, PosterResult
from backend.metering.results import poster_figures
from ui.api_resources import api_client
from ui.figures import show_figures
from ui.metering_resources import price_table
from ui.operator_resources import record_usage
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

RESULT_KEY = "poster_result"
PAGE = "Movie poster"

cfg = settings()

client = api_client()
st.title("Movie poster")

try:
    health = client.health()
except ApiError as exc:
    st.error(exc.message, icon=":material/error:")
    st.stop()

if not health.image_generation:
    # Said up front, so nobody fills in the form only to be told it cannot work.
    st.info(
        "Image generation needs Amazon Bedrock, and this app is running offline (no image model ships with "
        "it). Set `APP_PROVIDER=bedrock` with AWS credentials that can invoke the image model "
        "(`BEDROCK_IMAGE_MODEL_ID`, default Amazon Nova Canvas), or point `API_URL` at the deployed API.",
        icon=":material/cloud_off:",
    )
    st.stop()

st.caption(f"Image model: {health.image_model} · outputs in {health.storage_location}")
with st.form("poster_form"):
    prompt = st.text_area(
        "Describe the poster",
        placeholder="A lighthouse keeper's cat sailing through a storm, 1950s adventure film",
        max_chars=MAX_IMAGE_PROMPT_CHARS,
        key="poster_prompt",
    )
    c1, c2, c3 = st.columns(3)
    cfg_scale = c1.slider(
        "cfg_scale",
        CFG_SCALE_RANGE[0],
        CFG_SCALE_RANGE[1],
        DEFAULT_CFG_SCALE,
        0.5,
        help="How strictly the image follows the prompt (Stable Diffusion range 0–35).",
    )
    steps = c2.slider(
        "steps",
        STEPS_RANGE[0],
        STEPS_RANGE[1],
        DEFAULT_STEPS,
        1,
        help=f"Diffusion steps; more than {RECOMMENDED_MAX_STEPS} rarely helps and takes longer.",
    )
    seed = c3.number_input(
        "seed", min_value=0, max_value=SEED_MAX, value=0, step=1, help="Same seed, same image."
    )
    submitted = st.form_submit_button("Generate poster", type="primary", icon=":material/image:")

if submitted:
    if len(prompt.strip()) < 3:
        st.warning("Describe the poster in a few words first.")
    else:
        if steps > RECOMMENDED_MAX_STEPS:
            st.caption(f"More than {RECOMMENDED_MAX_STEPS} steps is slow and rarely better.")
        try:
            with st.spinner("Painting the poster…"):
                made = client.generate_poster(
                    prompt, cfg_scale=float(cfg_scale), steps=int(steps), seed=int(seed)
                )
                record_usage(cfg, PAGE, poster_figures(made, price_table(cfg)))
                st.session_state[RESULT_KEY] = made
        except ApiError as exc:
            st.error(exc.message, icon=":material/error:")

poster: PosterResult | None = st.session_state.get(RESULT_KEY)
if poster is not None:
    image = poster.image_url or (base64.b64decode(poster.image_base64) if poster.image_base64 else None)
    if image is not None:
        st.image(image, caption=f"{poster.model} · seed {poster.seed}", width=448)
    for note in poster.notes:
        st.caption(note)
    if poster.image_url:
        st.link_button(
            "Open full size (link valid for 1 hour)", poster.image_url, icon=":material/open_in_new:"
        )
    elif poster.image_base64:
        st.download_button(
            "Download PNG",
            data=base64.b64decode(poster.image_base64),
            file_name=poster.key.rsplit("/", 1)[-1],
            mime="image/png",
            icon=":material/download:",
        )
    st.caption(f"Saved to `{poster.location}`")
    show_figures(poster_figures(poster, price_table(cfg)))

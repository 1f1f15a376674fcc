"""Status: which provider and models are configured, and whether they are ready."""

import streamlit as st

from backend.providers.local_embeddings import minilm_model_dir
from backend.providers.local_llm import smollm2_gguf_path
from backend.status import Check, bedrock_preflight, file_check
from ui.chat_resources import local_engine
from ui.errors import report
from ui.resources import settings
from ui.router import ensure_router
from ui.status_resources import bedrock_clients

ensure_router()

PREFLIGHT_KEY = "status_preflight"


def show(checks: list[Check]) -> None:
    for check in checks:
        if check.ok:
            st.success(f"**{check.name}**: {check.detail}", icon=":material/check_circle:")
        else:
            st.error(f"**{check.name}**: {check.detail}", icon=":material/error:")


cfg = settings()
st.title("Status")
st.table(
    {
        "Setting": [
            "Provider",
            "Chat model",
            "Embedding model",
            "Image model",
            "Region",
            "Index folder",
            "API",
        ],
        "Value": [
            cfg.provider,
            ", ".join(cfg.chat_model_choices),
            cfg.embedding_model_id,
            cfg.bedrock_image_model_id
            if cfg.provider == "bedrock"
            else "needs Bedrock (not available offline)",
            cfg.aws_region if cfg.provider == "bedrock" else "n/a (offline)",
            str(cfg.index_dir),
            cfg.api_url or "in-process (no API_URL set)",
        ],
    },
)

if cfg.provider == "local":
    st.subheader("Offline models")
    show(
        [
            file_check("Chat model file (SmolLM2-135M-Instruct, GGUF)", smollm2_gguf_path),
            file_check("Embedding model (all-MiniLM-L6-v2)", minilm_model_dir),
        ]
    )
    try:
        engine = local_engine(cfg)
    except Exception as exc:
        st.error(report(exc), icon=":material/error:")
    else:
        st.metric("Chat model load time", f"{engine.load_seconds:.2f} s")
        st.caption(f"Context window {engine.context_tokens} tokens, {cfg.local_threads} threads.")
else:
    st.subheader("Amazon Bedrock preflight")
    st.caption("One-token calls to each text model and a catalogue lookup for the image model.")
    if st.button("Run checks again", icon=":material/refresh:") or PREFLIGHT_KEY not in st.session_state:
        try:
            runtime, control = bedrock_clients(cfg)
            checks = bedrock_preflight(cfg, runtime, control)
        except Exception as exc:
            checks = [Check("Bedrock clients", False, report(exc, region=cfg.aws_region))]
        st.session_state[PREFLIGHT_KEY] = checks
    show(st.session_state[PREFLIGHT_KEY])

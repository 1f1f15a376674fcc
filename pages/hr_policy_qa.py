"""HR Policy Q&A: answers from the company's policy PDFs, each citing the page it comes from."""

import streamlit as st

from backend.chat.conversation import Conversation
from backend.errors import user_message
from backend.rag.answer.answerer import Answer
from backend.rag.index.store import IndexFormatError, IndexNotFoundError
from backend.rag.ingest.policy_library import PolicyLibrary
from ui.history import history_sidebar, save
from ui.rag_resources import policy_answerer, policy_library
from ui.resources import settings
from ui.router import ensure_router
from ui.sidebar import current_params

ensure_router()

CONVERSATION_KEY = "hrqa_conversation"


def markdown_safe(text: str) -> str:
    # Streamlit renders $...$ as LaTeX; policy amounts ("$1,000") must stay plain text.
    return text.replace("$", "\\$")


def show_sources(answer: Answer, library: PolicyLibrary, turn_no: int) -> None:
    if answer.refused and not answer.sources:
        st.caption(
            "No passage in the policies scored above the relevance threshold, so no answer was generated."
        )
        return
    cited = {(c.file, c.page) for c in answer.citations}
    with st.expander(f"Sources ({len(answer.sources)})", icon=":material/description:"):
        for n, source in enumerate(answer.sources):
            chunk = source.chunk
            mark = " · **cited**" if (chunk.file, chunk.page) in cited else ""
            st.markdown(f"**{chunk.file}** · page {chunk.page} · score {source.score:.2f}{mark}")
            if chunk.section:
                st.caption(chunk.section)
            st.text(chunk.text)
            if st.toggle(f"Show page {chunk.page} of {chunk.file}", key=f"hrqa_page_{turn_no}_{n}"):
                page_pdf = library.page_pdf(chunk.file, chunk.page)
                if page_pdf is None:
                    st.warning(f"{chunk.file} is no longer in the policy folders.")
                else:
                    st.pdf(page_pdf, height=520, key=f"hrqa_pdf_{turn_no}_{n}")
            st.divider()


cfg = settings()
params = current_params()
library = policy_library(cfg)
conversation: Conversation = history_sidebar("hrqa", CONVERSATION_KEY)

st.title("HR Policy Q&A")
st.caption(
    "Answers come only from the company's policy documents and cite the page they come from. "
    "When the documents don't cover a question, the assistant says so."
)
if cfg.provider == "local":
    st.caption(
        "Offline mode: a small local model writes the answers. It refuses only when no passage is "
        "relevant at all, so always check the cited page in Sources."
    )

if library.needs_build():
    try:
        with st.spinner("Building the policy index from the policy documents (first start)…"):
            library.rebuild()
    except Exception as exc:  # one clear sentence; the page stays usable for uploads
        st.error(user_message(exc), icon=":material/error:")

stats = library.stats()
cols = st.columns(4)
cols[0].metric("Documents", stats.documents if stats else 0)
cols[1].metric("Pages", stats.pages if stats else 0)
cols[2].metric("Chunks", stats.chunks if stats else 0)
cols[3].metric("Last built", stats.built_at.astimezone().strftime("%b %d, %H:%M") if stats else "never")
if stats is None:
    st.info(
        "No policy documents are indexed yet: an admin adds them on the Policy documents page.",
        icon=":material/info:",
    )

for turn_no, turn in enumerate(conversation.turns):
    if not turn.content:
        continue  # a reply abandoned before its first token
    with st.chat_message(turn.role):
        if turn.is_error:
            st.error(turn.content, icon=":material/error:")
        else:
            st.markdown(markdown_safe(turn.content))
            if turn.answer is not None:
                show_sources(turn.answer, library, turn_no)

if question := st.chat_input("Ask about the company's policies", disabled=stats is None):
    past = conversation.messages()
    conversation.add_user(question)
    with st.chat_message("user"):
        st.markdown(markdown_safe(question))
    with st.chat_message("assistant"):
        message: str | None = None
        try:
            stream = policy_answerer(cfg, params).stream(question, past)
            placeholder = st.empty()
            placeholder.write_stream(markdown_safe(t) for t in conversation.record_reply(stream.tokens()))
            answer = stream.result()
        except (IndexNotFoundError, IndexFormatError):
            message = (
                "The policy index is missing or out of date: an admin can rebuild it on the Policy "
                "documents page."
            )
        except Exception as exc:  # one sentence; the conversation and any streamed part are kept
            message = user_message(exc, model_id=params.model_id, region=cfg.aws_region)
        if message is not None:
            conversation.add_error(message)
            st.error(message, icon=":material/error:")
        else:
            placeholder.markdown(markdown_safe(answer.text))  # final text: citations checked
            conversation.settle_reply(answer.text, answer)
            show_sources(answer, library, len(conversation.turns) - 1)
    save("hrqa", CONVERSATION_KEY)

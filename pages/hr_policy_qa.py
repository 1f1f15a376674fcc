"""HR Policy Q&A: answers from the company's policy PDFs, each citing the page it comes from."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import streamlit as st
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from backend.errors import user_message
from backend.rag.answer.answerer import Answer
from backend.rag.index.store import IndexFormatError, IndexNotFoundError
from backend.rag.ingest.policy_library import PolicyLibrary, UploadResult
from ui.rag_resources import policy_answerer, policy_library
from ui.resources import settings
from ui.router import ensure_router
from ui.sidebar import current_params

ensure_router()

TURNS_KEY = "hrqa_turns"
UPLOAD_RESULTS_KEY = "hrqa_upload_results"
REBUILD_NOTE_KEY = "hrqa_rebuild_note"


@dataclass
class Turn:
    role: str  # "user" | "assistant" | "error"
    text: str
    answer: Answer | None = None


def fail(turns: list[Turn], reply: Turn, message: str) -> None:
    """Show a failure as one sentence, keeping whatever part of the reply had already arrived."""
    if not reply.text:
        turns.remove(reply)
    turns.append(Turn("error", message))
    st.error(message, icon=":material/error:")


def record(turn: Turn, tokens: Iterable[str]) -> Iterator[str]:
    # Streamlit abandons a run when the user acts mid-stream; the part already shown stays in the turn.
    for token in tokens:
        turn.text += token
        yield token


def markdown_safe(text: str) -> str:
    # Streamlit renders $...$ as LaTeX; policy amounts ("$1,000") must stay plain text.
    return text.replace("$", "\\$")


def history(turns: list[Turn]) -> list[BaseMessage]:
    """The conversation the follow-up rewriter sees (failed turns are not part of it)."""
    return [
        HumanMessage(t.text) if t.role == "user" else AIMessage(t.text)
        for t in turns
        if t.role != "error" and t.text
    ]


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


def show_upload_results(results: list[UploadResult]) -> None:
    for r in results:
        renamed = f" (saved as {r.file})" if r.file != r.original_name else ""
        if r.status == "rejected":
            st.error(f"{r.original_name}: rejected, {r.reason}", icon=":material/block:")
        elif r.status == "unchanged":
            st.info(f"{r.original_name}{renamed}: unchanged, already indexed", icon=":material/check:")
        else:
            st.success(
                f"{r.original_name}{renamed}: {r.status}, {r.pages} pages, {r.chunks} passages",
                icon=":material/check_circle:",
            )


cfg = settings()
params = current_params()
library = policy_library(cfg)
turns: list[Turn] = st.session_state.setdefault(TURNS_KEY, [])

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

upload_results: list[UploadResult] = st.session_state.get(UPLOAD_RESULTS_KEY, [])
rebuild_note = st.session_state.pop(REBUILD_NOTE_KEY, None)
with st.expander(
    "Manage policy documents",
    icon=":material/folder_open:",
    expanded=stats is None or bool(upload_results) or rebuild_note is not None,
):
    if stats:
        st.dataframe(
            [{"File": f.file, "Title": f.title, "Pages": f.pages, "Chunks": f.chunks} for f in stats.files],
            hide_index=True,
            width="stretch",
        )
    else:
        st.info("No policy documents are indexed yet: add PDFs below.", icon=":material/info:")
    with st.form("hrqa_upload", clear_on_submit=True, border=False):
        uploads = st.file_uploader("Add policy PDFs (HR admins)", type=["pdf"], accept_multiple_files=True)
        submitted = st.form_submit_button("Add to index", icon=":material/upload_file:")
    if submitted and uploads:
        bar = st.progress(0.0, text="Starting…")
        try:
            st.session_state[UPLOAD_RESULTS_KEY] = library.upload(
                [(f.name, f.getvalue()) for f in uploads],
                progress=lambda done, text: bar.progress(done, text=text),
            )
        except Exception as exc:
            st.session_state[UPLOAD_RESULTS_KEY] = []
            st.session_state[REBUILD_NOTE_KEY] = (user_message(exc), ["error"])
        st.rerun()  # refresh the statistics above with the new index
    show_upload_results(upload_results)

    if st.button("Rebuild index", icon=":material/refresh:", help="Re-scan the policy folders and re-index."):
        try:
            with st.spinner("Rebuilding the policy index…"):
                report = library.rebuild()
            rejected = [f"{o.file}: {o.reason}" for o in report.outcomes if o.status == "rejected"]
            note = f"Index rebuilt: {report.total_files} documents, {report.total_chunks} chunks."
            st.session_state[REBUILD_NOTE_KEY] = (note, rejected)
        except Exception as exc:
            st.session_state[REBUILD_NOTE_KEY] = (user_message(exc), ["error"])
        st.session_state[UPLOAD_RESULTS_KEY] = []
        st.rerun()
    if rebuild_note is not None:
        text, problems = rebuild_note
        if problems == ["error"]:
            st.error(text, icon=":material/error:")
        else:
            st.success(text, icon=":material/check_circle:")
            for problem in problems:
                st.warning(problem, icon=":material/block:")

for turn_no, turn in enumerate(turns):
    if not turn.text:
        continue  # a reply abandoned before its first token
    with st.chat_message("assistant" if turn.role != "user" else "user"):
        if turn.role == "error":
            st.error(turn.text, icon=":material/error:")
        else:
            st.markdown(markdown_safe(turn.text))
            if turn.answer is not None:
                show_sources(turn.answer, library, turn_no)

if question := st.chat_input("Ask about the company's policies", disabled=stats is None):
    past = history(turns)
    turns.append(Turn("user", question))
    with st.chat_message("user"):
        st.markdown(markdown_safe(question))
    with st.chat_message("assistant"):
        reply = Turn("assistant", "")
        turns.append(reply)
        try:
            stream = policy_answerer(cfg, params).stream(question, past)
            placeholder = st.empty()
            placeholder.write_stream(markdown_safe(token) for token in record(reply, stream.tokens()))
            answer = stream.result()
        except (IndexNotFoundError, IndexFormatError):
            fail(
                turns,
                reply,
                "The policy index is missing or out of date: use Rebuild index above, then ask again.",
            )
        except Exception as exc:  # one sentence; the conversation is kept
            fail(turns, reply, user_message(exc, model_id=params.model_id, region=cfg.aws_region))
        else:
            placeholder.markdown(markdown_safe(answer.text))  # final text: citations checked
            reply.text, reply.answer = answer.text, answer
            show_sources(answer, library, len(turns) - 1)

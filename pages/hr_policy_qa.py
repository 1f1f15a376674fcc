"""HR Policy Q&A: answers from the company's policy PDFs, each citing the page it comes from."""

import streamlit as st

from backend.chat.conversation import Conversation
from backend.errors import user_message
from backend.rag.answer.answerer import Answer
from backend.rag.index.store import IndexFormatError, IndexNotFoundError
from backend.rag.ingest.policy_library import PolicyLibrary, UploadResult
from ui.rag_resources import policy_answerer, policy_library
from ui.resources import settings
from ui.router import ensure_router
from ui.sidebar import current_params

ensure_router()

CONVERSATION_KEY = "hrqa_conversation"
UPLOAD_RESULTS_KEY = "hrqa_upload_results"
REBUILD_NOTE_KEY = "hrqa_rebuild_note"


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


def show_upload_results(results: list[UploadResult]) -> None:
    for r in results:
        renamed = f" (saved as {r.file})" if r.file != r.original_name else ""
        if r.status == "rejected":
            st.error(f"{r.original_name}: rejected, {r.reason}", icon=":material/block:")
        elif r.status == "unchanged":
            st.info(f"{r.original_name}{renamed}: unchanged, already indexed", icon=":material/check:")
        else:
            note = f" ({r.reason})" if r.reason else renamed
            st.success(
                f"{r.original_name}: {r.status}, {r.pages} pages, {r.chunks} passages{note}",
                icon=":material/check_circle:",
            )


cfg = settings()
params = current_params()
library = policy_library(cfg)
conversation: Conversation = st.session_state.setdefault(CONVERSATION_KEY, Conversation())

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
else:
    # Uploads an interrupted run saved but never indexed: indexed now, or set aside, and said so.
    show_upload_results(library.reconcile())

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
        replace = st.checkbox(
            "Replace uploaded documents that have the same name",
            help="Unticked, a file whose name is taken is saved under a numbered name instead.",
        )
        submitted = st.form_submit_button("Add to index", icon=":material/upload_file:")
    if submitted and uploads:
        bar = st.progress(0.0, text="Starting…")
        try:
            st.session_state[UPLOAD_RESULTS_KEY] = library.upload(
                [(f.name, f.getvalue()) for f in uploads],
                progress=lambda done, text: bar.progress(done, text=text),
                replace=replace,
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
            message = "The policy index is missing or out of date: use Rebuild index above, then ask again."
        except Exception as exc:  # one sentence; the conversation and any streamed part are kept
            message = user_message(exc, model_id=params.model_id, region=cfg.aws_region)
        if message is not None:
            conversation.add_error(message)
            st.error(message, icon=":material/error:")
        else:
            placeholder.markdown(markdown_safe(answer.text))  # final text: citations checked
            conversation.settle_reply(answer.text, answer)
            show_sources(answer, library, len(conversation.turns) - 1)

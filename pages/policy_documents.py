"""Admin → Policy documents: what the HR Q&A answers from, and who changed it."""

from collections.abc import Callable

import streamlit as st

from backend.documents.service import BUILT_IN, refusal_message
from backend.rag.ingest.policy_library import UploadResult
from ui.auth import require_admin_page
from ui.document_forms import version_fields
from ui.documents_resources import audit_log, policy_documents
from ui.errors import report
from ui.policy_bucket_view import show_audit_log, show_bucket_page
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

NOTES_KEY = "docs_notes"  # [(kind, text)] shown once, after the rerun an action triggers
Notes = list[tuple[str, str]]


def describe(r: UploadResult) -> tuple[str, str]:
    renamed = f" (saved as {r.file})" if r.file != r.original_name else ""
    if r.status == "rejected":
        return "error", f"{r.original_name}: rejected, {r.reason}"
    if r.status == "unchanged":
        return "info", f"{r.original_name}{renamed}: unchanged, already indexed"
    note = f" ({r.reason})" if r.reason else renamed  # e.g. saved under a numbered name, and why
    return "success", f"{r.original_name}: {r.status}, {r.pages} pages, {r.chunks} passages{note}"


def run(work: Callable[[], Notes]) -> None:
    """Run a document operation; its outcome (or one sentence on failure) shows after the rerun."""
    try:
        st.session_state[NOTES_KEY] = work()
    except Exception as exc:  # one sentence; the page and the index stay as they were
        # An expected refusal is its own sentence; anything else is logged once, here.
        st.session_state[NOTES_KEY] = [("error", refusal_message(exc) or report(exc))]
    st.rerun()


def progress_bar() -> Callable[[float, str], object]:
    bar = st.progress(0.0, text="Starting…")
    return lambda done, text: bar.progress(done, text=text)


user = require_admin_page()
cfg = settings()
docs = policy_documents(cfg)


if docs.sync is not None:  # policies in S3 behind a Knowledge Base (POLICY_BUCKET & co. are set)
    show_bucket_page(docs, docs.sync, user)
    show_audit_log(audit_log(cfg))
    st.stop()

st.title("Policy documents")
st.caption(
    "The documents the HR Policy Q&A answers from. Uploads are indexed at once; every change is recorded "
    "with who made it and when."
)
settled = docs.reconcile(user)  # uploads a killed run saved but never indexed: indexed or set aside
if settled:
    st.warning("An interrupted upload had left files outside the index; they were settled now:")
notes = [*[describe(r) for r in settled], *st.session_state.pop(NOTES_KEY, [])]
for kind, text in notes:
    {"error": st.error, "info": st.info, "success": st.success, "warning": st.warning}[kind](text)

rows = docs.documents()
if rows:
    st.dataframe(
        [
            {
                "Title": r.title,
                "File": r.file,
                "Pages": r.pages,
                "Chunks": r.chunks,
                "Uploaded by": r.uploaded_by,
                "When": r.uploaded_at.astimezone().strftime("%Y-%m-%d %H:%M") if r.uploaded_at else "",
                "Version": r.version,
                "Effective from": r.effective_date.isoformat() if r.effective_date else "",
            }
            for r in rows
        ],
        hide_index=True,
        width="stretch",
    )
else:
    st.info("No policy documents are indexed yet: add PDFs below.", icon=":material/info:")
uploaded = [r.file for r in rows if r.uploaded_by != BUILT_IN]

add_tab, replace_tab, delete_tab, rebuild_tab = st.tabs(["Add", "Replace", "Delete", "Rebuild"])
with add_tab, st.form("docs_upload", clear_on_submit=True, border=False):
    files = st.file_uploader("Policy PDFs", type=["pdf"], accept_multiple_files=True)
    version, effective = version_fields("docs_upload")
    if st.form_submit_button("Add to index", icon=":material/upload_file:") and files:
        progress = progress_bar()
        batch = [(f.name, f.getvalue()) for f in files]
        run(
            lambda: [
                describe(r)
                for r in docs.upload(
                    user, batch, version=version, effective_date=effective, progress=progress
                )
            ]
        )

with replace_tab:
    if not uploaded:
        st.caption("Only uploaded documents can be replaced, and there are none yet.")
    else:
        with st.form("docs_replace", clear_on_submit=True, border=False):
            target = st.selectbox("Document to replace", uploaded)
            new_file = st.file_uploader("New version (PDF)", type=["pdf"])
            new_version, new_effective = version_fields("docs_replace")
            if st.form_submit_button("Replace", icon=":material/swap_horiz:") and new_file and target:
                progress = progress_bar()
                data = new_file.getvalue()
                run(
                    lambda: [
                        describe(
                            docs.replace(
                                user,
                                target,
                                data,
                                version=new_version,
                                effective_date=new_effective,
                                progress=progress,
                            )
                        )
                    ]
                )

with delete_tab:
    if not uploaded:
        st.caption("Only uploaded documents can be deleted, and there are none yet.")
    else:
        with st.form("docs_delete", border=False):
            doomed = st.selectbox("Document to delete", uploaded)
            if st.form_submit_button("Delete", icon=":material/delete:", type="primary") and doomed:

                def delete_one(file: str = doomed) -> Notes:
                    docs.delete(user, file)
                    return [("success", f"{file} deleted: it is no longer in the index or on disk.")]

                with st.spinner(f"Deleting {doomed}…"):
                    run(delete_one)

with rebuild_tab:
    st.caption("Re-scan the policy folders and re-index what changed; unchanged files keep their vectors.")
    if st.button("Rebuild index", icon=":material/refresh:"):

        def rebuild_all() -> Notes:
            rebuilt = docs.rebuild(user)
            done = f"Index rebuilt: {rebuilt.total_files} documents, {rebuilt.total_chunks} chunks."
            rejected = [o for o in rebuilt.outcomes if o.status == "rejected"]
            return [("success", done), *[("warning", f"{o.file}: {o.reason}") for o in rejected]]

        with st.spinner("Rebuilding the policy index…"):
            run(rebuild_all)

show_audit_log(audit_log(cfg))

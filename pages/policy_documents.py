"""Admin → Policy documents: what the HR Q&A answers from, and who changed it."""

import streamlit as st

from backend.documents.service import BUILT_IN
from ui.auth import require_admin_page
from ui.document_forms import version_fields
from ui.document_jobs_view import form_key, show_job, start
from ui.documents_resources import audit_log, document_jobs, policy_documents
from ui.policy_bucket_view import show_audit_log, show_bucket_page
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

user = require_admin_page()
cfg = settings()
docs = policy_documents(cfg)


if docs.sync is not None:  # policies in S3 behind a Knowledge Base (POLICY_BUCKET & co. are set)
    show_bucket_page(docs, docs.sync, user)
    show_audit_log(audit_log(cfg))
    st.stop()

st.title("Policy documents")
st.caption(
    "The documents the HR Policy Q&A answers from. Changes run as a background job that every admin sees "
    "(one at a time; leaving the page does not stop it); each is recorded with who made it and when."
)
jobs = document_jobs(cfg)
jobs.settle(user)  # uploads a killed run saved but never indexed: indexed or set aside, as a job
show_job(jobs, user)

rows = docs.documents()
recut = [r.file for r in rows if r.recut]
if recut:
    one = len(recut) == 1
    st.info(
        f"{len(recut)} {'document was' if one else 'documents were'} split into passages by an earlier "
        f"version of the app; Rebuild (below) splits {'it' if one else 'them'} again with this version's "
        "improvements.",
        icon=":material/info:",
    )
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
with add_tab, st.form(form_key("docs_upload"), border=False):
    files = st.file_uploader("Policy PDFs", type=["pdf"], accept_multiple_files=True)
    version, effective = version_fields(form_key("docs_upload"))
    if st.form_submit_button("Add to index", icon=":material/upload_file:") and files:
        batch = [(f.name, f.getvalue()) for f in files]
        start(lambda: jobs.upload(user, batch, version=version, effective_date=effective))

with replace_tab:
    if not uploaded:
        st.caption("Only uploaded documents can be replaced, and there are none yet.")
    else:
        with st.form(form_key("docs_replace"), border=False):
            target = st.selectbox("Document to replace", uploaded)
            new_file = st.file_uploader("New version (PDF)", type=["pdf"])
            new_version, new_effective = version_fields(form_key("docs_replace"))
            if st.form_submit_button("Replace", icon=":material/swap_horiz:") and new_file and target:
                data = new_file.getvalue()
                start(
                    lambda: jobs.replace(
                        user, target, data, version=new_version, effective_date=new_effective
                    )
                )

with delete_tab:
    if not uploaded:
        st.caption("Only uploaded documents can be deleted, and there are none yet.")
    else:
        with st.form("docs_delete", border=False):
            doomed = st.selectbox("Document to delete", uploaded)
            if st.form_submit_button("Delete", icon=":material/delete:", type="primary") and doomed:
                start(lambda: jobs.delete(user, doomed))

with rebuild_tab:
    st.caption("Re-scan the policy folders and re-index what changed; unchanged files keep their vectors.")
    if st.button("Rebuild index", icon=":material/refresh:"):
        start(lambda: jobs.rebuild(user))

show_audit_log(audit_log(cfg))

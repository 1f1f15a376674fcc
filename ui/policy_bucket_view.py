"""The Policy documents page when the policies live in S3 behind a Bedrock Knowledge Base.

With ``POLICY_BUCKET``, ``BEDROCK_KNOWLEDGE_BASE_ID`` and ``BEDROCK_KB_DATA_SOURCE_ID`` set, every change
goes through ``PolicyDocuments``' role-checked, audited ``bucket_*``/``sync_*`` operations: an upload puts
the PDFs in the data source's prefix and starts an ingestion job, a delete removes the object and
re-syncs. The running job is polled every few seconds (a fragment, so the rest of the page stays put)
and its outcome, with the files it failed on, stays on the page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from backend.appdb.audit import AuditLog
from backend.auth.identity import Identity
from backend.documents.service import PolicyDocuments, refusal_message
from backend.kb.policy_sync import PolicySync, SyncStatus, UploadOutcome
from ui.document_forms import version_fields
from ui.errors import report

NOTES_KEY = "docs_bucket_notes"  # [(kind, text)] shown once, after the rerun an action triggers
JOB_KEY = "docs_sync_job"  # the id of the ingestion job this session started and is watching
LAST_KEY = "docs_sync_last"  # the last finished job's SyncStatus
POLL_S = 3.0
Notes = list[tuple[str, str]]
_SHOW = {"error": st.error, "info": st.info, "success": st.success, "warning": st.warning}


def mode_sentence(sync: PolicySync) -> str:
    """Which store is active, in one sentence (pure)."""
    return (
        f"Policies are stored in s3://{sync.bucket}/{sync.prefix}; the Knowledge Base "
        f"{sync.knowledge_base_id} (data source {sync.data_source_id}) indexes them, and the HR Policy Q&A "
        "retrieves from it. Every change starts a sync and is recorded with who made it and when."
    )


def upload_notes(outcome: UploadOutcome, where: str) -> Notes:
    """What happened to each uploaded file (pure)."""
    notes: Notes = [("success", f"{file}: stored in {where}") for file in outcome.stored]
    notes += [("error", f"{name}: rejected, {reason}") for name, reason in outcome.rejected.items()]
    return notes


def failure_lines(status: SyncStatus) -> list[str]:
    """One line per failure reason, naming the file it belongs to where the job said (pure)."""
    return [
        f"{file or 'The sync'}: {reason}" for file, reasons in status.failures.items() for reason in reasons
    ]


def show_status(status: SyncStatus) -> None:
    if not status.finished:
        st.info(status.summary(), icon=":material/sync:")
    elif status.succeeded:
        st.success(status.summary(), icon=":material/cloud_done:")
    else:
        st.warning(status.summary(), icon=":material/sync_problem:")
    for line in failure_lines(status):
        st.error(line, icon=":material/description:")


def run(work: Callable[[], tuple[Notes, SyncStatus | None]]) -> None:
    """Run a change; its notes, and the sync it started, show after the rerun (one sentence on failure)."""
    try:
        notes, started = work()
    except Exception as exc:  # an expected refusal is its own sentence; anything else is logged once, here
        notes, started = [("error", refusal_message(exc) or report(exc))], None
    st.session_state[NOTES_KEY] = notes
    if started is not None:
        st.session_state[JOB_KEY] = started.job_id
        st.session_state.pop(LAST_KEY, None)
    st.rerun()


def _watch(docs: PolicyDocuments, user: Identity, notes: Notes) -> None:
    job = st.session_state.get(JOB_KEY)
    if job is None:
        return
    try:
        status = docs.sync_status(user, job)
    except Exception as exc:  # stop watching; the documents are saved either way
        st.session_state.pop(JOB_KEY, None)
        st.error(refusal_message(exc) or report(exc), icon=":material/error:")
        return
    if status.finished:
        st.session_state.pop(JOB_KEY, None)
        st.session_state[LAST_KEY] = status
        st.session_state[NOTES_KEY] = notes  # the change's outcome stays beside the sync's
        st.rerun(scope="app")  # the whole page: polling stops and the list is re-read
    show_status(status)


def show_bucket_page(docs: PolicyDocuments, sync: PolicySync, user: Identity) -> None:
    """The list, the changes and the sync's progress for policies kept in S3."""
    where = f"s3://{sync.bucket}/{sync.prefix}"
    st.title("Policy documents")
    st.caption(mode_sentence(sync))
    notes: Notes = st.session_state.pop(NOTES_KEY, [])
    for kind, text in notes:
        _SHOW[kind](text)
    if JOB_KEY in st.session_state:
        st.fragment(_watch, run_every=POLL_S)(docs, user, notes)
    elif LAST_KEY in st.session_state:
        show_status(st.session_state[LAST_KEY])

    try:
        rows = docs.bucket_documents()
    except Exception as exc:  # one sentence; the forms below still work once the cause is fixed
        rows = []
        st.error(refusal_message(exc) or report(exc), icon=":material/error:")
    if rows:
        st.dataframe(
            [
                {
                    "File": r.file,
                    "Size (KB)": round(r.size / 1024, 1),
                    "Modified": r.modified.astimezone().strftime("%Y-%m-%d %H:%M"),
                    "Uploaded by": r.uploaded_by,
                    "Version": r.version,
                    "Effective from": r.effective_date.isoformat() if r.effective_date else "",
                }
                for r in rows
            ],
            hide_index=True,
            width="stretch",
        )
    else:
        st.info(f"There are no policy PDFs in {where} yet: add them below.", icon=":material/info:")
    files_in_bucket = [r.file for r in rows]

    add_tab, replace_tab, delete_tab, sync_tab = st.tabs(["Add", "Replace", "Delete", "Sync"])
    with add_tab, st.form("bucket_upload", clear_on_submit=True, border=False):
        files = st.file_uploader("Policy PDFs", type=["pdf"], accept_multiple_files=True)
        version, effective = version_fields("bucket_upload")
        if st.form_submit_button("Add and sync", icon=":material/upload_file:") and files:
            batch = [(f.name, f.getvalue()) for f in files]

            def add() -> tuple[Notes, SyncStatus | None]:
                outcome = docs.bucket_upload(user, batch, version=version, effective_date=effective)
                return upload_notes(outcome, where), outcome.sync

            with st.spinner(f"Storing in {where}…"):
                run(add)

    with replace_tab:
        if not files_in_bucket:
            st.caption("There is nothing to replace yet.")
        else:
            with st.form("bucket_replace", clear_on_submit=True, border=False):
                target = st.selectbox("Document to replace", files_in_bucket)
                new_file = st.file_uploader("New version (PDF)", type=["pdf"])
                new_version, new_effective = version_fields("bucket_replace")
                if (
                    st.form_submit_button("Replace and sync", icon=":material/swap_horiz:")
                    and new_file
                    and target
                ):
                    data = new_file.getvalue()

                    def replace(file: str = target) -> tuple[Notes, SyncStatus | None]:
                        outcome = docs.bucket_upload(
                            user,
                            [(file, data)],
                            version=new_version,
                            effective_date=new_effective,
                            action="replace",
                        )
                        return upload_notes(outcome, where), outcome.sync

                    with st.spinner(f"Replacing {target}…"):
                        run(replace)

    with delete_tab:
        if not files_in_bucket:
            st.caption("There is nothing to delete yet.")
        else:
            with st.form("bucket_delete", border=False):
                doomed = st.selectbox("Document to delete", files_in_bucket)
                if (
                    st.form_submit_button("Delete and sync", icon=":material/delete:", type="primary")
                    and doomed
                ):

                    def delete(file: str = doomed) -> tuple[Notes, SyncStatus | None]:
                        status = docs.bucket_delete(user, file)
                        return [
                            ("success", f"{file} deleted from {where}; the Knowledge Base is syncing.")
                        ], status

                    with st.spinner(f"Deleting {doomed}…"):
                        run(delete)

    with sync_tab:
        st.caption("Start an ingestion job by hand, e.g. after files were changed in the bucket directly.")
        if st.button("Sync now", icon=":material/sync:"):

            def sync_all() -> tuple[Notes, SyncStatus | None]:
                return [], docs.sync_now(user)

            run(sync_all)


def show_audit_log(log: AuditLog) -> None:
    """Who changed what, and the sign-ins (both modes)."""
    with st.expander("Recent changes and sign-ins", icon=":material/history:"):
        events = log.recent(limit=50)
        if events:
            st.dataframe(
                [
                    {
                        "When": e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                        "Who": e.actor,
                        "What": e.action.replace("_", " "),
                        "Document": e.target,
                        "Detail": e.detail,
                    }
                    for e in events
                ],
                hide_index=True,
                width="stretch",
            )
        else:
            st.caption("Nothing recorded yet.")

"""The Policy documents page's view of its background job: start one, watch its progress, read its outcome.

The job runs outside the script run (``backend.documents.jobs``); this only polls its snapshot. While a
job runs, a fragment re-reads it every ``POLL_S`` seconds (only the progress bar reruns); when it ends
the fragment reruns the whole page, so the document list is read again and the outcome shows.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from backend.auth.identity import Identity
from backend.documents.document_jobs import DocumentJobs
from backend.documents.jobs import JobBusyError, JobSnapshot, Note, status_line
from backend.documents.service import refusal_message
from ui.errors import report

WATCH_KEY = "docs_job_watching"  # the id of the job this session started or saw running
FORMS_KEY = "docs_forms_generation"  # bumped when a job starts: the forms come back empty
POLL_S = 1.0
_SHOW = {"error": st.error, "info": st.info, "success": st.success, "warning": st.warning}


def form_key(name: str) -> str:
    """A form's key: new once a job has started from it (cleared), kept when the start was refused (so
    the chosen files are still there)."""
    return f"{name}_{st.session_state.get(FORMS_KEY, 0)}"


def start(begin: Callable[[], JobSnapshot]) -> None:
    """Start a job and rerun to show it; a refusal (busy, role, unknown document) is one sentence here."""
    try:
        job = begin()
    except JobBusyError as exc:
        st.warning(str(exc), icon=":material/hourglass_top:")
        return
    except Exception as exc:  # an expected refusal is its own sentence; anything else is logged once
        st.error(refusal_message(exc) or report(exc), icon=":material/error:")
        return
    st.session_state[WATCH_KEY] = job.id
    st.session_state[FORMS_KEY] = st.session_state.get(FORMS_KEY, 0) + 1
    st.rerun()


def show_notes(notes: tuple[Note, ...]) -> None:
    for kind, text in notes:
        _SHOW[kind](text)


def _poll(jobs: DocumentJobs, user: Identity, watched: int) -> None:
    job = jobs.current(user)
    if job is None or not job.running or job.id != watched:
        st.rerun(scope="app")  # polling stops; the list is re-read and the outcome shows
    st.progress(job.fraction, text=status_line(job))


def show_job(jobs: DocumentJobs, user: Identity) -> None:
    """The running job's progress (for every admin), or the last job's outcome."""
    watched = st.session_state.get(WATCH_KEY)
    seen = jobs.get(user, watched) if watched is not None else None
    if seen is not None and not seen.running:  # this session watched it: its outcome, once, even if
        del st.session_state[WATCH_KEY]  # another admin's job started before the poll came round
        st.caption(status_line(seen))
        show_notes(seen.notes)
    job = jobs.current(user)
    if job is None:
        return
    if job.running:
        st.session_state[WATCH_KEY] = job.id
        st.fragment(_poll, run_every=POLL_S)(jobs, user, job.id)
    elif seen is not None and seen.id == job.id:
        return  # its outcome is shown above
    else:
        with st.expander(f"Last change: {status_line(job)}", icon=":material/history:"):
            show_notes(job.notes)

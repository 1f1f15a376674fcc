"""AppTest of Admin → Policy documents with a real library over tmp folders and the SQLite app database.

Every change runs as a background job (``JobRunner``); each test injects its own runner, waits for the
job, then reruns the page as its poll would.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from backend.appdb.audit import AuditLog
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity
from backend.auth.setup import utc_now
from backend.documents.document_jobs import SETTLED
from backend.documents.jobs import JobRunner
from backend.documents.service import refusal_message
from backend.rag.index.store import IndexStore
from backend.rag.ingest.policy_library import PolicyLibrary, Progress, UploadResult
from backend.rag.ingest.splitter import CHUNKING_VERSION
from backend.settings import Settings
from tests.conftest import REPO_ROOT
from tests.pages.conftest import APP
from tests.pages.test_hr_policy_qa_page import library_args, make_library, make_pdf
from ui.resources import OVERRIDES_KEY

PAGE = "pages/policy_documents.py"


@pytest.fixture
def library_settings(app_settings: Settings) -> Settings:
    make_pdf(
        app_settings.policies_dir / "leave_policy.pdf",
        ["Leave Policy. Employees get 18 days of earned leave per year.", "Sick leave is 12 days per year."],
        title="Leave Policy",
    )
    lib = make_library(app_settings)
    lib.rebuild()
    return app_settings


JOB_WAIT_S = 60


def open_docs(open_page: Callable[..., AppTest], cfg: Settings, **overrides: Any) -> AppTest:
    overrides.setdefault("document_job_runner", JobRunner(utc_now, refusal_message))
    return open_page(PAGE, {"settings": cfg, "policy_library": make_library(cfg), **overrides})


def after_job(at: AppTest) -> AppTest:
    """Wait for the page's job to end, then rerun the page (what its poll does when the job ends)."""
    runner: JobRunner = at.session_state[OVERRIDES_KEY]["document_job_runner"]
    finished = runner.wait(JOB_WAIT_S)
    assert finished is not None
    assert not finished.running
    return at.run()


def button(at: AppTest, label: str) -> Any:
    return next(b for b in at.button if b.label == label)


def table(at: AppTest) -> list[dict[str, Any]]:
    return at.dataframe[0].value.to_dict("records")


def test_the_list_shows_title_pages_chunks_and_who_uploaded(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    at = open_docs(open_page, library_settings)
    assert not at.exception
    assert at.title[0].value == "Policy documents"
    [row] = table(at)
    assert (row["Title"], row["File"], row["Pages"], row["Uploaded by"]) == (
        "Leave Policy",
        "leave_policy.pdf",
        2,
        "built-in",
    )
    assert row["Chunks"] >= 2


def test_upload_reports_each_file_and_lists_it_with_the_uploader(
    open_page: Callable[..., AppTest], library_settings: Settings, tmp_path: Path
) -> None:
    at = open_docs(open_page, library_settings)
    good = make_pdf(tmp_path / "src" / "x.pdf", ["Remote work: up to 3 days per week from home."])
    good_bytes = good.read_bytes()
    leave = (library_settings.policies_dir / "leave_policy.pdf").read_bytes()

    at.file_uploader[0].set_value(
        [
            ("Remote Work (v2).pdf", good_bytes, "application/pdf"),
            ("broken.pdf", b"%PDF-1.7 this is not really a pdf", "application/pdf"),
            ("copy of leave.pdf", leave, "application/pdf"),
        ]
    )
    at.text_input[0].set_value("2")
    button(at, "Add to index").click().run()
    after_job(at)

    assert not at.exception
    assert [s.value for s in at.success] == [
        "Remote Work (v2).pdf: added, 1 pages, 1 passages"  # stored under its own name
    ]
    assert [e.value for e in at.error] == [
        "broken.pdf: rejected, the file is truncated (it stops before the PDF's end-of-file marker); "
        "upload the complete file",
        "copy of leave.pdf: rejected, the same document is already indexed as leave_policy.pdf",
    ]
    rows = {r["File"]: r for r in table(at)}
    added = rows["Remote Work (v2).pdf"]
    assert (added["Uploaded by"], added["Version"]) == ("local", "2")
    assert sorted(p.name for p in library_settings.upload_dir.iterdir()) == ["Remote Work (v2).pdf"]


def test_delete_takes_an_upload_out_of_the_index_and_off_disk(
    open_page: Callable[..., AppTest], library_settings: Settings, tmp_path: Path
) -> None:
    store = SqliteStore(tmp_path / "audit.db")
    at = open_docs(open_page, library_settings, app_store=store)
    pdf = make_pdf(tmp_path / "src" / "pets.pdf", ["Pets: one dog allowed at the office."]).read_bytes()
    at.file_uploader[0].set_value([("pets.pdf", pdf, "application/pdf")])
    button(at, "Add to index").click().run()
    after_job(at)
    assert "pets.pdf" in {r["File"] for r in table(at)}

    delete_box = next(s for s in at.selectbox if s.label == "Document to delete")
    assert delete_box.options == ["pets.pdf"]  # built-in policies are not offered
    delete_box.set_value("pets.pdf")
    button(at, "Delete").click().run()
    after_job(at)

    assert not at.exception
    assert [s.value for s in at.success] == ["pets.pdf deleted: it is no longer in the index or on disk."]
    assert [r["File"] for r in table(at)] == ["leave_policy.pdf"]
    assert not (library_settings.upload_dir / "pets.pdf").exists()
    assert sorted(e.action for e in AuditLog(store).recent()) == ["delete", "upload"]


def test_rebuild_picks_up_files_added_to_the_folders(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    at = open_docs(open_page, library_settings)
    make_pdf(library_settings.policies_dir / "travel.pdf", ["Travel: economy class for domestic flights."])

    button(at, "Rebuild index").click().run()
    after_job(at)

    assert not at.exception
    assert [s.value for s in at.success] == ["Index rebuilt: 2 documents, 3 chunks."]
    assert len(table(at)) == 2


def test_documents_an_earlier_version_cut_are_flagged_until_a_rebuild_re_cuts_them(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    store = IndexStore(library_settings.index_dir)
    index = store.load()
    files = tuple(dataclasses.replace(f, chunking="2025-01-01") for f in index.manifest.files)
    store.write(dataclasses.replace(index.manifest, files=files), index.chunks, index.vectors)

    at = open_docs(open_page, library_settings)
    assert [i.value for i in at.info if "earlier version" in i.value] == [
        "1 document was split into passages by an earlier version of the app; Rebuild (below) splits it "
        "again with this version's improvements."
    ]
    button(at, "Rebuild index").click().run()
    after_job(at)

    assert not at.exception
    assert not [i for i in at.info if "earlier version" in i.value]
    manifest = store.read_manifest()
    assert manifest is not None
    assert {f.chunking for f in manifest.files} == {CHUNKING_VERSION}


def test_a_staff_user_gets_the_admins_only_page_and_no_admin_section(
    monkeypatch: pytest.MonkeyPatch, library_settings: Settings
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state[OVERRIDES_KEY] = {
        "settings": library_settings,
        "policy_library": make_library(library_settings),
        "identity": Identity("bo", "staff"),
    }
    at.run()
    assert not at.exception
    # For staff, /policy_documents is registered to the hidden "admins only" page.
    at.switch_page("pages/admins_only.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Admins only"]
    assert "admins only" in at.info[0].value
    assert not at.dataframe
    assert not at.file_uploader
    assert sorted(p.name for p in library_settings.upload_dir.glob("*")) == []


class GatedLibrary(PolicyLibrary):
    """A real library whose upload, once it has reported its first progress, holds until the test opens
    the gate: the job is certainly running while the test looks."""

    def __init__(self, cfg: Settings) -> None:
        super().__init__(**library_args(cfg))
        self.holding = threading.Event()
        self.gate = threading.Event()

    def upload(
        self, files: Sequence[tuple[str, bytes]], progress: Progress | None = None, *, replace: bool = False
    ) -> list[UploadResult]:
        def held(done: float, text: str) -> None:
            if progress:
                progress(done, text)
            if done < 1:
                self.holding.set()
                assert self.gate.wait(JOB_WAIT_S), "the test never opened the gate"

        return super().upload(files, held, replace=replace)


def shared_admin_pages(cfg: Settings, tmp_path: Path) -> tuple[GatedLibrary, JobRunner, dict[str, Any]]:
    """What several admin sessions of one server share: the library, the job runner, the database."""
    library = GatedLibrary(cfg)
    runner = JobRunner(utc_now, refusal_message)
    shared = {
        "settings": cfg,
        "policy_library": library,
        "document_job_runner": runner,
        "app_store": SqliteStore(tmp_path / "shared.db"),
    }
    return library, runner, shared


def test_a_running_upload_shows_to_every_admin_and_refuses_a_second_change(
    open_page: Callable[..., AppTest], library_settings: Settings, tmp_path: Path
) -> None:
    library, runner, shared = shared_admin_pages(library_settings, tmp_path)
    pets = make_pdf(tmp_path / "src" / "pets.pdf", ["Pets: one dog allowed at the office."]).read_bytes()
    first = open_page(PAGE, dict(shared))
    first.file_uploader[0].set_value([("pets.pdf", pets, "application/pdf")])
    button(first, "Add to index").click().run()
    assert library.holding.wait(JOB_WAIT_S)
    try:
        job = runner.current()
        assert job is not None
        assert job.running
        started = job.started_at.astimezone().strftime("%H:%M")
        first.run()  # the poll
        [bar] = first.progress
        assert (bar.value, bar.text) == (
            0,
            f"An upload of 1 file started by local at {started}: Indexing pets.pdf (1 of 1)…",
        )
        assert not first.success  # no outcome yet

        # Another admin's session sees the same job, and its own change is refused with one sentence.
        second = open_page(PAGE, {**shared, "identity": Identity("bea", "admin")})
        assert [p.text for p in second.progress] == [bar.text]
        travel = make_pdf(tmp_path / "src" / "travel.pdf", ["Travel: economy class."]).read_bytes()
        second.file_uploader[0].set_value([("travel.pdf", travel, "application/pdf")])
        button(second, "Add to index").click().run()
        assert [w.value for w in second.warning] == [
            f"An upload of 1 file started by local at {started} is still running; wait for it to finish."
        ]
        assert [f.name for f in second.file_uploader[0].value] == ["travel.pdf"]  # the choice is kept
        assert runner.current() == job  # still the first job, untouched
    finally:
        library.gate.set()

    after_job(first)
    added = ["pets.pdf: added, 1 pages, 1 passages"]
    assert [s.value for s in first.success] == added
    assert not first.progress
    second.run()  # bea watched it run: she gets the outcome too
    assert [s.value for s in second.success] == added
    assert "pets.pdf" in {r["File"] for r in table(second)}
    assert not (library_settings.upload_dir / "travel.pdf").exists()

    # An admin who opens the page later finds the last change, folded away.
    third = open_page(PAGE, {**shared, "identity": Identity("cy", "admin")})
    finished = runner.current()
    assert finished is not None
    assert finished.finished_at is not None
    ended = finished.finished_at.astimezone().strftime("%H:%M")
    [last] = [e for e in third.expander if e.label.startswith("Last change")]
    assert (
        last.label == f"Last change: An upload of 1 file started by local at {started} finished at {ended}."
    )
    assert [s.value for s in last.success] == added
    assert [s.value for s in third.success] == added  # only there, folded away


def test_a_watched_jobs_outcome_shows_even_when_another_admin_started_the_next_one_first(
    open_page: Callable[..., AppTest], library_settings: Settings, tmp_path: Path
) -> None:
    library, runner, shared = shared_admin_pages(library_settings, tmp_path)
    library.gate.set()  # the first upload runs straight through
    first = open_page(PAGE, dict(shared))
    pets = make_pdf(tmp_path / "src" / "pets.pdf", ["Pets: one dog allowed at the office."]).read_bytes()
    first.file_uploader[0].set_value([("pets.pdf", pets, "application/pdf")])
    button(first, "Add to index").click().run()
    done = runner.wait(JOB_WAIT_S)
    assert done is not None
    assert done.state == "done"

    # Before the first session's poll comes round, another admin starts the next change.
    library.gate.clear()
    second = open_page(PAGE, {**shared, "identity": Identity("bea", "admin")})
    travel = make_pdf(tmp_path / "src" / "travel.pdf", ["Travel: economy class."]).read_bytes()
    second.file_uploader[0].set_value([("travel.pdf", travel, "application/pdf")])
    button(second, "Add to index").click().run()
    assert library.holding.wait(JOB_WAIT_S)
    try:
        first.run()  # the poll
        assert [s.value for s in first.success] == ["pets.pdf: added, 1 pages, 1 passages"]
        [bar] = first.progress
        assert bar.text.startswith("An upload of 1 file started by bea at ")
    finally:
        library.gate.set()
    assert runner.wait(JOB_WAIT_S) is not None


def test_an_upload_left_outside_the_index_is_settled_as_a_job_on_opening_the_page(
    open_page: Callable[..., AppTest], library_settings: Settings, tmp_path: Path
) -> None:
    store = SqliteStore(tmp_path / "audit.db")
    library_settings.upload_dir.mkdir(parents=True)
    stray = make_pdf(library_settings.upload_dir / "remote.pdf", ["Remote work: 3 days a week."])
    os.utime(stray, (0, 0))  # left by an upload killed long ago, between its save and its indexing

    at = open_docs(open_page, library_settings, app_store=store)
    after_job(at)

    assert not at.exception
    assert [w.value for w in at.warning] == [SETTLED]
    assert [s.value for s in at.success] == [
        "remote.pdf: added, 1 pages, 1 passages (found in the upload folder but not in the index (an "
        "interrupted upload); indexed now)"
    ]
    assert "remote.pdf" in {r["File"] for r in table(at)}
    assert [(e.actor, e.action, e.target) for e in AuditLog(store).recent()] == [
        ("local", "reconcile", "remote.pdf")
    ]

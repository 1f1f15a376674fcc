"""AppTest of Admin → Policy documents with a real library over tmp folders and the SQLite app database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from backend.appdb.audit import AuditLog
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity
from backend.settings import Settings
from tests.conftest import REPO_ROOT
from tests.pages.conftest import APP
from tests.pages.test_hr_policy_qa_page import make_library, make_pdf
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


def open_docs(open_page: Callable[..., AppTest], cfg: Settings, **overrides: Any) -> AppTest:
    return open_page(PAGE, {"settings": cfg, "policy_library": make_library(cfg), **overrides})


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
    assert "pets.pdf" in {r["File"] for r in table(at)}

    delete_box = next(s for s in at.selectbox if s.label == "Document to delete")
    assert delete_box.options == ["pets.pdf"]  # built-in policies are not offered
    delete_box.set_value("pets.pdf")
    button(at, "Delete").click().run()

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

    assert not at.exception
    assert [s.value for s in at.success] == ["Index rebuilt: 2 documents, 3 chunks."]
    assert len(table(at)) == 2


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

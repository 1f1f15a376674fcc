from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from backend.appdb.feedback import FeedbackLog, FeedbackRecord, Signal
from backend.appdb.gap_groups import GapGroupStatuses
from backend.appdb.handoff import HandoffRepository
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity
from backend.gaps.handoff import HandoffService
from backend.settings import Settings
from tests.gaps.fakes import TopicEmbeddings
from tests.gaps.test_report import FakeRetriever

PAGE = "pages/knowledge_gaps.py"
T0 = datetime.now(UTC) - timedelta(hours=1)


def seeded(path: Path) -> SqliteStore:
    store = SqliteStore(path)
    log = FeedbackLog(store)
    seeds: list[tuple[str, Signal]] = [
        ("Is there a gym allowance?", "refused"),
        ("Where do I park?", "down"),
        ("Gym fees refunded?", "refused"),
    ]
    for n, (question, signal) in enumerate(seeds):
        log.record(
            FeedbackRecord(f"a{n}", T0 + timedelta(minutes=n), "ana", "HR Policy Q&A", signal, question)
        )
    HandoffService(HandoffRepository(store)).ask(Identity("ana", "staff"), "Can I bring my dog?", "Small dog")
    return store


def overrides(settings: Settings, store: SqliteStore, **extra: object) -> dict[str, object]:
    return {
        "settings": settings,
        "app_store": store,
        "rag_embeddings": TopicEmbeddings(),
        "policy_retriever": FakeRetriever(),
        **extra,
    }


def test_admin_sees_groups_passages_and_sets_a_status(
    open_page: Callable[..., AppTest], app_settings: Settings, tmp_path: Path
) -> None:
    store = seeded(tmp_path / "gaps.db")
    at = open_page(PAGE, overrides(app_settings, store))
    assert not at.exception
    assert at.title[0].value == "Knowledge gaps"
    labels = [e.label for e in at.expander if " · " in e.label]
    assert labels[0].endswith(" · 2 questions · open")
    assert labels[1] == "Where do I park? · 1 question · open"
    assert any(c.value.startswith("[benefits.pdf#page=3] · score 0.43") for c in at.caption)
    assert [d.proto.label for d in at.get("download_button")] == ["Export the report (CSV)"]

    status = next(s for s in at.selectbox if s.label == "Status")
    key = str(status.key)
    status.set_value("won't fix").run()
    assert not at.exception
    assert GapGroupStatuses(store).all()[key.removeprefix("gaps_status_")].status == "won't fix"
    assert any(e.label.endswith("· won't fix") for e in at.expander)


def test_admin_answers_the_ask_hr_queue(
    open_page: Callable[..., AppTest], app_settings: Settings, tmp_path: Path
) -> None:
    store = seeded(tmp_path / "gaps.db")
    at = open_page(PAGE, overrides(app_settings, store))
    assert at.subheader[0].value == "Ask HR queue (1 open)"
    assert any(m.value == "**Can I bring my dog?**" for m in at.markdown)
    answer = next(b for b in at.button if b.label == "Mark answered")
    answer.click().run()
    assert at.warning[0].value == "Write a reply before marking the question answered."
    reply = next(t for t in at.text_area if t.label == "Reply")
    reply.set_value("Only assistance dogs, sorry.").run()
    next(b for b in at.button if b.label == "Mark answered").click().run()
    assert at.success[0].value.startswith("Answered")
    assert at.subheader[0].value == "Ask HR queue (0 open)"
    replies = HandoffService(HandoffRepository(store)).new_replies(Identity("ana", "staff"))
    assert [r.reply for r in replies] == ["Only assistance dogs, sorry."]


def test_staff_get_admins_only(
    open_page: Callable[..., AppTest], app_settings: Settings, tmp_path: Path
) -> None:
    store = seeded(tmp_path / "gaps.db")
    # For staff the shell registers the hidden "admins only" page at this URL (the report's service
    # refuses staff too: tests/gaps).
    at = open_page("pages/admins_only.py", overrides(app_settings, store, identity=Identity("ana", "staff")))
    assert not at.exception
    assert [t.value for t in at.title] == ["Admins only"]
    assert not at.main.expander
    assert not at.main.text_area


def test_no_gaps_yet(open_page: Callable[..., AppTest], app_settings: Settings, tmp_path: Path) -> None:
    at = open_page(PAGE, overrides(app_settings, SqliteStore(tmp_path / "empty.db")))
    assert not at.exception
    assert at.info[0].value == "No refused, low-confidence or rated-down questions yet."

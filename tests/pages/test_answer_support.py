"""The pieces the Q&A pages place around an answer: gap signals, "Ask HR", and HR's replies."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from backend.appdb.feedback import FeedbackLog
from backend.appdb.handoff import HandoffRepository
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import Identity
from backend.gaps.handoff import HandoffService
from backend.settings import Settings
from tests.conftest import REPO_ROOT
from ui.resources import OVERRIDES_KEY

ANA = Identity("ana", "staff")


def qa_script() -> None:
    import streamlit as st

    from ui.answer_support import ask_hr, hr_replies, record_gap_signal
    from ui.resources import settings

    cfg = settings()
    hr_replies(cfg)
    if st.button("Answer"):
        record_gap_signal(cfg, answer_id="a1", page="HR Policy Q&A", signal="refused", question="Gym?")
    ask_hr(cfg, question="Is there a gym allowance?", page="HR Policy Q&A", key="a1")


@pytest.fixture
def qa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[AppTest, SqliteStore]:
    monkeypatch.chdir(REPO_ROOT)
    store = SqliteStore(tmp_path / "app.db")
    at = AppTest.from_function(qa_script, default_timeout=30)
    at.session_state[OVERRIDES_KEY] = {
        "settings": Settings(APP_PROVIDER="local", DATA_DIR=tmp_path),
        "app_store": store,
        "identity": ANA,
    }
    return at, store


def test_a_refusal_is_recorded_once_and_ask_hr_queues_the_question_once(
    qa: tuple[AppTest, SqliteStore],
) -> None:
    at, store = qa
    at.run()
    assert not at.exception
    next(b for b in at.button if b.label == "Answer").click().run()
    at.run()
    assert [(r.signal, r.question, r.user) for r in FeedbackLog(store).gaps()] == [("refused", "Gym?", "ana")]

    at.text_area(key="askhr_note_a1").set_value("I cycle to work").run()
    at.button(key="askhr_send_a1").click().run()
    at.run()
    assert not at.exception
    assert any(c.value.startswith("Sent to HR") for c in at.caption)
    queue = HandoffService(HandoffRepository(store)).queue(Identity("hr", "admin"))
    assert [(i.user, i.question, i.note) for i in queue] == [
        ("ana", "Is there a gym allowance?", "I cycle to work")
    ]


def test_hr_replies_show_until_dismissed(qa: tuple[AppTest, SqliteStore]) -> None:
    at, store = qa
    service = HandoffService(HandoffRepository(store))
    item = service.ask(ANA, "Can I bring my dog?")
    service.ask(Identity("bo", "staff"), "Gym?")
    service.answer(Identity("hr", "admin"), item.id, "Only assistance dogs.")
    at.run()
    assert [i.value for i in at.info] == ["Only assistance dogs."]
    at.run()
    assert [i.value for i in at.info] == ["Only assistance dogs."]  # still there until dismissed
    next(b for b in at.button if b.label == "Got it").click().run()
    assert not at.info


def footer_script() -> None:
    from backend.metering.figures import AnswerFigures
    from ui.answer_support import answer_footer
    from ui.resources import settings

    answer_footer(
        settings(),
        answer_id="a9",
        page="HR Policy Q&A",
        question="How many days of leave?",
        answer="24 days [leave.pdf#page=2]",
        citations=["[leave.pdf#page=2]"],
        figures=AnswerFigures.no_model(0.04),
    )


def test_the_footer_offers_ask_hr_after_a_thumbs_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO_ROOT)
    store = SqliteStore(tmp_path / "app.db")
    at = AppTest.from_function(footer_script, default_timeout=30)
    at.session_state[OVERRIDES_KEY] = {
        "settings": Settings(APP_PROVIDER="local", DATA_DIR=tmp_path),
        "app_store": store,
        "identity": ANA,
    }
    at.run()
    assert [c.value for c in at.caption] == ["no model called · 0.04 s · 0 tokens · $0"]
    assert not at.get("popover")
    at.feedback[0].set_value(0).run()
    assert not at.exception
    assert len(at.get("popover")) == 1
    records = FeedbackLog(store).gaps()
    assert [(r.signal, r.citations, r.model) for r in records] == [("down", ("[leave.pdf#page=2]",), "")]

"""AppTest of the HR Policy Q&A page with a fake answerer and a real library over tmp folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from streamlit.testing.v1 import AppTest

from backend.rag.answer.answerer import REFUSAL, PolicyAnswerer
from backend.rag.ingest.policy_library import PolicyLibrary
from backend.rag.types import Chunk, ScoredChunk
from backend.settings import Settings
from tests.fakes import fake_chat_model, text_pdf

PAGE = "pages/hr_policy_qa.py"
EMBEDDING_MODEL = "fake-embedding-64"


def make_pdf(path: Path, pages: list[str], title: str = "Test Policy") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text_pdf(*pages, title=title))
    return path


def make_library(cfg: Settings) -> PolicyLibrary:
    embeddings = DeterministicFakeEmbedding(size=64)
    return PolicyLibrary(
        index_dir=cfg.index_dir,
        policies_dir=cfg.policies_dir,
        upload_dir=cfg.upload_dir,
        embedding_model=EMBEDDING_MODEL,
        embeddings=lambda: embeddings,
        workers=1,
    )


class FakeRetriever:
    def __init__(self, results: list[ScoredChunk]) -> None:
        self.results = results
        self.queries: list[str] = []

    def search(self, query: str, k: int) -> list[ScoredChunk]:
        self.queries.append(query)
        return self.results[:k]


EARNED = ScoredChunk(
    Chunk(
        chunk_id="c1",
        file="leave_policy.pdf",
        page=2,
        title="Leave Policy",
        section="2. Earned leave",
        text="Employees get 18 days of earned leave per year.",
        content_hash="0" * 64,
    ),
    score=0.74,
)


@pytest.fixture
def library_settings(app_settings: Settings) -> Settings:
    make_pdf(
        app_settings.policies_dir / "leave_policy.pdf",
        ["Leave Policy. Employees get 18 days of earned leave per year.", "Sick leave is 12 days per year."],
    )
    return app_settings


def open_qa(open_page: Callable[..., AppTest], cfg: Settings, **overrides: Any) -> AppTest:
    return open_page(PAGE, {"settings": cfg, "policy_library": make_library(cfg), **overrides})


def test_first_start_builds_the_index_and_shows_its_statistics(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    at = open_qa(open_page, library_settings)
    assert not at.exception
    assert at.title[0].value == "HR Policy Q&A"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "1"
    assert metrics["Pages"] == "2"
    assert int(metrics["Chunks"]) >= 2
    assert (library_settings.index_dir / "CURRENT").is_file()
    assert not at.chat_input[0].disabled


def test_without_documents_the_chat_is_disabled(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    at = open_qa(open_page, app_settings)
    assert not at.exception
    assert at.chat_input[0].disabled
    assert at.info[0].value == "No policy documents are indexed yet: add PDFs below."
    assert {m.label: m.value for m in at.metric}["Last built"] == "never"


def test_answer_streams_with_its_sources_panel(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    model, recorder = fake_chat_model("You get 18 days of earned leave per year [leave_policy.pdf#page=2].")
    retriever = FakeRetriever([EARNED])
    answerer = PolicyAnswerer(model, retriever, min_score=0.3, k=5)
    at = open_qa(open_page, library_settings, policy_answerer=answerer)

    at.chat_input[0].set_value("How many days of earned leave do I get?").run()

    assert not at.exception
    messages = [m.markdown[0].value for m in at.chat_message if m.markdown]
    assert messages[:2] == [
        "How many days of earned leave do I get?",
        "You get 18 days of earned leave per year [leave_policy.pdf#page=2].",
    ]
    assert retriever.queries == ["How many days of earned leave do I get?"]
    assert len(recorder.calls) == 1
    sources = next(e for e in at.expander if e.label.startswith("Sources"))
    assert sources.label == "Sources (1)"
    panel = [m.value for m in sources.markdown]
    assert "**leave_policy.pdf** · page 2 · score 0.74 · **cited**" in panel
    assert sources.text[0].value == "Employees get 18 days of earned leave per year."
    assert sources.caption[0].value == "2. Earned leave"
    assert sources.toggle[0].label == "Show page 2 of leave_policy.pdf"


def test_unrelated_question_is_refused_without_a_model_call(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    model, recorder = fake_chat_model("never used")
    weak = ScoredChunk(EARNED.chunk, score=0.05)
    at = open_qa(
        open_page,
        library_settings,
        policy_answerer=PolicyAnswerer(model, FakeRetriever([weak]), min_score=0.3, k=5),
    )
    at.chat_input[0].set_value("Who won the football world cup?").run()
    assert not at.exception
    assistant = next(m for m in at.chat_message if m.name == "assistant")
    assert assistant.markdown[0].value == REFUSAL
    assert "relevance threshold" in assistant.caption[0].value
    assert recorder.calls == []


def test_follow_up_question_is_rewritten_with_the_conversation(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    model, _ = fake_chat_model("18 days [leave_policy.pdf#page=2].", "12 days [leave_policy.pdf#page=2].")
    rewriter = FakeListChatModel(responses=["How many days of sick leave do I get per year?"])
    retriever = FakeRetriever([EARNED])
    answerer = PolicyAnswerer(model, retriever, min_score=0.3, k=5, rewrite_model=rewriter)
    at = open_qa(open_page, library_settings, policy_answerer=answerer)

    at.chat_input[0].set_value("How many days of earned leave do I get?").run()
    at.chat_input[0].set_value("And sick leave?").run()

    assert not at.exception
    assert retriever.queries == [
        "How many days of earned leave do I get?",
        "How many days of sick leave do I get per year?",
    ]
    assert len([e for e in at.expander if e.label.startswith("Sources")]) == 2


class ThrottledModel(GenericFakeChatModel):
    def _stream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        raise ClientError(
            {"Error": {"Code": "ThrottlingException", "Message": "Too many requests"}}, "Converse"
        )
        yield  # pragma: no cover - makes this a generator


def test_model_error_is_one_clear_message_and_the_conversation_is_kept(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    model = ThrottledModel(messages=iter([AIMessage("unused")]))
    answerer = PolicyAnswerer(model, FakeRetriever([EARNED]), min_score=0.3, k=5)
    at = open_qa(open_page, library_settings, policy_answerer=answerer)

    at.chat_input[0].set_value("How many days of earned leave?").run()
    at.chat_input[0].set_value("Still there?").run()

    assert not at.exception
    assert len(at.error) == 2
    assert all("throttling" in e.value for e in at.error)
    users = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert users == ["How many days of earned leave?", "Still there?"]


def test_upload_reports_each_file_and_updates_the_statistics(
    open_page: Callable[..., AppTest], library_settings: Settings, tmp_path: Path
) -> None:
    at = open_qa(open_page, library_settings)
    good = make_pdf(
        tmp_path / "src" / "x.pdf", ["Remote work: up to 3 days per week from home."]
    ).read_bytes()
    leave = (library_settings.policies_dir / "leave_policy.pdf").read_bytes()

    at.file_uploader[0].set_value(
        [
            ("Remote Work (v2).pdf", good, "application/pdf"),
            ("broken.pdf", b"%PDF-1.7 this is not really a pdf", "application/pdf"),
            ("copy of leave.pdf", leave, "application/pdf"),
        ]
    )
    next(b for b in at.button if b.label == "Add to index").click().run()

    assert not at.exception
    successes = [s.value for s in at.success]
    errors = [e.value for e in at.error]
    assert successes == ["Remote Work (v2).pdf: added, 1 pages, 1 passages"]  # stored as itself
    assert errors == [
        "broken.pdf: rejected, the file is truncated (it stops before the PDF's end-of-file marker); "
        "upload the complete file",
        "copy of leave.pdf: rejected, the same document is already indexed as leave_policy.pdf",
    ]
    assert {m.label: m.value for m in at.metric}["Documents"] == "2"
    assert sorted(p.name for p in library_settings.upload_dir.iterdir()) == ["Remote Work (v2).pdf"]


def test_rebuild_picks_up_files_added_to_the_folders(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    at = open_qa(open_page, library_settings)
    make_pdf(library_settings.policies_dir / "travel.pdf", ["Travel: economy class for domestic flights."])

    next(b for b in at.button if b.label == "Rebuild index").click().run()

    assert not at.exception
    assert [s.value for s in at.success] == ["Index rebuilt: 2 documents, 3 chunks."]
    assert {m.label: m.value for m in at.metric}["Documents"] == "2"

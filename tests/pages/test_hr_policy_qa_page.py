"""AppTest of the HR Policy Q&A page with a fake answerer and a real library over tmp folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from streamlit.testing.v1 import AppTest

from backend.appdb.conversations import ConversationRepository
from backend.appdb.feedback import FeedbackLog
from backend.appdb.sqlite import SqliteStore
from backend.auth.identity import LOCAL_OWNER
from backend.auth.setup import utc_now
from backend.chat.history import ConversationHistory
from backend.errors import ServerStoppingError
from backend.rag.answer.answerer import REFUSAL, PolicyAnswerer
from backend.rag.answer.extractive import Extractor
from backend.rag.answer.thresholds import RefusalGate
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


def library_args(cfg: Settings) -> dict[str, Any]:
    """A PolicyLibrary's arguments over ``cfg``'s folders, with fake embeddings and one parse worker."""
    embeddings = DeterministicFakeEmbedding(size=64)
    return {
        "index_dir": cfg.index_dir,
        "policies_dir": cfg.policies_dir,
        "upload_dir": cfg.upload_dir,
        "embedding_model": EMBEDDING_MODEL,
        "embeddings": lambda: embeddings,
        "workers": 1,
    }


def make_library(cfg: Settings) -> PolicyLibrary:
    return PolicyLibrary(**library_args(cfg))


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


def generative(model: Any, retriever: FakeRetriever, **kwargs: Any) -> PolicyAnswerer:
    """The Bedrock path: the chat model writes the answer from the passages."""
    return PolicyAnswerer(retriever, Extractor(None), gate=RefusalGate(0.3), k=5, chat_model=model, **kwargs)


def extractive(retriever: FakeRetriever) -> PolicyAnswerer:
    """The offline path: the answer quotes the passages; no chat model."""
    return PolicyAnswerer(
        retriever, Extractor(DeterministicFakeEmbedding(size=64)), gate=RefusalGate(0.3), k=5
    )


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
    assert at.info[0].value == (
        "No policy documents are indexed yet: an admin adds them on the Policy documents page."
    )
    assert {m.label: m.value for m in at.metric}["Last built"] == "never"


def test_answer_streams_with_its_sources_panel(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    model, recorder = fake_chat_model("You get 18 days of earned leave per year [leave_policy.pdf#page=2].")
    retriever = FakeRetriever([EARNED])
    answerer = generative(model, retriever)
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


def test_offline_answer_quotes_the_policy_and_says_so(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    retriever = FakeRetriever([EARNED])
    at = open_qa(open_page, library_settings, policy_answerer=extractive(retriever))

    at.chat_input[0].set_value("How many days of earned leave do I get?").run()

    assert not at.exception
    assistant = [m for m in at.chat_message if m.name == "assistant"][-1]
    text = assistant.markdown[0].value
    assert "> Employees get 18 days of earned leave per year." in text
    assert "[leave_policy.pdf#page=2]" in text
    assert any("word for word" in c.value for c in assistant.caption)
    assert "no language model writes these answers" in at.caption[1].value.lower()
    # The figures line: no model was called, so 0 tokens and $0, with the time it took.
    figures = [c.value for c in assistant.caption if "tokens" in c.value]
    assert len(figures) == 1
    assert "0 tokens" in figures[0]
    assert "$0" in figures[0]
    assert " s" in figures[0]


def test_a_figure_the_passages_lack_is_flagged_under_a_generated_answer(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    model, _ = fake_chat_model("You get 30 days of earned leave per year [leave_policy.pdf#page=2].")
    at = open_qa(open_page, library_settings, policy_answerer=generative(model, FakeRetriever([EARNED])))

    at.chat_input[0].set_value("How many days of earned leave do I get?").run()

    assert not at.exception
    assert len(at.warning) == 1
    assert "30" in at.warning[0].value
    assistant = [m for m in at.chat_message if m.name == "assistant"][-1]
    assert "> Employees get 18 days of earned leave per year." in assistant.markdown[0].value


def test_unrelated_question_is_refused_without_a_model_call(
    open_page: Callable[..., AppTest], library_settings: Settings, tmp_path: Path
) -> None:
    model, recorder = fake_chat_model("never used")
    weak = ScoredChunk(EARNED.chunk, score=0.05)
    store = SqliteStore(tmp_path / "app.db")
    at = open_qa(
        open_page,
        library_settings,
        policy_answerer=generative(model, FakeRetriever([weak])),
        app_store=store,
    )
    at.chat_input[0].set_value("Who won the football world cup?").run()
    assert not at.exception
    assistant = next(m for m in at.chat_message if m.name == "assistant")
    assert assistant.markdown[0].value == REFUSAL
    assert any("relevance threshold" in c.value for c in assistant.caption)
    assert recorder.calls == []
    # The refusal goes on HR's knowledge-gap report once, and the user may ask HR directly.
    [gap] = FeedbackLog(store).gaps()
    assert (gap.signal, gap.question, gap.page) == (
        "refused",
        "Who won the football world cup?",
        "HR Policy Q&A",
    )
    notes = [t.label for t in at.text_area if (t.key or "").startswith("askhr_note")]
    assert notes == ["Note for HR (optional)"]  # "Ask HR", offered after a refusal
    at.run()  # a rerun records nothing more
    assert len(FeedbackLog(store).gaps()) == 1


def test_follow_up_question_is_rewritten_with_the_conversation(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    model, _ = fake_chat_model("18 days [leave_policy.pdf#page=2].", "12 days [leave_policy.pdf#page=2].")
    rewriter = FakeListChatModel(responses=["How many days of sick leave do I get per year?"])
    retriever = FakeRetriever([EARNED])
    answerer = generative(model, retriever, rewrite_model=rewriter)
    at = open_qa(open_page, library_settings, policy_answerer=answerer)

    at.chat_input[0].set_value("How many days of earned leave do I get?").run()
    at.chat_input[0].set_value("And sick leave?").run()

    assert not at.exception
    assert retriever.queries == [
        "How many days of earned leave do I get?",
        "And sick leave?",  # the follow-up itself, fused with its rewrite
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
    answerer = generative(model, FakeRetriever([EARNED]))
    at = open_qa(open_page, library_settings, policy_answerer=answerer)

    at.chat_input[0].set_value("How many days of earned leave?").run()
    at.chat_input[0].set_value("Still there?").run()

    assert not at.exception
    assert len(at.error) == 2
    assert all("throttling" in e.value for e in at.error)
    users = [m.markdown[0].value for m in at.chat_message if m.name == "user"]
    assert users == ["How many days of earned leave?", "Still there?"]


class StoppedMidAnswer(GenericFakeChatModel):
    """A Bedrock answer cut short: the server was asked to stop after the first words. ``before`` is
    called as the answer starts (to see what was saved by then)."""

    before: Any = None

    def _stream(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> Any:
        self.before()
        yield ChatGenerationChunk(message=AIMessageChunk(content="Employees get "))
        raise ServerStoppingError()


def test_an_answer_cut_short_by_a_server_stop_keeps_the_question_and_the_partial_answer(
    open_page: Callable[..., AppTest], library_settings: Settings
) -> None:
    store = SqliteStore(library_settings.data_dir / "app.db")
    history = ConversationHistory(ConversationRepository(store), utc_now)
    saved_before: list[list[str]] = []

    def look() -> None:
        saved_before.extend(
            [t.content for t in history.open(LOCAL_OWNER, s.id).turns]  # type: ignore[union-attr]
            for s in history.list(LOCAL_OWNER, "hrqa")
        )

    model = StoppedMidAnswer(messages=iter([]), before=look)
    answerer = generative(model, FakeRetriever([EARNED]))
    at = open_qa(open_page, library_settings, policy_answerer=answerer, app_store=store)

    at.chat_input[0].set_value("How many days of earned leave?").run()

    assert not at.exception
    assert [e.value for e in at.error] == [str(ServerStoppingError())]
    # The question was saved before the answer began: a SIGTERM that kills the run mid-answer keeps it.
    assert saved_before == [["How many days of earned leave?"]]
    [summary] = history.list(LOCAL_OWNER, "hrqa")
    saved = history.open(LOCAL_OWNER, summary.id)
    assert saved is not None
    assert [(t.role, t.content, t.is_error) for t in saved.turns] == [
        ("user", "How many days of earned leave?", False),
        ("assistant", "Employees get ", False),
        ("assistant", str(ServerStoppingError()), True),
    ]

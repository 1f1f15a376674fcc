"""AppTest of the Course Q&A page: the real offline pipeline over the shipped notes, with fake models."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from backend.appdb.feedback import FeedbackLog
from backend.appdb.sqlite import SqliteStore
from backend.appdb.usage import UsageLog
from backend.errors import ErrorKind
from backend.kb.errors import KnowledgeBaseError
from backend.kb.local import COURSE_REFUSAL, build_local_course_qa
from backend.kb.service import KnowledgeBaseQA
from backend.kb.types import AskRequest
from backend.settings import Settings
from tests.aws_eventstream import EventStreamServer, event
from tests.conftest import REPO_ROOT
from tests.kb.conftest import KB_ID, MODEL_ARN, agent_runtime, kb_request
from tests.rag.fakes import HashingEmbeddings

PAGE = "pages/course_qa.py"
NOTES = "course_retrieval_augmented_generation.pdf"


@pytest.fixture
def course_settings(app_settings: Settings, tmp_path: Path) -> Settings:
    return app_settings.model_copy(
        update={
            "course_dir": REPO_ROOT / "data" / "courses",
            "course_index_dir": tmp_path / "course_index",
            "rag_min_score": 0.3,
        }
    )


class Failing:
    """A CourseQA whose Knowledge Base refuses access."""

    def __init__(self) -> None:
        self.requests: list[AskRequest] = []

    def ask(self, request: AskRequest) -> Any:
        raise NotImplementedError

    def ask_stream(self, request: AskRequest) -> Any:
        self.requests.append(request)
        raise KnowledgeBaseError(
            ErrorKind.ACCESS_DENIED, "Access to Knowledge Base 'KB1' was denied: fix IAM."
        )


def chat(at: AppTest, text: str) -> None:
    at.chat_input[0].set_value(text).run()
    assert not at.exception, at.exception


def test_answer_cites_its_source_and_a_follow_up_keeps_the_session(
    open_page: Callable[..., AppTest], course_settings: Settings
) -> None:
    qa = build_local_course_qa(course_settings, embeddings=HashingEmbeddings(dim=1024))
    at = open_page(PAGE, {"settings": course_settings, "course_qa": qa})
    assert at.title[0].value == "Course Q&A"
    assert "Offline mode" in at.caption[0].value

    chat(at, "What is retrieval-augmented generation?")
    assert "retrieval-augmented generation" in at.chat_message[1].markdown[0].value.lower()
    assert any(c.value.startswith(f"Sources: {NOTES}, page 1") for c in at.caption)
    session = at.session_state["courseqa_conversation"].session_id
    assert session

    chat(at, "And how big should the chunks be?")
    assert at.session_state["courseqa_conversation"].session_id == session
    assert len(at.chat_message) == 4
    assert at.chat_message[3].markdown[0].value

    at.button[0].click().run()  # New conversation
    assert not at.chat_message
    assert at.session_state["courseqa_conversation"].session_id is None


def test_a_knowledge_base_failure_is_one_sentence_and_the_conversation_is_kept(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    failing = Failing()
    at = open_page(PAGE, {"settings": app_settings, "course_qa": failing})
    chat(at, "What is Bedrock?")
    assert at.error[0].value == "Access to Knowledge Base 'KB1' was denied: fix IAM."
    chat(at, "Still there?")
    assert [m.markdown[0].value for m in at.chat_message if m.name == "user"] == [
        "What is Bedrock?",
        "Still there?",
    ]
    assert [r.prompt for r in failing.requests] == ["What is Bedrock?", "Still there?"]
    assert failing.requests[1].session_id is None  # a failed answer opened no session


def test_bedrock_without_a_course_knowledge_base_says_so_and_disables_the_input(
    open_page: Callable[..., AppTest], app_settings: Settings
) -> None:
    cfg = app_settings.model_copy(update={"provider": "bedrock"})
    at = open_page(PAGE, {"settings": cfg})
    assert at.info[0].value.startswith("Course Q&A on Bedrock answers from a Knowledge Base")
    assert at.chat_input[0].disabled


def open_offline(open_page: Callable[..., AppTest], cfg: Settings, store: SqliteStore) -> AppTest:
    qa = build_local_course_qa(cfg, embeddings=HashingEmbeddings(dim=1024))
    return open_page(PAGE, {"settings": cfg, "course_qa": qa, "app_store": store})


def figures_line(at: AppTest) -> str:
    return next(c.value for c in at.chat_message[-1].caption if "tokens" in c.value)


def test_an_offline_answer_shows_its_figures_and_thumbs_and_records_no_usage(
    open_page: Callable[..., AppTest], course_settings: Settings, tmp_path: Path
) -> None:
    store = SqliteStore(tmp_path / "app.db")
    at = open_offline(open_page, course_settings, store)

    chat(at, "What is retrieval-augmented generation?")

    line = figures_line(at)
    assert line.startswith("no model called · ")
    assert re.search(r"\d+\.\d+ s · 0 tokens · \$0$", line)
    reply = at.session_state["courseqa_conversation"].turns[1]
    at.feedback[0].set_value(1).run()
    at.text_input(key=f"feedback_{reply.id}_comment").set_value("Clear").run()
    [rating] = FeedbackLog(store).since()
    assert (rating.signal, rating.page, rating.question, rating.comment) == (
        "up",
        "Course Q&A",
        "What is retrieval-augmented generation?",
        "Clear",
    )
    assert rating.citations[0].startswith(f"{NOTES}, page 1")
    today = datetime.now(UTC).date()
    assert UsageLog(store).between(today, today) == []  # an extract calls no model
    assert FeedbackLog(store).gaps() == []  # it cites its source: not a gap


def test_a_refusal_is_recorded_once_as_a_course_gap_without_ask_hr(
    open_page: Callable[..., AppTest], course_settings: Settings, tmp_path: Path
) -> None:
    store = SqliteStore(tmp_path / "app.db")
    at = open_offline(open_page, course_settings, store)

    chat(at, "Who won the football world cup in 1966?")

    assert at.chat_message[-1].markdown[0].value == COURSE_REFUSAL
    assert "0 tokens · $0" in figures_line(at)
    [gap] = FeedbackLog(store).gaps()
    assert (gap.signal, gap.question, gap.page, gap.answer) == (
        "refused",
        "Who won the football world cup in 1966?",
        "Course Q&A",
        COURSE_REFUSAL,
    )
    assert not [t for t in at.text_area if t.key and t.key.startswith("askhr_note")]  # HR's hand-off only
    at.run()  # a rerun records nothing more
    assert len(FeedbackLog(store).gaps()) == 1


@pytest.mark.usefixtures("aws_credentials")
def test_a_knowledge_base_answer_shows_its_model_and_time_and_says_the_tokens_are_unknown(
    open_page: Callable[..., AppTest], app_settings: Settings, tmp_path: Path
) -> None:
    client = agent_runtime()
    server = EventStreamServer(client)
    server.respond(
        [
            event("output", {"text": "A foundation model is trained on broad data."}),
            event(
                "citation",
                {
                    "citation": {
                        "generatedResponsePart": {"textResponsePart": {"text": "x"}},
                        "retrievedReferences": [
                            {
                                "content": {"text": "passage"},
                                "location": {"type": "S3", "s3Location": {"uri": "s3://courses/fm.pdf"}},
                            }
                        ],
                    }
                },
            ),
        ],
        headers={"x-amzn-bedrock-knowledge-base-session-id": "sess-1"},
    )
    cfg = app_settings.model_copy(
        update={"provider": "bedrock", "course_knowledge_base_id": KB_ID, "bedrock_kb_model_arn": MODEL_ARN}
    )
    qa = KnowledgeBaseQA(client, knowledge_base_id=KB_ID, model_arn=MODEL_ARN)
    store = SqliteStore(tmp_path / "app.db")
    at = open_page(PAGE, {"settings": cfg, "course_qa": qa, "app_store": store})

    chat(at, "What is a foundation model?")

    assert server.json() == kb_request("What is a foundation model?")
    line = figures_line(at)
    # RetrieveAndGenerate reports no usage: the tokens are marked unknown, and so is the cost.
    assert re.fullmatch(
        r"amazon\.nova-lite-v1:0 · first token \d+\.\d+ s · total \d+\.\d+ s · ≈0 in / ≈0 out tokens · "
        r"price unknown",
        line,
    ), line
    today = datetime.now(UTC).date()
    [usage] = UsageLog(store).between(today, today)
    assert (usage.page, usage.model, usage.cost) == ("Course Q&A", "amazon.nova-lite-v1:0", None)
    assert FeedbackLog(store).gaps() == []
    at.run()  # a rerun records nothing more, and makes no call
    assert len(UsageLog(store).between(today, today)) == 1
    assert len(server.requests) == 1

"""AppTest of the Course Q&A page: the real offline pipeline over the shipped notes, with fake models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from backend.errors import ErrorKind
from backend.kb.errors import KnowledgeBaseError
from backend.kb.local import build_local_course_qa
from backend.kb.types import AskRequest
from backend.settings import Settings
from tests.conftest import REPO_ROOT
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

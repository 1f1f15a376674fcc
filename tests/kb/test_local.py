"""Offline Course Q&A: the HR pipeline (extractive answers) over the shipped course notes, with the
Knowledge Base's shape. Hashed bag-of-words embeddings stand in for MiniLM."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain_core.messages import BaseMessage, HumanMessage

from backend.kb.local import (
    COURSE_REFUSAL,
    LocalCourseQA,
    SessionStore,
    build_local_course_qa,
    citations_of,
    sync_course_index,
)
from backend.kb.types import AskRequest, Citation
from backend.rag.answer.answerer import Answer
from backend.rag.answer.citations import Citation as RagCitation
from backend.settings import Settings
from tests.conftest import REPO_ROOT
from tests.rag.fakes import HashingEmbeddings

RAG_NOTES = "course_retrieval_augmented_generation.pdf"


@pytest.fixture
def course_settings(tmp_path: Path) -> Settings:
    # Hashed bag-of-words cosines run lower than MiniLM's, hence the lower retrieval threshold.
    return Settings(
        APP_PROVIDER="local",
        COURSE_DIR=REPO_ROOT / "data" / "courses",
        COURSE_INDEX_DIR=tmp_path / "course_index",
        DATA_DIR=tmp_path / "data",
        RAG_MIN_SCORE=0.3,
    )


class Recording:
    """Wraps the pipeline's answerer and records the history each question was asked with."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.histories: list[list[str]] = []

    def stream(self, question: str, history: Sequence[BaseMessage] = ()) -> Any:
        self.histories.append([m.text for m in history])
        return self.inner.stream(question, history)


def test_the_shipped_course_pdfs_match_their_sources() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "make_sample_courses.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_index_holds_every_course_note_and_a_second_sync_embeds_nothing(course_settings: Settings) -> None:
    embeddings = HashingEmbeddings()
    first = sync_course_index(course_settings, embeddings)
    assert sorted(o.file for o in first.outcomes if o.status == "added") == sorted(
        p.name for p in (REPO_ROOT / "data" / "courses").glob("*.pdf")
    )
    embedded = len(embeddings.embedded_texts)
    second = sync_course_index(course_settings, embeddings)
    assert {o.status for o in second.outcomes} == {"unchanged"}
    assert len(embeddings.embedded_texts) == embedded


def test_answers_quote_and_cite_the_notes_and_a_follow_up_continues_the_session(
    course_settings: Settings,
) -> None:
    built = build_local_course_qa(course_settings, embeddings=HashingEmbeddings(dim=1024))
    recording = Recording(built._answerer)
    qa = LocalCourseQA(recording)

    first = qa.ask(AskRequest(prompt="What is retrieval-augmented generation?"))
    assert "retrieval-augmented generation" in first.answer.lower()
    assert first.citations[0] == Citation(source=RAG_NOTES, page=1)
    assert first.session_id

    second = qa.ask(AskRequest(prompt="And how big should the chunks be?", sessionId=first.session_id))
    assert second.session_id == first.session_id
    assert second.citations
    assert recording.histories == [[], ["What is retrieval-augmented generation?", first.answer]]


def test_a_question_the_notes_do_not_cover_is_refused_without_citations(course_settings: Settings) -> None:
    # Wide enough that three unrelated words share no bucket with the notes' words.
    qa = build_local_course_qa(course_settings, embeddings=HashingEmbeddings(dim=8192))
    stream = qa.ask_stream(AskRequest(prompt="Xylophone quartz zebras?"))
    assert list(stream.tokens()) == [COURSE_REFUSAL]  # streamed in the course's words, not the HR pipeline's
    answer = stream.result()
    assert answer.answer == COURSE_REFUSAL
    assert answer.citations == []


def test_stream_yields_the_answer_then_its_result(course_settings: Settings) -> None:
    qa = build_local_course_qa(course_settings, embeddings=HashingEmbeddings(dim=1024))
    stream = qa.ask_stream(AskRequest(prompt="What is retrieval-augmented generation?"))
    with pytest.raises(RuntimeError, match="consume tokens"):
        stream.result()
    text = "".join(stream.tokens())
    result = stream.result()
    assert result.answer == text
    assert "retrieval-augmented generation" in text.lower()
    assert result.citations


@pytest.mark.parametrize(
    ("refused", "cited", "limit", "expected"),
    [
        (False, [("a.pdf", 1), ("b.pdf", 2), ("a.pdf", 1)], 5, [("a.pdf", 1), ("b.pdf", 2)]),
        (False, [("a.pdf", 1), ("b.pdf", 2), ("c.pdf", 3)], 2, [("a.pdf", 1), ("b.pdf", 2)]),
        (True, [("a.pdf", 1)], 5, []),
    ],
)
def test_citations_of_an_answer(
    refused: bool, cited: list[tuple[str, int]], limit: int, expected: list[tuple[str, int]]
) -> None:
    answer = Answer(
        "text", [], refused=refused, standalone_question="q", citations=[RagCitation(f, p) for f, p in cited]
    )
    assert citations_of(answer, limit) == [Citation(source=f, page=p) for f, p in expected]


def test_unknown_session_ids_start_a_new_conversation_under_that_id() -> None:
    class Stop:
        def __init__(self) -> None:
            self.histories: list[int] = []

        def stream(self, question: str, history: Sequence[BaseMessage] = ()) -> Any:
            self.histories.append(len(history))
            raise RuntimeError("stop here")

    stop = Stop()
    qa = LocalCourseQA(stop)
    with pytest.raises(RuntimeError):
        qa.ask(AskRequest(prompt="Hi", sessionId="never-seen"))
    assert stop.histories == [0]


@pytest.mark.parametrize(
    ("max_sessions", "max_messages", "sessions", "kept", "messages_in_last"),
    [
        (3, 12, ["a", "b", "c"], ["a", "b", "c"], 2),
        (2, 12, ["a", "b", "c"], ["b", "c"], 2),
        (2, 4, ["a", "a", "a"], ["a"], 4),
        (2, 12, ["a", "b", "a", "c"], ["a", "c"], 2),
    ],
)
def test_session_store_keeps_recent_sessions_and_turns(
    max_sessions: int, max_messages: int, sessions: list[str], kept: list[str], messages_in_last: int
) -> None:
    store = SessionStore(max_sessions=max_sessions, max_messages=max_messages)
    for n, session in enumerate(sessions):
        store.append(session, f"q{n}", f"a{n}")
    assert [s for s in ["a", "b", "c"] if store.history(s)] == kept
    last = store.history(sessions[-1])
    assert len(last) == messages_in_last
    assert isinstance(last[0], HumanMessage)
    assert last[-1].text == f"a{len(sessions) - 1}"

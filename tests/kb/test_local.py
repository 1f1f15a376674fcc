"""Offline Course Q&A: the HR pipeline over the shipped course notes, with the Knowledge Base's shape."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from backend.kb.local import (
    COURSE_REFUSAL,
    LocalCourseQA,
    SessionStore,
    build_local_course_qa,
    sync_course_index,
)
from backend.kb.types import AskRequest, Citation
from backend.settings import Settings
from tests.conftest import REPO_ROOT
from tests.fakes import fake_chat_model
from tests.rag.fakes import HashingEmbeddings

RAG_NOTES = "course_retrieval_augmented_generation.pdf"


@pytest.fixture
def course_settings(tmp_path: Path) -> Settings:
    # Hashed bag-of-words cosines run lower than MiniLM's, hence the lower refusal threshold.
    return Settings(
        APP_PROVIDER="local",
        COURSE_DIR=REPO_ROOT / "data" / "courses",
        COURSE_INDEX_DIR=tmp_path / "course_index",
        DATA_DIR=tmp_path / "data",
        RAG_MIN_SCORE=0.3,
    )


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


def test_answers_cite_the_course_page_and_a_follow_up_continues_the_session(
    course_settings: Settings,
) -> None:
    answer_model, answers_seen = fake_chat_model(
        f"RAG retrieves passages and adds them to the prompt [{RAG_NOTES}#page=1].",
        f"Chunks of a few hundred tokens with some overlap [{RAG_NOTES}#page=1].",
    )
    rewrite_model, rewrites_seen = fake_chat_model("How should documents be chunked for RAG?")
    qa = build_local_course_qa(
        course_settings, chat_model=answer_model, rewrite_model=rewrite_model, embeddings=HashingEmbeddings()
    )

    first = qa.ask(AskRequest(prompt="What is retrieval-augmented generation?"))
    assert first.answer.startswith("RAG retrieves passages")
    assert first.citations == [Citation(source=RAG_NOTES, page=1)]
    assert first.session_id
    assert rewrites_seen.calls == []  # a first question needs no rewrite

    second = qa.ask(AskRequest(prompt="And how big should the chunks be?", sessionId=first.session_id))
    assert second.session_id == first.session_id
    assert second.citations == [Citation(source=RAG_NOTES, page=1)]
    rewrite_prompt = rewrites_seen.calls[0][-1].text
    assert "What is retrieval-augmented generation?" in rewrite_prompt  # the session's history was used
    assert "How should documents be chunked for RAG?" in answers_seen.calls[1][-1].text


def test_a_question_the_notes_do_not_cover_is_refused_without_citations(course_settings: Settings) -> None:
    model, seen = fake_chat_model("never used")
    # Wide enough that three unrelated words share no bucket with the notes' words.
    qa = build_local_course_qa(course_settings, chat_model=model, embeddings=HashingEmbeddings(dim=8192))
    answer = qa.ask(AskRequest(prompt="Xylophone quartz zebras?"))
    assert answer.answer == COURSE_REFUSAL
    assert answer.citations == []
    assert seen.calls == []


def test_stream_yields_tokens_then_the_checked_answer(course_settings: Settings) -> None:
    model, _ = fake_chat_model("Temperature controls randomness [course_foundation_models.pdf#page=2].")
    qa = build_local_course_qa(course_settings, chat_model=model, embeddings=HashingEmbeddings())
    stream = qa.ask_stream(AskRequest(prompt="What does the temperature parameter control?"))
    with pytest.raises(RuntimeError, match="consume tokens"):
        stream.result()
    text = "".join(stream.tokens())
    result = stream.result()
    assert result.answer in text
    assert result.citations == [Citation(source="course_foundation_models.pdf", page=2)]


def test_unknown_session_ids_start_a_new_conversation_under_that_id() -> None:
    class Recorder:
        def __init__(self) -> None:
            self.histories: list[int] = []

        def stream(self, question: str, history: object = ()) -> object:
            self.histories.append(len(history))  # type: ignore[arg-type]
            raise RuntimeError("stop here")

    recorder = Recorder()
    qa = LocalCourseQA(recorder)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        qa.ask(AskRequest(prompt="Hi", sessionId="never-seen"))
    assert recorder.histories == [0]


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


def test_pages_credited_for_an_uncited_answer_are_citations_not_answer_text(
    course_settings: Settings,
) -> None:
    model, _ = fake_chat_model(
        "Retrieval-augmented generation retrieves the relevant passages from documents."
    )
    qa = build_local_course_qa(course_settings, chat_model=model, embeddings=HashingEmbeddings())
    answer = qa.ask(AskRequest(prompt="What does retrieval-augmented generation retrieve?"))
    assert answer.answer == "Retrieval-augmented generation retrieves the relevant passages from documents."
    assert Citation(source=RAG_NOTES, page=1) in answer.citations

"""Course Q&A without a Knowledge Base: the HR Q&A pipeline (index, hybrid retriever, answerer) over the
course notes in ``COURSE_DIR``, with the Knowledge Base's request and response shape. Offline the answer
is the pipeline's extractive one: the notes' best sentences quoted verbatim with their pages, no model.

Bedrock keeps a RetrieveAndGenerate conversation server-side under its ``sessionId``; here a bounded
in-memory ``SessionStore`` does the same, so a follow-up with the returned ``sessionId`` is rewritten
with the earlier turns. Not for the Lambda bundle (it needs faiss and the local models).
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from langchain_core.embeddings import Embeddings
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from backend.kb.types import AskRequest, AskResponse, Citation
from backend.rag.answer.answerer import Answer
from backend.rag.answer.factory import build_answerer
from backend.rag.index.store import IndexStore
from backend.rag.ingest.ingestor import Ingestor, IngestReport
from backend.rag.retrieve.hybrid import HybridRetriever
from backend.settings import Settings

COURSE_REFUSAL = "I don't know, the course notes I have don't cover this."
MAX_SESSIONS = 500
MAX_SESSION_MESSAGES = 12  # the last six exchanges are enough to resolve a follow-up


class AnswerSource(Protocol):
    """The HR pipeline's answerer as this module uses it (``PolicyAnswerer``)."""

    def stream(self, question: str, history: Sequence[BaseMessage] = ()) -> _PipelineStream: ...


class _PipelineStream(Protocol):
    @property
    def calls_model(self) -> bool: ...

    first_token_at: float | None

    def tokens(self) -> Iterator[str]: ...

    def result(self) -> Answer: ...


class SessionStore:
    """Conversation history per session id: thread-safe, least recently used sessions dropped first."""

    def __init__(self, max_sessions: int = MAX_SESSIONS, max_messages: int = MAX_SESSION_MESSAGES) -> None:
        self._sessions: OrderedDict[str, list[BaseMessage]] = OrderedDict()
        self._max_sessions = max_sessions
        self._max_messages = max_messages
        self._lock = threading.Lock()

    def history(self, session_id: str) -> list[BaseMessage]:
        with self._lock:
            messages = self._sessions.get(session_id, [])
            if session_id in self._sessions:
                self._sessions.move_to_end(session_id)
            return list(messages)

    def append(self, session_id: str, question: str, answer: str) -> None:
        with self._lock:
            messages = self._sessions.setdefault(session_id, [])
            messages += [HumanMessage(question), AIMessage(answer)]
            del messages[: -self._max_messages]
            self._sessions.move_to_end(session_id)
            while len(self._sessions) > self._max_sessions:
                self._sessions.popitem(last=False)


def citations_of(answer: Answer, limit: int) -> list[Citation]:
    """The pages the answer cites, as the Knowledge Base reports them (none for a refusal)."""
    if answer.refused:
        return []
    found: list[Citation] = []
    for cited in answer.citations:
        citation = Citation(source=cited.file, page=cited.page)
        if citation not in found:
            found.append(citation)
    return found[:limit]


class LocalCourseQA:
    """``CourseQA`` over the local course index; the answerer comes from the HR pipeline."""

    def __init__(
        self,
        answerer: AnswerSource,
        *,
        number_of_results: int = 5,
        sessions: SessionStore | None = None,
        new_session_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._answerer = answerer
        self._limit = number_of_results
        self._sessions = sessions or SessionStore()
        self._new_session_id = new_session_id

    def ask(self, request: AskRequest) -> AskResponse:
        stream = self.ask_stream(request)
        for _ in stream.tokens():
            pass
        return stream.result()

    def ask_stream(self, request: AskRequest) -> LocalAnswerStream:
        session_id = request.session_id or self._new_session_id()
        history = self._sessions.history(session_id)
        stream = self._answerer.stream(request.prompt, history)
        return LocalAnswerStream(self, request.prompt, session_id, stream)

    def _finish(self, question: str, session_id: str, answer: Answer) -> AskResponse:
        text = COURSE_REFUSAL if answer.refused else answer.text
        self._sessions.append(session_id, question, text)
        return AskResponse(answer=text, citations=citations_of(answer, self._limit), sessionId=session_id)


class LocalAnswerStream:
    """Streams the pipeline's answer; ``result()`` is the checked answer in the Knowledge Base's shape."""

    def __init__(self, owner: LocalCourseQA, question: str, session_id: str, stream: _PipelineStream) -> None:
        self._owner = owner
        self._question = question
        self.session_id = session_id
        self._stream = stream
        self._result: AskResponse | None = None

    @property
    def calls_model(self) -> bool:
        return self._stream.calls_model  # False offline: the answer is an extract or a refusal

    @property
    def first_token_at(self) -> float | None:
        return self._stream.first_token_at

    def tokens(self) -> Iterator[str]:
        # Offline answers are composed at once (extractive), so buffering costs nothing, and a refusal is
        # shown in the course's words instead of the HR pipeline's.
        pieces = list(self._stream.tokens())
        self._result = self._owner._finish(self._question, self.session_id, self._stream.result())
        yield from [COURSE_REFUSAL] if self._result.answer == COURSE_REFUSAL else pieces

    def result(self) -> AskResponse:
        if self._result is None:
            raise RuntimeError("consume tokens() before asking for the result")
        return self._result


def sync_course_index(settings: Settings, embeddings: Embeddings) -> IngestReport:
    """Make the course index hold exactly the PDFs in ``COURSE_DIR`` (unchanged files are not re-embedded)."""
    ingestor = Ingestor(
        IndexStore(settings.course_index_dir),
        embeddings,
        embedding_model=settings.embedding_model_id,
        workers=settings.local_threads,
        limits=settings.parse_limits,
    )
    return ingestor.sync([settings.course_dir])


def build_local_course_qa(settings: Settings, *, embeddings: Embeddings) -> LocalCourseQA:
    """Index the course notes (only new or changed notes are embedded), then answer from them offline."""
    sync_course_index(settings, embeddings)
    retriever = HybridRetriever(
        IndexStore(settings.course_index_dir), embeddings, embedding_model=settings.embedding_model_id
    )
    # The pipeline retrieves ``rag_top_k`` passages; Course Q&A cites up to ``bedrock_kb_results``.
    answerer = build_answerer(
        settings.model_copy(update={"rag_top_k": settings.bedrock_kb_results}), retriever, embeddings
    )
    return LocalCourseQA(answerer, number_of_results=settings.bedrock_kb_results)

"""Grounded answers to HR policy questions: rewrite, retrieve, refuse or answer, cite.

``PolicyAnswerer`` takes its chat model and retriever through the constructor (tests pass fakes):

1. A follow-up question is rewritten into a standalone query with the conversation (skipped when
   there is no history), so "and after five years?" retrieves the earned-leave table.
2. Passages whose calibrated score is below ``min_score`` are not relevant; if none is left the answer is
   the refusal sentence and the chat model is never called.
3. Otherwise the model answers from the delimited passages, and its citations are checked against
   what was retrieved (see ``answer_citations``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from backend.rag.answer.citations import Citation, finalize_answer, runaway_repetition, sources_line
from backend.rag.answer.prompt import (
    REFUSAL,
    answer_messages,
    clean_rewrite,
    format_context,
    rewrite_messages,
    select_context,
)
from backend.rag.types import Chunk, PolicyRetriever, ScoredChunk

__all__ = ["REFUSAL", "Answer", "AnswerStream", "PolicyAnswerer"]

DEFAULT_MAX_CONTEXT_CHARS = 12_000
RUNAWAY_CHECK_EVERY = 8  # tokens between checks for a repetition loop


@dataclass(frozen=True)
class Answer:
    """A finished answer. ``sources`` are the passages the model was given (empty when refused early)."""

    text: str
    sources: list[ScoredChunk]
    refused: bool
    standalone_question: str
    citations: list[Citation] = field(default_factory=list)
    citations_appended: bool = False  # the model cited nothing valid, so the sources were credited for it

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for saved conversations."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Answer:
        sources = [
            ScoredChunk(Chunk(**s["chunk"]), float(s["score"]), dict(s.get("signals", {})))
            for s in raw.get("sources", [])
        ]
        return cls(
            text=str(raw["text"]),
            sources=sources,
            refused=bool(raw["refused"]),
            standalone_question=str(raw.get("standalone_question", "")),
            citations=[Citation(str(c["file"]), int(c["page"])) for c in raw.get("citations", [])],
            citations_appended=bool(raw.get("citations_appended", False)),
        )


class AnswerStream:
    """An answer being produced: the sources are known up front, then ``tokens()`` streams the text.

    After ``tokens()`` is exhausted, ``result()`` gives the final ``Answer`` whose text may differ from the
    streamed one: invalid citations removed, a ``Sources:`` line added (it is also streamed last).
    """

    def __init__(
        self,
        *,
        standalone_question: str,
        sources: list[ScoredChunk],
        model: BaseChatModel | None,
        messages: list[BaseMessage],
    ) -> None:
        self.standalone_question = standalone_question
        self.sources = sources
        self._model = model
        self._messages = messages
        self._result: Answer | None = None

    @property
    def refused_without_model(self) -> bool:
        """True when retrieval found nothing relevant: the refusal is given without calling the model."""
        return self._model is None

    @property
    def prompt_messages(self) -> list[BaseMessage]:
        """What is (or would be) sent to the chat model; empty for an early refusal."""
        return list(self._messages)

    def tokens(self) -> Iterator[str]:
        if self._result is not None:
            raise RuntimeError("this answer has already been streamed")
        if self._model is None:
            self._result = Answer(REFUSAL, [], refused=True, standalone_question=self.standalone_question)
            yield REFUSAL
            return
        parts: list[str] = []
        stream = self._model.stream(self._messages)
        try:
            for n, chunk in enumerate(stream, start=1):
                text = chunk.text
                if not text:
                    continue
                parts.append(text)
                yield text
                # Small models can loop until max_tokens; stop paying for tokens nobody will read.
                if n % RUNAWAY_CHECK_EVERY == 0 and runaway_repetition("".join(parts)) is not None:
                    break
        finally:
            # Stopping early must release the model: the local engine holds a lock while it generates.
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        final = finalize_answer("".join(parts), self.sources)
        self._result = Answer(
            final.text,
            self.sources,
            refused=final.refused,
            standalone_question=self.standalone_question,
            citations=final.citations,
            citations_appended=final.appended,
        )
        if final.appended:
            yield "\n\n" + sources_line(final.citations)

    def result(self) -> Answer:
        if self._result is None:
            raise RuntimeError("consume tokens() before asking for the result")
        return self._result


class PolicyAnswerer:
    """Answers questions from the policy index, or says it does not know."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        retriever: PolicyRetriever,
        *,
        min_score: float,
        k: int,
        rewrite_model: BaseChatModel | None = None,
        max_context_chars: int = DEFAULT_MAX_CONTEXT_CHARS,
        context_margin: float | None = None,
    ) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self._chat_model = chat_model
        self._rewrite_model = rewrite_model or chat_model
        self._retriever = retriever
        self._min_score = min_score
        self._k = k
        self._max_context_chars = max_context_chars
        # Passages scoring more than this below the best one are left out of the prompt: a small model
        # given one clearly relevant passage and a few weak ones tends to answer from the weak ones.
        self._context_margin = context_margin

    @property
    def min_score(self) -> float:
        return self._min_score

    def standalone_question(self, question: str, history: Sequence[BaseMessage]) -> str:
        """The question rewritten to stand on its own; unchanged (no model call) without history."""
        question = question.strip()
        if not any(m.text.strip() for m in history):
            return question
        reply = self._rewrite_model.invoke(rewrite_messages(question, history))
        return clean_rewrite(reply.text, question, history)

    def relevant(self, query: str) -> list[ScoredChunk]:
        """Retrieved passages at or above the threshold (and within the margin of the best), in rank order."""
        relevant = [s for s in self._retriever.search(query, self._k) if s.score >= self._min_score]
        if relevant and self._context_margin is not None:
            floor = max(s.score for s in relevant) - self._context_margin
            relevant = [s for s in relevant if s.score >= floor]
        return relevant

    def stream(self, question: str, history: Sequence[BaseMessage] = ()) -> AnswerStream:
        """Rewrite and retrieve now; the returned stream calls the model only when iterated."""
        if not question.strip():
            raise ValueError("Ask a question first.")
        standalone = self.standalone_question(question, history)
        relevant = self.relevant(standalone)
        if not relevant:
            return AnswerStream(standalone_question=standalone, sources=[], model=None, messages=[])
        sources = select_context(relevant, self._max_context_chars)
        passages = format_context(sources, self._max_context_chars)
        return AnswerStream(
            standalone_question=standalone,
            sources=sources,
            model=self._chat_model,
            messages=answer_messages(passages, standalone),
        )

    def answer(self, question: str, history: Sequence[BaseMessage] = ()) -> Answer:
        stream = self.stream(question, history)
        for _ in stream.tokens():
            pass
        return stream.result()

"""Answers to HR policy questions that people can trust: from the policies, cited, or "I don't know".

``PolicyAnswerer`` takes its retriever, extractor and (optionally) chat models through the constructor:

1. **Names.** With the local index, initials of a document's owner are spelled out first ("leave at
   PW" is searched as "leave at Physics Wallah"; ``retrieve.initialisms``).
2. **Follow-ups.** A question is rewritten only when it cannot stand alone (``followup.needs_context``);
   then both the question and its rewrite are searched and the results fused, so a rewrite can add
   context but never lose what the question alone finds. Without a rewrite model (offline) the rewrite
   is the previous question followed by the follow-up: a 135M model's rewrites changed the topic.
3. **Retrieval gate.** Passages scoring below ``gate.min_score`` are dropped (``RefusalGate.keeps``);
   with none left the answer is a refusal that names the policies searched, and no model is called.
4. **Answer gate.** The passages are cut into sentences, list items and table rows and scored against
   the question (``extractive.Extractor``); when the best of them doesn't answer it, the answer is a
   refusal too. Offline, so is a question asking for a figure ("how many sessions", "the copay") that no
   unit close to the best one states, and one about an item ("a doula", "sabbatical leave") that no
   passage mentions: the refusal says which figure or item the closest passages lack. Offline, a
   question about a kind of leave at a named employer is quoted from that employer's policy alone.
5. **The answer.** Without a chat model (the offline default) it is the extract itself: quotes, verbatim,
   each citing its page. With one (Bedrock) the model answers from the delimited passages; its citations
   are checked against what was retrieved, and every figure it states is checked against the passages.
   A failed check keeps the answer but adds a visible warning and the cited quotes under it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage

from backend.errors import SentenceError
from backend.rag.answer.asked_figure import AskedFigure
from backend.rag.answer.asked_item import AskedItem, item_in, owner_sources, unmentioned_item
from backend.rag.answer.citations import Citation, finalize_answer, runaway_repetition, sources_line
from backend.rag.answer.extractive import (
    Extract,
    Extractor,
    Neighbours,
    Quote,
    compose,
    passage_texts,
)
from backend.rag.answer.followup import contextual_question, needs_context
from backend.rag.answer.job_titles import unknown_title
from backend.rag.answer.named_documents import document_names
from backend.rag.answer.named_scope import outside_named
from backend.rag.answer.numbers import check_numbers
from backend.rag.answer.prompt import (
    REFUSAL,
    answer_messages,
    clean_rewrite,
    format_context,
    rewrite_messages,
    select_context,
)
from backend.rag.answer.terms import TermStatistics, missing_rare_terms
from backend.rag.answer.thresholds import RefusalGate
from backend.rag.retrieve.fusion import reciprocal_rank_fusion
from backend.rag.types import Chunk, PolicyRetriever, ScoredChunk

__all__ = ["REFUSAL", "Answer", "AnswerStream", "PolicyAnswerer"]

DEFAULT_MAX_CONTEXT_CHARS = 12_000
RUNAWAY_CHECK_EVERY = 8  # tokens between checks for a repetition loop
MAX_SEARCHED_TITLES = 3
MAX_QUESTION_CHARS = 2000  # the page's input allows no more; other callers get QuestionTooLongError
REWRITE_FUSION_WEIGHTS = (2.0, 1.0)  # (standalone rewrite, the follow-up as asked)
SYNONYM_FUSION_WEIGHT = 1.0  # the question searched with the synonym file's words, beside it as typed
# When none of the best passages is from the employer a question names, this many times as many are
# searched for one that is.
OWNER_SEARCH_WIDTH = 4

Method = Literal["extractive", "generative", "refusal"]


class QuestionTooLongError(SentenceError, ValueError):
    """A question over ``MAX_QUESTION_CHARS``: its message is the sentence to show."""


class CorpusView(TermStatistics, Neighbours, Protocol):
    """Term statistics, neighbouring passages and titles of the local index (``retrieve.corpus.Corpus``)."""

    titles: list[str]

    def spell_out(self, text: str) -> str: ...

    def owned_files(self, text: str) -> frozenset[str]: ...

    def document_terms(self, file: str) -> frozenset[str]: ...

    def title_lines(self) -> list[frozenset[str]]: ...

    def synonyms(self, text: str) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Answer:
    """A finished answer. ``sources`` are the passages it was drawn from (empty when refused early)."""

    text: str
    sources: list[ScoredChunk]
    refused: bool
    standalone_question: str
    citations: list[Citation] = field(default_factory=list)
    citations_appended: bool = False  # the model cited nothing valid, so the sources were credited for it
    method: Method = "generative"
    quotes: list[Quote] = field(default_factory=list)  # the verbatim lines an extractive answer shows
    warnings: list[str] = field(default_factory=list)  # e.g. a figure the passages don't contain
    # How well the best sentence, row or item answered (what the refusal gate judged; 0 when not scored).
    relevance: float = 0.0
    coverage: float = 0.0
    unknown_terms: list[str] = field(default_factory=list)  # question words no policy uses at all
    # The figure the question asked for that the passages don't state ("a number of sessions"), when
    # that is why it was refused.
    unstated_figure: str = ""
    # The item a coverage question asked about that no retrieved passage mentions ("pet insurance").
    unmentioned_item: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, for saved conversations."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Answer:
        sources = [
            ScoredChunk(Chunk(**s["chunk"]), float(s["score"]), dict(s.get("signals", {})))
            for s in raw.get("sources", [])
        ]
        quotes = [
            Quote(
                str(q["file"]),
                int(q["page"]),
                str(q["title"]),
                str(q["section"]),
                tuple(str(line) for line in q["lines"]),
                q.get("continued_on"),
            )
            for q in raw.get("quotes", [])
        ]
        return cls(
            text=str(raw["text"]),
            sources=sources,
            refused=bool(raw["refused"]),
            standalone_question=str(raw.get("standalone_question", "")),
            citations=[Citation(str(c["file"]), int(c["page"])) for c in raw.get("citations", [])],
            citations_appended=bool(raw.get("citations_appended", False)),
            method=raw.get("method", "generative"),
            quotes=quotes,
            warnings=[str(w) for w in raw.get("warnings", [])],
            relevance=float(raw.get("relevance", 0.0)),
            coverage=float(raw.get("coverage", 0.0)),
            unknown_terms=[str(t) for t in raw.get("unknown_terms", [])],
            unstated_figure=str(raw.get("unstated_figure", "")),
            unmentioned_item=str(raw.get("unmentioned_item", "")),
        )


def refusal_text(
    sources: Sequence[ScoredChunk],
    corpus_titles: Sequence[str],
    unstated: AskedFigure | None = None,
    unmentioned: AskedItem | None = None,
    *,
    other_owners: bool = False,
) -> str:
    """The refusal sentence, then which policies were searched and where the closest passages were.

    It states no figure of its own (not even a count), so every number in any answer is a policy's.
    When the passages never mention the item asked about, or cover the topic but not the figure asked
    for, it says so.
    """
    closest = list(dict.fromkeys(s.chunk.title or s.chunk.file for s in sources))[:MAX_SEARCHED_TITLES]
    if closest:
        places = ", ".join(closest)
        if other_owners:
            return (
                f"{REFUSAL} The closest passages, in {places}, are another organisation's policies, "
                "not the one the question names."
            )
        if unmentioned is not None:
            return f"{REFUSAL} The closest passages, in {places}, don't mention {unmentioned.phrase}."
        if unstated is not None:
            return (
                f"{REFUSAL} The closest passages, in {places}, are on this topic but don't state "
                f"{unstated.described()}."
            )
        return (
            f"{REFUSAL} I searched all the policy documents; the closest passages, in {places}, don't "
            "answer it."
        )
    if corpus_titles:
        return f"{REFUSAL} I searched these policy documents: {', '.join(corpus_titles)}."
    return REFUSAL


class AnswerStream:
    """An answer being produced: the sources are known up front, then ``tokens()`` streams the text.

    After ``tokens()`` is exhausted, ``result()`` gives the final ``Answer``. For a generated answer the
    final text may differ from the streamed one (invalid citations removed); whatever is added after
    the model's text (a ``Sources:`` line, a warning and quotes) is streamed last.
    """

    def __init__(
        self,
        *,
        standalone_question: str,
        sources: list[ScoredChunk],
        extract: Extract | None,
        refusal: str | None = None,
        model: BaseChatModel | None = None,
        messages: Sequence[BaseMessage] = (),
        unknown_terms: Sequence[str] = (),
        unstated: AskedFigure | None = None,
        unmentioned: AskedItem | None = None,
    ) -> None:
        self.standalone_question = standalone_question
        # Why a refusal was given, when a wording rule gave it (the figure or item the passages lack).
        self._unstated = unstated
        self._unmentioned = unmentioned
        self.sources = sources
        self._extract = extract
        self._unknown_terms = list(unknown_terms)
        self._refusal = refusal
        self._model = model
        self._messages = list(messages)
        self._result: Answer | None = None
        self.first_token_at: float | None = None  # perf_counter() of the first streamed piece
        # Tokens the chat model reported (usage metadata), for the figures line; 0 without a model.
        self.input_tokens = 0
        self.output_tokens = 0

    @property
    def calls_model(self) -> bool:
        return self._model is not None and self._refusal is None

    def tokens(self) -> Iterator[str]:
        if self._result is not None:
            raise RuntimeError("this answer has already been streamed")
        for piece in self._pieces():
            if self.first_token_at is None and piece:
                self.first_token_at = time.perf_counter()
            yield piece

    def _pieces(self) -> Iterator[str]:
        if self._refusal is not None:
            self._result = self._finish(self._refusal, refused=True, method="refusal")
            yield self._refusal
            return
        if self._model is None:
            yield from self._extractive()
            return
        yield from self._generative(self._model)

    def _extractive(self) -> Iterator[str]:
        quotes = self._extract.quotes if self._extract else []
        text = compose(quotes)
        citations = list(dict.fromkeys(c for q in quotes for c in q.citations))
        self._result = self._finish(
            text, refused=False, method="extractive", citations=citations, quotes=quotes
        )
        for n, line in enumerate(text.split("\n")):
            yield ("\n" if n else "") + line

    def _generative(self, model: BaseChatModel) -> Iterator[str]:
        parts: list[str] = []
        stream = model.stream(self._messages)
        try:
            for n, chunk in enumerate(stream, start=1):
                usage = getattr(chunk, "usage_metadata", None)
                if usage:
                    self.input_tokens += int(usage.get("input_tokens", 0))
                    self.output_tokens += int(usage.get("output_tokens", 0))
                text = chunk.text
                if not text:
                    continue
                parts.append(text)
                yield text
                # A model can loop until max_tokens; stop paying for tokens nobody will read.
                if n % RUNAWAY_CHECK_EVERY == 0 and runaway_repetition("".join(parts)) is not None:
                    break
        finally:
            # Stopping early must release the model (a local engine holds a lock while it generates).
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        final = finalize_answer("".join(parts), self.sources)
        warnings: list[str] = []
        quotes: list[Quote] = []
        warning_text = ""
        if not final.refused:
            check = check_numbers(final.text, passage_texts(self.sources, []))
            if not check.passed:
                figures = ", ".join(check.unsupported)
                warnings.append(
                    f"Check this answer: it states {figures}, which the policy passages don't contain. "
                    "The passages it was given are quoted below."
                )
                quotes = self._extract.quotes if self._extract else []
                warning_text = f"\n\n⚠ {warnings[0]}" + (f"\n\n{compose(quotes)}" if quotes else "")
        # ``final.text`` already ends with the Sources line when one was appended; the stream still lacks it.
        extra = ("\n\n" + sources_line(final.citations) if final.appended else "") + warning_text
        self._result = self._finish(
            final.text + warning_text,
            refused=final.refused,
            method="refusal" if final.refused else "generative",
            citations=final.citations,
            citations_appended=final.appended,
            quotes=quotes,
            warnings=warnings,
        )
        if extra:
            yield extra

    def _finish(
        self,
        text: str,
        *,
        refused: bool,
        method: Method,
        citations: Sequence[Citation] = (),
        citations_appended: bool = False,
        quotes: Sequence[Quote] = (),
        warnings: Sequence[str] = (),
    ) -> Answer:
        return Answer(
            text,
            self.sources,
            refused=refused,
            standalone_question=self.standalone_question,
            citations=list(citations),
            citations_appended=citations_appended,
            method=method,
            quotes=list(quotes),
            warnings=list(warnings),
            relevance=self._extract.relevance if self._extract else 0.0,
            coverage=self._extract.coverage if self._extract else 0.0,
            unknown_terms=self._unknown_terms,
            unstated_figure=self._unstated.described() if self._unstated else "",
            unmentioned_item=self._unmentioned.phrase if self._unmentioned else "",
        )

    def result(self) -> Answer:
        if self._result is None:
            raise RuntimeError("consume tokens() before asking for the result")
        return self._result


class PolicyAnswerer:
    """Answers questions from the policy index, or says it does not know."""

    def __init__(
        self,
        retriever: PolicyRetriever,
        extractor: Extractor,
        *,
        gate: RefusalGate,
        k: int,
        chat_model: BaseChatModel | None = None,
        rewrite_model: BaseChatModel | None = None,
        corpus: Callable[[], CorpusView | None] | None = None,
        max_context_chars: int = DEFAULT_MAX_CONTEXT_CHARS,
    ) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self._retriever = retriever
        self._extractor = extractor
        self._gate = gate
        self._k = k
        self._chat_model = chat_model
        self._rewrite_model = rewrite_model
        self._corpus = corpus or (lambda: None)
        self._max_context_chars = max_context_chars

    @property
    def gate(self) -> RefusalGate:
        return self._gate

    @property
    def extractive(self) -> bool:
        """True when answers are quoted from the policies rather than written by a model."""
        return self._chat_model is None

    def standalone_question(self, question: str, history: Sequence[BaseMessage]) -> str:
        """The question rewritten to stand alone, or unchanged when it already does (no model call)."""
        question = question.strip()
        if not any(m.text.strip() for m in history) or not needs_context(question):
            return question
        if self._rewrite_model is None:
            return contextual_question(question, history)
        reply = self._rewrite_model.invoke(rewrite_messages(question, history))
        return clean_rewrite(reply.text, question, history)

    def retrieve(self, question: str, standalone: str, synonyms: Sequence[str] = ()) -> list[ScoredChunk]:
        """Sources above the threshold: the question's own, fused with its rewrite's when there is one,
        and with those of the question searched with the policies' words for its own (``synonyms``)."""
        found = self._retriever.search(question, self._k)
        searches: list[tuple[list[ScoredChunk], float]] = []
        if standalone != question:
            # The question needs its context, so the rewrite leads; the question's own results stay in
            # the running, so a bad rewrite cannot lose what the question alone finds.
            searches.append((self._retriever.search(standalone, self._k), REWRITE_FUSION_WEIGHTS[0]))
            searches.append((found, REWRITE_FUSION_WEIGHTS[1]))
        else:
            searches.append((found, 1.0))
        if synonyms:
            # Searched with the policies' words as well, never instead: "IVF" finds the page that says
            # "in vitro fertilization", and a page the question finds as typed keeps its place.
            expanded = f"{standalone} {' '.join(synonyms)}"
            searches.append((self._retriever.search(expanded, self._k), SYNONYM_FUSION_WEIGHT))
        if len(searches) > 1:
            by_page: dict[tuple[str, int], ScoredChunk] = {}
            for ranking, _ in searches:
                for hit in ranking:  # each page keeps its better-scoring passage
                    key = (hit.chunk.file, hit.chunk.page)
                    if key not in by_page or hit.score > by_page[key].score:
                        by_page[key] = hit
            pages = [[(s.chunk.file, s.chunk.page) for s in ranking] for ranking, _ in searches]
            fused = reciprocal_rank_fusion(pages, weights=tuple(weight for _, weight in searches))
            found = [by_page[key] for key, _ in fused[: self._k]]
        return [s for s in found if self._gate.keeps(s)]

    def _owned_sources(
        self, standalone: str, sources: list[ScoredChunk], owned: frozenset[str]
    ) -> list[ScoredChunk]:
        """The sources from the files of the owner the question names; when none was among the best,
        the best of a wider search that are."""
        kept = [s for s in sources if s.chunk.file in owned]
        if kept:
            return kept
        wider = self._retriever.search(standalone, self._k * OWNER_SEARCH_WIDTH)
        return [s for s in wider if s.chunk.file in owned and self._gate.keeps(s)][: self._k]

    def stream(self, question: str, history: Sequence[BaseMessage] = ()) -> AnswerStream:
        """Rewrite, retrieve and extract now; a generated answer calls the model only when iterated."""
        if not question.strip():
            raise ValueError("Ask a question first.")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionTooLongError(
                f"Questions are limited to {MAX_QUESTION_CHARS:,} characters; ask about one thing at a time."
            )
        corpus = self._corpus()
        if corpus is not None:  # "leave at PW": search for the name the policy uses
            question = corpus.spell_out(question)
        standalone = self.standalone_question(question, history)
        if corpus is not None:  # …also when it was said earlier in the conversation
            standalone = corpus.spell_out(standalone)
        synonyms = corpus.synonyms(standalone) if corpus is not None else ()
        sources = self.retrieve(question.strip(), standalone, synonyms)
        titles = corpus.titles if corpus is not None else []
        owned = corpus.owned_files(standalone) if corpus is not None else frozenset()
        if owned and sources:
            # "sabbatical policy contoso": another employer's sabbatical rules are no answer.
            others = sources
            sources = self._owned_sources(standalone, sources, owned)
            if not sources:
                return AnswerStream(
                    standalone_question=standalone,
                    sources=others,
                    extract=None,
                    refusal=refusal_text(others, titles, other_owners=True),
                )
        if not sources:
            return AnswerStream(
                standalone_question=standalone, sources=[], extract=None, refusal=refusal_text([], titles)
            )
        item = item_in(standalone, sources)
        extract = self._extractor.extract(
            standalone, owner_sources(item, standalone, sources), terms=corpus, neighbours=corpus
        )
        unknown = missing_rare_terms(standalone, corpus, " ".join(s.chunk.text for s in sources))
        if self.extractive:
            answers = bool(extract.quotes) and self._gate.answers(
                extract.relevance, extract.coverage, bool(unknown)
            )
            # The wording rules explain a refusal only when the gate let the passages through.
            unmentioned = None
            if answers:
                unmentioned = unmentioned_item(
                    item,
                    standalone,
                    sources,
                    extract.quotes,
                    corpus,
                    corpus,
                    self._extractor.similarity,
                    corpus.synonyms if corpus is not None else None,
                )
            if answers and unmentioned is None and corpus is not None:
                unmentioned = outside_named(standalone, sources, corpus)
            if answers and unmentioned is None and corpus is not None:
                unmentioned = unknown_title(
                    standalone,
                    corpus.title_lines(),
                    " ".join(s.chunk.text for s in sources),
                    document_names(sources),
                )
            unstated = extract.unstated if answers else None
            if not answers or unstated is not None or unmentioned is not None:
                return AnswerStream(
                    standalone_question=standalone,
                    sources=sources,
                    extract=extract,
                    refusal=refusal_text(sources, titles, unstated, unmentioned),
                    unknown_terms=unknown,
                    unstated=unstated,
                    unmentioned=unmentioned,
                )
            return AnswerStream(
                standalone_question=standalone, sources=sources, extract=extract, unknown_terms=unknown
            )
        context = select_context(sources, self._max_context_chars)
        passages = format_context(context, self._max_context_chars)
        return AnswerStream(
            standalone_question=standalone,
            sources=context,
            extract=extract,
            model=self._chat_model,
            messages=answer_messages(passages, standalone),
            unknown_terms=unknown,
        )

    def answer(self, question: str, history: Sequence[BaseMessage] = ()) -> Answer:
        stream = self.stream(question, history)
        for _ in stream.tokens():
            pass
        return stream.result()

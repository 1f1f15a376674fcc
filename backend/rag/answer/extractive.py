"""Answers built from the policy text itself: pick the units that answer, quote them, cite each page.

A 135M-parameter model cannot read a table or follow a grounded prompt, so the offline answer is not
written by a model at all. The retrieved pages are cut into units (sentences, list items, table rows);
each unit is scored against the question by the embedding model already loaded (meaning) and by the
question's rarer terms it contains (IDF-weighted coverage, so "hotel" matters more than "policy"; the
words that name the document a question asks about, "at Physics Wallah", count for every unit of it, not
only for the introduction that repeats the name, though the refusal gate judges a unit without them);
the best unit and what belongs with it (the rest of its table or list, the sentence after it, the text
it continues onto the next page), then the next best units up to a word budget, are quoted verbatim,
with a citation per page. Every figure in such an answer is in the policy by construction.

The same scores say how well anything in the passages answers the question; the refusal gate uses them.
When the question asks for a figure (``asked_figure``), the quote that states it leads (when it is from
the document the answer opens with); when the quotes give none of that kind, a unit that does and scores
within the margin joins them; with no such unit the extract says the figure is unstated. A question
about what a plan leaves out ("what isn't covered") prefers units under a heading that lists exclusions,
and a lead-in ("These include:") is quoted with the list it opens, across a page break too. A question
asking for a list ("what are the core values") is answered by the list's items before a sentence about
them, and a sentence that says nothing of the rules ("We are committed to…") is quoted after one that
does.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from backend.rag.answer.asked_figure import AskedFigure, asked_figure
from backend.rag.answer.citations import Citation
from backend.rag.answer.named_documents import (
    distinctive_names,
    document_names,
    naming_words,
    without_names,
)
from backend.rag.answer.terms import TermStatistics, mentions, question_term_weights, term_coverage
from backend.rag.answer.units import Unit, units_of
from backend.rag.index.bm25 import tokenize
from backend.rag.retrieve.hybrid import normalise
from backend.rag.types import Chunk, ScoredChunk

MAX_EMBEDDED_UNITS = 32
OWN_SCORE_PLACES = 8  # of those, kept for the best units by their own words (see ``Extractor.score``)
MAX_TABLE_ROWS = 10
MAX_LIST_ITEMS = 8
# The answer quotes the best units until this many words, from units scoring within the margin of the
# best and from at most this many pages. These and the weights were chosen on the dev split with
# eval/tools/tune_extractive.py (fact accuracy of the text people read, at a given length). With the
# third dev set (341 questions), 160 words state every fact of 0.795 of the answers against 0.766 at
# 120: a fact is often in the second paragraph of a section. The quote that answers still comes first.
QUOTE_WORD_BUDGET = 160
QUOTE_MARGIN = 0.35
MAX_QUOTED_PAGES = 3
# The best pages whose every passage is a candidate (the others contribute their retrieved passage).
WHOLE_PAGES = 2
# Sentences of the best one's paragraph are quoted too (up to this many after it, and one before it)
# when they score at least this share of the best.
FOLLOWING_SENTENCES = 2
NEIGHBOUR_SHARE = 0.5
_ENDS_SENTENCE = (".", "!", "?", ":")
# A quoted amount must come with one of the question's this many rarest terms, not counting the words
# that ask for the figure.
TOPIC_TERMS = 2
TOPIC_SHARE = 0.5  # …each at least this share of the rarest one's weight
_FIGURE_WORDS = frozenset(
    tokenize(
        "much many cost costs pay paid spend charge price amount max maximum limit percentage percent "
        "reimburse reimburses reimbursed expense claim"
    )
)
# Kinds of cost: the topic of "the copay for hospice care" is hospice care, but of "what's the copay on
# Standard" the copay itself.
_COST_KINDS = frozenset(tokenize("copay copays copayment coinsurance deductible"))
# "per year", "per night": a unit the amount is counted in, not "per specialist visit".
_PER_UNIT = re.compile(
    r"\bper\s+(?:year|annum|month|week|day|night|hour|person|employee|member|mile|paycheck|trip|visit)\b",
    re.IGNORECASE,
)


# A question about what a plan leaves out, and the headings that list what it leaves out.
_ASKS_EXCLUSIONS = re.compile(
    r"\b(?:not|never|(?:is|are|does|do|did|was|were|ca|can|wo|won|could|would|should)n['’]?t)\b"
    r"(?:\s+\w+){0,2}?\s+(?:be\s+)?(?:covered|included|covers?|includes?|reimburse[ds]?|pay\s+for|eligible)\b"
    r"|\bexclu(?:ded|des?|sions?)\b",
    re.IGNORECASE,
)
_LISTS_EXCLUSIONS = re.compile(
    r"\bnot\s+(?:be\s+)?(?:covered|included|eligible)\b|\bexclu(?:ded|sions?)\b", re.IGNORECASE
)


_BOILERPLATE = re.compile(
    r"^\W*(?:welcome\s+to|introducing)\b|"
    r"\b(?:we|I)\s+(?:understand|believe|strive|hope|are\s+(?:committed|dedicated|proud|excited|pleased|here))\b|"
    r"\b(?:our\s+goal\s+is|familiari[sz]e\s+yourself)\b",
    re.IGNORECASE,
)
# …unless it states a figure or a rule: "We strive to pay claims within 30 days", "we understand that
# emergencies happen; employees may take up to 3 days" (a review, stop 19).
_STATES_A_RULE = re.compile(
    r"\d|[$₹€£%]|\b(?:may|must|can|cannot|will|shall|should|within|up\s+to)\b", re.IGNORECASE
)


def says_little(text: str) -> bool:
    """Whether a sentence only sets a tone ("We are committed to your care", "Welcome to Contoso!")."""
    return bool(_BOILERPLATE.search(text)) and not _STATES_A_RULE.search(text)


# "List the company values", "What are the core values", "Which services need prior authorization",
# "What rights do I have": the answer is a list or a table, not one sentence about it. A word ending in
# "s" after "what" or "which" is read as a plural noun unless it is a verb ("what qualifies") or ends
# in -ss, -us or -is ("what status", "what bonus").
_ASKS_LIST = re.compile(
    r"^\W*(?:(?:please|can\s+you|could\s+you)\s+)?(?:list|enumerate)\b|"
    r"^\W*(?:what|which)(?:\s+are|['’]re|\s+(?:kinds?|types?)\s+of|"
    r"\s+(?!(?:happens|does|is|was|has|means|counts|applies|qualifies|constitutes|determines|goes|gets|"
    r"covers|includes|requires|needs|pays|makes|takes)\b)[a-z]+[^siu\W]s\b)",
    re.IGNORECASE,
)


def asks_for_list(question: str) -> bool:
    return bool(_ASKS_LIST.search(question))


class Neighbours(Protocol):
    """The other passages on a page, and the passage that continues after one."""

    def page_chunks(self, file: str, page: int) -> list[Chunk]: ...

    def next_chunk(self, chunk: Chunk) -> Chunk | None: ...


@dataclass(frozen=True)
class UnitWeights:
    """How a unit's score mixes meaning (cosine of unit and question), the question's rare terms it
    covers (0..1), and the retrieval score of its page. Chosen on the dev split (eval/tools/)."""

    dense: float = 1.0
    lexical: float = 0.5
    page: float = 0.3
    # A unit from a document the question names ("on the Standard plan"); as much off a unit that names
    # its own document, another one ("Northwind Health Plus covers…" when Standard is asked about).
    named: float = 0.15
    # A unit under a heading that lists exclusions, for a question about what is left out (not tuned:
    # the same nudge as a named document's).
    excluded: float = 0.15
    # Off a sentence that says nothing of the rules ("Welcome to…", "We are committed to…"): MiniLM
    # scores such a sentence close to any question on its topic, and it pushed the rule out of the
    # quotes. Onto a list item or table row, for a question asking for a list ("what are the core
    # values"): each item alone scores below a sentence about the list. (Chosen on dev with dev4, stop
    # 19; 0.15 and 0.25 quote the same.)
    boilerplate: float = 0.15
    listed: float = 0.15


@dataclass(frozen=True)
class Quote:
    """Verbatim lines from one page of one policy."""

    file: str
    page: int
    title: str
    section: str
    lines: tuple[str, ...]
    continued_on: int | None = None  # the next page, when the quoted text runs across the page break

    @property
    def citations(self) -> list[Citation]:
        pages = [self.page] if self.continued_on is None else [self.page, self.continued_on]
        return [Citation(self.file, p) for p in pages]


@dataclass(frozen=True)
class ScoredUnit:
    unit: Unit
    score: float
    dense: float
    coverage: float  # IDF-weighted share of the question's terms found in the unit and its context
    # The part of ``score`` owed to the question naming the unit's document (it orders the units of
    # a named policy before the others; whether anything answers is judged without it).
    named_credit: float = 0.0

    @property
    def own_score(self) -> float:
        """The score of the unit's own words and page, without the credit for its document's name."""
        return self.score - self.named_credit


@dataclass(frozen=True)
class Extract:
    """What the passages offer for a question: the quotes to show and how well they answer it."""

    quotes: list[Quote]
    best: ScoredUnit | None
    ranked: list[ScoredUnit] = field(default_factory=list)
    # The figure the question asks for ("how many sessions", "the copay") when no unit scoring within
    # the quoting margin states one: the passages are about the topic but don't give the figure.
    unstated: AskedFigure | None = None

    @property
    def relevance(self) -> float:
        return self.best.own_score if self.best else 0.0

    @property
    def coverage(self) -> float:
        return self.best.coverage if self.best else 0.0


def _unit_text(unit: Unit) -> str:
    """What a unit is scored on: where it sits (section, table header, list lead-in) and its words."""
    parts = [unit.chunk.section, unit.context, unit.text]
    return ". ".join(p for p in parts if p)


class Extractor:
    """Scores units against a question and picks the quotes that answer it."""

    def __init__(
        self,
        embeddings: Embeddings | None,
        weights: UnitWeights | None = None,
        *,
        whole_pages: int = WHOLE_PAGES,
        word_budget: int = QUOTE_WORD_BUDGET,
        margin: float = QUOTE_MARGIN,
        max_pages: int = MAX_QUOTED_PAGES,
    ) -> None:
        # Without embeddings (Bedrock: Titan would cost one call per sentence) a unit's meaning score is
        # its page's retrieval score, and the terms it covers tell the units of a page apart.
        self._embeddings = embeddings
        self.weights = weights or UnitWeights()
        self.whole_pages = whole_pages  # the best pages whose every passage is a candidate
        self.word_budget = word_budget
        self.margin = margin
        self.max_pages = max_pages

    def candidates(self, sources: Sequence[ScoredChunk], neighbours: Neighbours | None) -> list[Unit]:
        """Units of each retrieved passage, and of every passage on the best pages and of their sections
        on the pages either side, each once."""
        seen: set[str] = set()
        units: list[Unit] = []
        for rank, source in enumerate(sources):
            chunk = source.chunk
            whole = neighbours is not None and rank < self.whole_pages
            siblings: list[Chunk] = []
            if neighbours is not None and whole:
                siblings = [
                    *neighbours.page_chunks(chunk.file, chunk.page),
                    *section_continuation(chunk, neighbours),
                ]
            for passage in siblings or [chunk]:
                if passage.chunk_id in seen:
                    continue
                seen.add(passage.chunk_id)
                units.extend(u for u in units_of(passage) if u.kind != "header")
        return units

    def score(
        self,
        question: str,
        units: Sequence[Unit],
        page_scores: dict[tuple[str, int], float],
        terms: TermStatistics | None,
        naming: dict[str, str] | None = None,
    ) -> list[ScoredUnit]:
        """``naming`` maps a file to the question's words that name it: every unit of "the Physics
        Wallah policy" covers "physics wallah", not only the introduction that repeats the name."""
        if not units:
            return []
        weights = question_term_weights(question, terms)
        named = naming or {}
        coverage = [term_coverage(weights, _unit_text(u), terms) for u in units]
        credited = [
            term_coverage(weights, f"{_unit_text(u)} {named[u.chunk.file]}", terms) - own
            if u.chunk.file in named
            else 0.0
            for u, own in zip(units, coverage, strict=True)
        ]
        if len(units) > MAX_EMBEDDED_UNITS:
            # Embedding every unit costs ~5 ms each on 2 cores; the ones that share neither words with
            # the question nor a good page cannot win, so only the best by that cheap score are embedded.
            def cheap(i: int, credit: bool) -> float:
                page = page_scores.get((units[i].chunk.file, units[i].chunk.page), 0.0)
                covered = coverage[i] + (credited[i] if credit else 0.0)
                return self.weights.lexical * covered + self.weights.page * page

            # Most places go to the best with the named document's credit; a few to the best without
            # it, so the unit the gate judges (by its own words) is scored whatever the credit moved.
            by_credit = sorted(range(len(units)), key=lambda i: cheap(i, True), reverse=True)
            by_own = sorted(range(len(units)), key=lambda i: cheap(i, False), reverse=True)
            chosen = dict.fromkeys(by_credit[: MAX_EMBEDDED_UNITS - OWN_SCORE_PLACES])
            for i in by_own:
                if len(chosen) >= MAX_EMBEDDED_UNITS:
                    break
                chosen[i] = None
            keep = sorted(chosen)
            units = [units[i] for i in keep]
            coverage = [coverage[i] for i in keep]
            credited = [credited[i] for i in keep]
        if self._embeddings is None:
            dense = np.asarray([page_scores.get((u.chunk.file, u.chunk.page), 0.0) for u in units])
        else:
            vectors = np.asarray(
                self._embeddings.embed_documents([_unit_text(u) for u in units]), dtype=np.float32
            )
            query = np.asarray(self._embeddings.embed_query(question), dtype=np.float32)
            dense = normalise(vectors) @ normalise(query)
        scored = []
        for unit, cosine, covered, credit in zip(units, dense, coverage, credited, strict=True):
            page = page_scores.get((unit.chunk.file, unit.chunk.page), 0.0)
            w = self.weights
            total = w.dense * float(cosine) + w.lexical * (covered + credit) + w.page * page
            scored.append(ScoredUnit(unit, total, float(cosine), covered, w.lexical * credit))
        return sorted(scored, key=lambda s: -s.score)

    def similarity(self, phrases: Sequence[str], texts: Sequence[str]) -> list[list[float]]:
        """The cosine of each phrase with each text, in one embedding call (all 0 without embeddings)."""
        if self._embeddings is None or not phrases or not texts:
            return [[0.0] * len(texts) for _ in phrases]
        vectors = normalise(
            np.asarray(self._embeddings.embed_documents([*phrases, *texts]), dtype=np.float32)
        )
        return (vectors[: len(phrases)] @ vectors[len(phrases) :].T).tolist()

    def extract(
        self,
        question: str,
        sources: Sequence[ScoredChunk],
        *,
        terms: TermStatistics | None = None,
        neighbours: Neighbours | None = None,
    ) -> Extract:
        page_scores: dict[tuple[str, int], float] = {}
        for s in sources:
            key = (s.chunk.file, s.chunk.page)
            page_scores[key] = max(page_scores.get(key, 0.0), s.score)
        # Which documents the question names, read once: for the coverage credit and for the order.
        naming = naming_words(question, sources)
        ranked = self.score(question, self.candidates(sources, neighbours), page_scores, terms, naming)
        if not ranked:
            return Extract([], None)
        # A unit that names its own document, one the question does not name ("Northwind Health Plus
        # covers hormone therapy" when the question asks about Northwind Standard), speaks of another.
        others = {f: t for f, t in distinctive_names(sources).items() if f not in naming} if naming else {}
        reordered = self._reordered(question, set(naming), ranked, others)
        extract = self._extract(question, reordered, sources, terms, neighbours)
        # How well the passages answer is judged on the units' own scores, not the order of quoting.
        best = max(ranked, key=lambda s: s.own_score)
        return dataclasses.replace(extract, best=best if extract.best else None, ranked=ranked)

    def _reordered(
        self,
        question: str,
        named: Collection[str],
        ranked: list[ScoredUnit],
        others: dict[str, set[str]],
    ) -> list[ScoredUnit]:
        """``ranked`` with the units of the documents the question names moved up ("TMJ treatment on
        Northwind Plus" is quoted from Health Plus first, though the Standard plan's page scores as
        well), and for a question about what is left out, the units under a heading that lists
        exclusions ("What is not covered by PerksPlus?" is answered under "What is Not Covered?", which
        reads like "What is Covered?" to both scores: "not" is no search term, and MiniLM hardly reads
        negation). ``named`` are the files the question names (``named_documents.naming_words``);
        ``others`` the distinctive name words of the other retrieved files, which a unit that speaks of
        another document uses."""
        excluded = bool(_ASKS_EXCLUSIONS.search(question))
        asks_list = asks_for_list(question)
        asked = {t for t in tokenize(question) if len(t) > 3}

        def nudge(unit: Unit) -> float:
            where = f"{unit.chunk.section} {unit.context} {unit.lead_in}"
            in_named = self.weights.named if unit.chunk.file in named else 0.0
            own_names = others.get(unit.chunk.file)
            if own_names and set(tokenize(unit.text)) & own_names:
                in_named -= self.weights.named
            lists_exclusions = excluded and _LISTS_EXCLUSIONS.search(where)
            quiet = unit.kind == "sentence" and says_little(unit.text)
            # Only a list about what is asked: "what are the office hours" is not answered by the
            # building's rules because they are bullets.
            listed = asks_list and unit.kind in ("item", "row") and bool(set(tokenize(where)) & asked)
            return (
                in_named
                + (self.weights.excluded if lists_exclusions else 0.0)
                - (self.weights.boilerplate if quiet else 0.0)
                + (self.weights.listed if listed else 0.0)
            )

        boosted = [dataclasses.replace(s, score=s.score + nudge(s.unit)) for s in ranked]
        return sorted(boosted, key=lambda s: -s.score)

    def _extract(
        self,
        question: str,
        ranked: list[ScoredUnit],
        sources: Sequence[ScoredChunk],
        terms: TermStatistics | None,
        neighbours: Neighbours | None,
    ) -> Extract:
        quotes = select_quotes(
            ranked, neighbours, word_budget=self.word_budget, margin=self.margin, max_pages=self.max_pages
        )
        asked = asked_figure(question)
        if asked is None:
            return Extract(quotes, ranked[0], ranked)
        # "How many Catalyst holidays": the employer is named by the document, not by the unit's text.
        names = document_names(sources)
        qualifier = without_names(asked.qualifier, names)
        if asked.kind != "count" and terms is not None:
            # An amount is of the question's rarest terms: "out of pocket max" is not answered by
            # "preventive care is covered at 100%" on the same page. (Without the index's statistics
            # no term is rarer than another.)
            weights = question_term_weights(question, terms)
            # "per year", "per night" say what the amount is counted by, not what it is of.
            not_topic = _FIGURE_WORDS | set(tokenize(" ".join(_PER_UNIT.findall(question))))
            topic = [t for t in weights if t not in names and t not in not_topic and len(t) > 1]
            topic = [t for t in topic if t not in _COST_KINDS] or topic
            rarest = sorted(topic, key=lambda t: -weights[t])[:TOPIC_TERMS]
            # A word far commoner than the rarest ("care" beside "hospice") qualifies nothing: "primary
            # care" copays are no hospice copay.
            qualifier = " ".join(t for t in rarest if weights[t] >= TOPIC_SHARE * weights[rarest[0]])
        asked = dataclasses.replace(asked, qualifier=qualifier)
        return self._with_figure(asked, quotes, ranked, terms, neighbours)

    def _with_figure(
        self,
        asked: AskedFigure,
        quotes: list[Quote],
        ranked: list[ScoredUnit],
        terms: TermStatistics | None,
        neighbours: Neighbours | None,
    ) -> Extract:
        """The extract for a question that asks for a figure: the quotes when they state it, else the
        quotes and a unit within the margin that states it, else the quotes and the figure unstated."""

        def states(text: str, where: str) -> bool:
            # Of the thing asked about, too: a number of days under a heading about working from home
            # answers "how many work-from-home days"; a number of days of maternity leave does not.
            if not asked.stated_in(text):
                return False
            if not asked.qualifier:
                return True
            # A count's qualifier is one phrase ("work-from-home"); an amount's, terms either of which
            # will do.
            phrases = [asked.qualifier] if asked.kind == "count" else asked.qualifier.split()
            return mentions(f"{where} {text}", phrases, terms)

        # An amount is first read with its own line, table header or list lead-in: "preventive care is
        # covered at 100%" under "Tips for reaching the out-of-pocket maximum" states no maximum, and a
        # unit that states the maximum itself joins the quotes. Only when none does is the section read
        # too ("Up to INR 9,000 per night" under "3. Hotels" states the hotel allowance).
        unit_of = {s.unit.rendered(): s.unit for s in ranked}
        floor = ranked[0].score - self.margin

        def where(unit: Unit | None, section: str, with_section: bool) -> str:
            own = f"{unit.context} {unit.lead_in}" if unit else ""
            return f"{own} {section}" if with_section else own

        def gives(quote: Quote, with_section: bool) -> bool:
            return any(states(ln, where(unit_of.get(ln), quote.section, with_section)) for ln in quote.lines)

        passes = [False, True] if asked.kind != "count" else [True]
        for with_section in passes:
            stated = next((i for i, q in enumerate(quotes) if gives(q, with_section)), None)
            if stated is not None:
                # The quote that gives the figure asked for leads: "covered at 80%" before the
                # paragraph about support groups that scored a little better.
                return Extract(_first(quotes, stated), ranked[0], ranked)
            # A unit that states it and scores within the margin joins the quotes (the budget chose
            # shorter units over it).
            stating = next(
                (
                    s
                    for s in ranked
                    if s.score >= floor
                    and states(
                        f"{s.unit.context} {s.unit.text}", where(s.unit, s.unit.chunk.section, with_section)
                    )
                ),
                None,
            )
            if stating is not None:
                quoted = {line for q in quotes for line in q.lines}
                block = [
                    u for u in _block(stating, ranked) if u is stating.unit or u.rendered() not in quoted
                ]
                return Extract(_first([*quotes, _quote(block, neighbours)], len(quotes)), ranked[0], ranked)
        # The passages are on the topic but don't give the figure.
        return Extract(quotes, ranked[0], ranked, unstated=asked)


def _first(quotes: list[Quote], index: int) -> list[Quote]:
    """``quotes`` with the one at ``index`` moved to the front when it is from the document the answer
    opens with; a figure found in another document (another plan's deadline) stays after the quotes."""
    if quotes[index].file != quotes[0].file:
        return quotes
    return [quotes[index], *quotes[:index], *quotes[index + 1 :]]


def section_continuation(chunk: Chunk, neighbours: Neighbours) -> list[Chunk]:
    """The passages of ``chunk``'s section on the pages before and after it: a section that runs across
    a page break ("Acupuncture", pp. 17-18) is retrieved by one page, and its figure may be on the other."""
    if not chunk.section:
        return []
    here = neighbours.page_chunks(chunk.file, chunk.page)
    before = neighbours.page_chunks(chunk.file, chunk.page - 1) if chunk.page > 1 else []
    after = neighbours.page_chunks(chunk.file, chunk.page + 1)
    # Only where the section runs on across the break: the last passage before it and the first after
    # it, when both sides of the break are in the section.
    joined = []
    if here and before and here[0].section == chunk.section and before[-1].section == chunk.section:
        joined.append(before[-1])
    if here and after and here[-1].section == chunk.section and after[0].section == chunk.section:
        joined.append(after[0])
    return joined


def _block(best: ScoredUnit, ranked: Sequence[ScoredUnit]) -> list[Unit]:
    """The best unit with what belongs to it: its whole table or list, or the sentence that follows."""
    unit = best.unit
    same_chunk = sorted((s.unit for s in ranked if s.unit.chunk == unit.chunk), key=lambda u: u.index)
    if unit.kind == "row":
        rows = [u for u in same_chunk if u.kind == "row" and u.context == unit.context]
        return rows[:MAX_TABLE_ROWS] if unit in rows[:MAX_TABLE_ROWS] else [unit]
    if unit.kind == "item":
        items = [u for u in same_chunk if u.kind == "item" and u.context == unit.context]
        return items[:MAX_LIST_ITEMS] if unit in items[:MAX_LIST_ITEMS] else [unit]
    if introduced := _introduced_by(unit):
        return [unit, *introduced]
    # A sentence brings its neighbours in the same paragraph that score well enough: a fact often
    # spans two sentences ("covered at 80% … at a certified dialysis center").
    score_of = {s.unit: s.score for s in ranked}
    paragraph = [u for u in same_chunk if u.kind == "sentence" and u.paragraph == unit.paragraph]
    position = paragraph.index(unit) if unit in paragraph else 0
    block = [unit]
    for neighbour in paragraph[position + 1 : position + 1 + FOLLOWING_SENTENCES]:
        if score_of.get(neighbour, 0.0) < NEIGHBOUR_SHARE * best.score:
            break
        block.append(neighbour)
    # The sentence before gives context, unless it says nothing of the rules ("We understand that…").
    before = paragraph[position - 1] if position > 0 else None
    if (
        before is not None
        and score_of.get(before, 0.0) >= NEIGHBOUR_SHARE * best.score
        and not says_little(before.text)
    ):
        block.insert(0, before)
    # "…a list of things that are not covered. These include:" goes on with the list.
    return [*block, *_introduced_by(block[-1])]


def _introduced_by(unit: Unit) -> list[Unit]:
    """The rows or items a lead-in ("…depends on your years of service:") opens in its passage, whether
    or not they were among the units scored; none for a unit that is no lead-in."""
    if unit.kind != "sentence" or not unit.text.rstrip().endswith(":"):
        return []
    opened = [u for u in units_of(unit.chunk) if u.lead_in == unit.text and u.kind in ("row", "item")]
    return opened[:MAX_TABLE_ROWS]


def _quote(block: list[Unit], neighbours: Neighbours | None, shown: Collection[str] = ()) -> Quote:
    """``block`` as a quote, with what carries it on in the next passage (lines in ``shown``, quoted
    already, are not repeated)."""
    chunk = block[0].chunk
    lines = []
    lead = block[0].lead_in if block[0].kind in ("row", "item") else ""
    if lead:
        lines.append(lead)
    lines.extend(u.rendered() for u in block)
    last = block[-1]
    # What ends its passage may go on in the next one, on the same page or the next.
    ends_passage = last.index == len(units_of(chunk)) - 1
    nxt = neighbours.next_chunk(chunk) if neighbours is not None and ends_passage else None
    if nxt is None or nxt.page - chunk.page not in (0, 1):
        return Quote(chunk.file, chunk.page, chunk.title, chunk.section, tuple(lines))
    next_page = nxt.page if nxt.page != chunk.page else None
    continued_on = None
    if last.kind == "sentence" and not last.text.rstrip().endswith(_ENDS_SENTENCE):
        # The sentence runs across the page break: quote its end from the next page, cite both pages.
        first = next(iter(units_of(nxt)), None)
        if next_page is not None and first is not None:
            lines[-1] = f"{lines[-1]} {first.text}"
            continued_on = next_page
    elif last.text.rstrip().endswith(":"):
        # "…through one of the following methods: By mail:" ends its passage; what it introduces (the
        # address, the list) starts the next one, and a quote that stops at the colon tells nothing.
        lines.extend(_introduced(chunk, nxt))
        continued_on = next_page
    elif last.kind == "item" and (
        following := [ln for ln in _list_goes_on(last, nxt) if ln not in lines and ln not in shown]
    ):
        # A list that ends its passage may go on in the next: "6. Excellence…" here, "7.
        # Accountability…" on the next page; "• Food and supplements" after the page break.
        lines.extend(following)
        continued_on = next_page
    return Quote(chunk.file, chunk.page, chunk.title, chunk.section, tuple(lines), continued_on)


_ITEM_NUMBER = re.compile(r"(?:^|\s)(\d{1,2})[.)]\s+\S")


def _list_goes_on(last: Unit, nxt: Chunk) -> list[str]:
    """The items that open ``nxt`` and carry on the list ``last`` ends: the numbering it ends with, or,
    for a bulleted list a lead-in opened, the items the next page opens with in the same section."""
    numbers = _ITEM_NUMBER.findall(last.text)
    if not numbers:
        # Only a list a lead-in opened ("These include:"), and only across a page break: bullets
        # under a heading may be one rule each, and on one page the next passage is another list or
        # the overlap the splitter repeats.
        if not last.lead_in or nxt.page != last.chunk.page + 1 or nxt.section != last.chunk.section:
            return []
        opening = itertools.takewhile(lambda u: u.kind == "item" and not u.lead_in, units_of(nxt))
        return [u.rendered() for u in opening][:MAX_LIST_ITEMS]
    expected = int(numbers[-1]) + 1
    items = []
    for unit in units_of(nxt)[:MAX_LIST_ITEMS]:
        first = _ITEM_NUMBER.match(unit.text)
        if unit.kind != "item" or first is None or int(first.group(1)) != expected:
            break
        items.append(unit.rendered())
        expected = int(_ITEM_NUMBER.findall(unit.text)[-1]) + 1
    return items


def _introduced(chunk: Chunk, nxt: Chunk) -> list[str]:
    """The lines at the start of ``nxt`` that complete a lead-in ending ``chunk``: the headings that
    begin ``nxt`` (short lines after a colon read as headings: "Attn: Appeals Department"), then its
    units: the list or table it introduces, or text up to the first full sentence."""
    here = [p.strip() for p in chunk.section.split(">")]
    there = [p.strip() for p in nxt.section.split(">")]
    shared = 0
    while shared < min(len(here), len(there)) and here[shared] == there[shared]:
        shared += 1
    lines = [p for p in there[shared:] if p]
    listed = False
    for unit in [u for u in units_of(nxt) if u.text not in chunk.text][:MAX_LIST_ITEMS]:
        # (units the splitter carried over from ``chunk`` are skipped: ``nxt`` may repeat the lead-in)
        if unit.kind in ("row", "item", "header"):
            listed = True
        elif listed:
            break  # the list is over
        # Bullets go as in any quote; rows stay verbatim, since an address is no "label: value" row.
        lines.append(unit.rendered() if unit.kind == "item" else unit.text)
        if unit.kind == "sentence" and unit.text.rstrip().endswith((".", "!", "?")):
            break
    return lines


def select_quotes(
    ranked: Sequence[ScoredUnit],
    neighbours: Neighbours | None = None,
    *,
    word_budget: int = QUOTE_WORD_BUDGET,
    margin: float = QUOTE_MARGIN,
    max_pages: int = MAX_QUOTED_PAGES,
) -> list[Quote]:
    """The best units, best first, until ``word_budget`` words are quoted, as one quote per passage.

    The best unit (and any table row) brings its block (its table, list or the sentences that belong
    with it); the next units join while they score within ``margin`` of the best and come from at most
    ``max_pages`` pages. A fact is often one sentence away from the best match, in the same section, so
    single units cover more facts per word than whole blocks. Each passage's units are quoted in
    reading order.
    """
    best = ranked[0]

    def whole_block(candidate: ScoredUnit) -> bool:
        # A lone row reads as a bare figure, and a lone lead-in ("These include:") says nothing.
        unit = candidate.unit
        return candidate is best or unit.kind == "row" or unit.text.rstrip().endswith(":")

    chosen: list[Unit] = []
    # The same sentence is quoted once: repeated on two pages, or in two overlapping passages of one page,
    # where it may stand alone in one and inside a longer list item in the other.
    texts: list[str] = []
    pages: list[tuple[str, int]] = []
    words = 0
    for candidate in ranked:
        if candidate.score < best.score - margin or words >= word_budget:
            break
        fresh = [
            u
            for u in (_block(candidate, ranked) if whole_block(candidate) else [candidate.unit])
            if not any(u.text in seen or seen in u.text for seen in texts)
        ]
        page = (candidate.unit.chunk.file, candidate.unit.chunk.page)
        if not fresh or (page not in pages and len(pages) >= max_pages):
            continue
        if page not in pages:
            pages.append(page)
        for unit in fresh:
            texts.append(unit.text)
            chosen.append(unit)
            words += len(unit.text.split())
    by_part: dict[tuple[str, str], list[Unit]] = {}
    for unit in chosen:  # passages (and their tables) in the order their first unit was chosen
        by_part.setdefault((unit.chunk.chunk_id, _table_of(unit)), []).append(unit)
    quotes: list[Quote] = []
    shown: set[str] = set()
    for units in by_part.values():
        # A quote may already show a unit: the list a lead-in at the end of its passage introduces is
        # quoted with it, and the next passage of its section may have been chosen too.
        fresh = [u for u in sorted(units, key=lambda u: u.index) if u.rendered() not in shown]
        if fresh:
            quotes.append(_quote(fresh, neighbours, shown))
            shown.update(quotes[-1].lines)
    return quotes


def _table_of(unit: Unit) -> str:
    """Which table or list of its passage ``unit`` belongs to ("" for running text). Each is quoted on
    its own, under its own lead-in: rows of a second table merged into the first would read as more of
    the first's figures. A lead-in sentence ("…limits per night:") goes with what it introduces."""
    if unit.kind in ("row", "item", "header"):
        return f"lead:{unit.lead_in}" if unit.lead_in else f"header:{unit.context}"
    return f"lead:{unit.text}" if unit.text.rstrip().endswith(":") else ""


def compose(quotes: Sequence[Quote]) -> str:
    """The answer as people read it: where each quote comes from, the quote, its citation."""
    parts = []
    for quote in quotes:
        where = f"**{quote.title}**" + (f", {quote.section}" if quote.section else "")
        markers = " ".join(c.marker for c in quote.citations)
        # Two trailing spaces make each line a hard break in Markdown: table rows stay rows on the page.
        body = "  \n".join(f"> {line}" for line in quote.lines)
        parts.append(f"{where} {markers}:\n{body}")
    return "\n\n".join(parts)


def passage_texts(sources: Sequence[ScoredChunk], quotes: Sequence[Quote]) -> list[str]:
    """Everything the answer may draw figures from: passages, their titles and sections, the quotes."""
    texts = [f"{s.chunk.title} {s.chunk.section} {s.chunk.text}" for s in sources]
    texts.extend(f"{q.title} {q.section} " + " ".join(q.lines) for q in quotes)
    return texts

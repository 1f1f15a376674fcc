"""Pure citation handling: find what the model cited, keep only what was retrieved, add what is missing.

A citation is valid only if it names a file and page that were among the passages sent to the model,
so every marker the user sees points at a page that was really in front of the model. Small models
mangle the marker (``[file.pdf, page 2]``, ``[file.pdf p.2]``, ``[file.pdf#page=N]``): anything in square
brackets that mentions a ``.pdf`` is treated as an attempted citation and either rewritten to the
canonical ``[file.pdf#page=N]`` or removed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from backend.rag.answer.prompt import REFUSAL, citation_marker
from backend.rag.types import ScoredChunk

MAX_APPENDED_CITATIONS = 2
# A page is credited when it shares at least this share of the best page's overlap with the answer.
ATTRIBUTION_RATIO = 0.6

_BRACKETED = re.compile(r"\[([^\[\]\n]{1,300})\]")
_REFERENCE = re.compile(
    r"(?P<file>[^\[\],;#/\\]+?\.pdf)"
    r"(?:\s*(?:#\s*page\s*=?\s*|,?\s*\(?(?:page|pg\.?|p\.?)\s*)(?P<page>\d+))?",
    re.IGNORECASE,
)
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?])")
_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \t]{2,}")
_WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "may",
        "must",
        "no",
        "not",
        "of",
        "on",
        "or",
        "per",
        "the",
        "their",
        "there",
        "this",
        "to",
        "up",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "yes",
        "each",
        "any",
    }
)
# Passage delimiters the model copied into its answer (small models echo their context).
_ECHOED_TAG = re.compile(r"</?\s*passages?\b[^>\n]*>", re.IGNORECASE)
# A unit of 2-80 characters repeated at least four times in a row at the end of the text.
_RUNAWAY = re.compile(r"(.{2,80}?)(?:\s*\1){3,}\s*$", re.DOTALL)
RUNAWAY_WINDOW = 400
_REFUSAL_START = re.compile(r"^\W*i\s+(?:don'?t|do\s+not)\s+know\b", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Citation:
    file: str
    page: int

    @property
    def marker(self) -> str:
        return citation_marker(self.file, self.page)


@dataclass(frozen=True)
class CitationCheck:
    """The answer text with citations canonicalised, and which citations it now contains."""

    text: str
    citations: list[Citation]
    dropped: list[str]  # the bracketed texts that were removed because nothing retrieved matched


def _pages_in_rank_order(sources: Sequence[ScoredChunk]) -> list[Citation]:
    return list(dict.fromkeys(Citation(s.chunk.file, s.chunk.page) for s in sources))


def _resolve(file_text: str, page: int | None, pages: list[Citation]) -> Citation | None:
    """Match a cited file (any case, words before the name allowed) and page to a retrieved page."""
    cited = " ".join(file_text.split()).lower()
    for candidate in pages:
        name = candidate.file.lower()
        named = cited == name or cited.endswith((f" {name}", f"'{name}", f'"{name}', f"({name}"))
        if named and (page is None or page == candidate.page):
            return candidate  # a page-less reference gets the best-ranked page of that file
    return None


def check_citations(text: str, sources: Sequence[ScoredChunk]) -> CitationCheck:
    """Rewrite valid citations to ``[file.pdf#page=N]`` and delete the ones no retrieved page supports."""
    pages = _pages_in_rank_order(sources)
    found: list[Citation] = []
    dropped: list[str] = []

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        if ".pdf" not in inner.lower():
            return match.group(0)  # an ordinary bracket, not an attempted citation
        resolved: list[Citation] = []
        for ref in _REFERENCE.finditer(inner):
            page = int(ref.group("page")) if ref.group("page") else None
            citation = _resolve(ref.group("file"), page, pages)
            if citation is not None and citation not in resolved:
                resolved.append(citation)
        if not resolved:
            dropped.append(match.group(0))
            return ""
        found.extend(resolved)
        return " ".join(c.marker for c in resolved)

    rewritten = _BRACKETED.sub(replace, text)
    if dropped:
        rewritten = _DOUBLE_SPACE.sub(" ", _SPACE_BEFORE_PUNCT.sub(r"\1", rewritten))
    return CitationCheck(rewritten.strip(), list(dict.fromkeys(found)), dropped)


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and (len(w) > 2 or w.isdigit())}


def attribute_sources(
    answer: str, sources: Sequence[ScoredChunk], limit: int = MAX_APPENDED_CITATIONS
) -> list[Citation]:
    """The retrieved pages an uncited answer most plausibly came from, deterministically.

    Each page scores the number of the answer's content words (numbers included: "18 days") that occur
    in its passages; pages within ``ATTRIBUTION_RATIO`` of the best score are credited in rank order.
    With no overlap at all the best-ranked page is credited, since it is what the model mainly saw.
    """
    pages = _pages_in_rank_order(sources)
    if not pages:
        return []
    page_words: dict[Citation, set[str]] = {}
    for scored in sources:
        key = Citation(scored.chunk.file, scored.chunk.page)
        page_words.setdefault(key, set()).update(_content_words(scored.chunk.text))
    answer_words = _content_words(answer)
    overlap = {page: len(answer_words & page_words[page]) for page in pages}
    best = max(overlap.values())
    if best == 0:
        return pages[:1]
    return [page for page in pages if overlap[page] >= best * ATTRIBUTION_RATIO][:limit]


def sources_line(citations: Sequence[Citation]) -> str:
    return "Sources: " + " ".join(c.marker for c in citations)


def is_refusal(text: str) -> bool:
    """Whether the model said it cannot answer from the passages (the refusal sentence or close to it)."""
    stripped = text.strip()
    return stripped.startswith(REFUSAL[:-1]) or bool(_REFUSAL_START.match(stripped))


@dataclass(frozen=True)
class FinalText:
    text: str
    citations: list[Citation]
    refused: bool
    appended: bool  # True when the citations were added by ``attribute_sources``, not written by the model


def runaway_repetition(text: str) -> int | None:
    """Where a degenerate loop ("1. 1. 1. 1. …") starts at the end of ``text``, or None.

    Returns the index just after the loop's first occurrence, so one copy of the unit is kept. Only the
    last ``RUNAWAY_WINDOW`` characters are examined, so checking a growing stream stays cheap.
    """
    offset = max(0, len(text) - RUNAWAY_WINDOW)
    match = _RUNAWAY.search(text, offset)
    if match is None or not match.group(1).strip():
        return None
    return match.start() + len(match.group(1))


def strip_echoed_tags(text: str) -> str:
    return _ECHOED_TAG.sub("", text)


def finalize_answer(raw: str, sources: Sequence[ScoredChunk]) -> FinalText:
    """The text the user sees: the exact refusal, or the answer with valid citations (appended if none).

    Echoed passage tags and a trailing repetition loop are removed first: both are artefacts of small
    local models, never content.
    """
    cut = runaway_repetition(raw)
    cleaned = strip_echoed_tags(raw if cut is None else raw[:cut]).strip()
    if not cleaned or is_refusal(cleaned):
        return FinalText(REFUSAL, [], refused=True, appended=False)
    checked = check_citations(cleaned, sources)
    if checked.citations:
        return FinalText(checked.text, checked.citations, refused=False, appended=False)
    credited = attribute_sources(checked.text, sources)
    if not credited:
        return FinalText(checked.text, [], refused=False, appended=False)
    return FinalText(f"{checked.text}\n\n{sources_line(credited)}", credited, refused=False, appended=True)

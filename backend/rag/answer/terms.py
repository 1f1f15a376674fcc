"""The question's words, weighed by rarity, and whether a text mentions them.

The unit scorer (``extractive``), the item rule (``asked_item``) and the check that a figure is of the
thing asked (``Extractor._with_figure``) weigh a question's words by their rarity in the local index, so
"hotel" counts more than "policy", and read a misspelling the way the index does ("acupunture" as
"acupuncture").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from typing import Literal, Protocol

from backend.rag.index.bm25 import tokenize

# A phrase is mentioned when more than this share of its rarity-weighted terms are.
MIN_MENTIONED_SHARE = 0.5
# A term counts as mentioned in its own spelling, its plural, an inflection ("skiing"), or as the
# prefix, this many letters or more, of a word in the text ("chemo" in "chemotherapy"), also once its
# ending is cut ("trainer" in "training"). Not the other way round: people clip words, policies write
# them out, and a shorter word in the text is usually another word ("birth" does not mention
# "birthday").
_MIN_PREFIX = 5
# A short word is mentioned by its own inflections too (plurals are folded by the tokenizer already).
_ENDINGS = ("ing", "ed")
# In a unit's coverage a word this long or longer counts by its inflections ("swim" by "swimming").
_MIN_INFLECTED = 4
_SUFFIX = re.compile(r"(?:ers?|ed|ing)$")
# Terms of a phrase are near when they fall within its length plus this many words, in one sentence.
NEAR_SLACK = 2
_SENTENCE_BREAK = re.compile(r"[.!?;:\n]+")


class TermStatistics(Protocol):
    """What the local index knows about words: rarity and the spelling it uses."""

    def idf(self, term: str) -> float | None: ...

    def query_terms(self, text: str) -> list[str]: ...


def question_term_weights(question: str, terms: TermStatistics | None) -> dict[str, float]:
    """The question's terms with their IDF (unknown words weigh as much as the rarest indexed one)."""
    words = terms.query_terms(question) if terms else list(dict.fromkeys(tokenize(question)))
    if terms is None:
        return dict.fromkeys(words, 1.0)
    known = [w for w in (terms.idf(t) for t in words) if w is not None]
    rarest = max(known, default=1.0)
    return {t: (terms.idf(t) or rarest) for t in words}


def term_coverage(weights: dict[str, float], text: str, terms: TermStatistics | None) -> float:
    """Share (0..1) of the question's IDF weight whose terms occur in ``text``."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    present = set(terms.query_terms(text)) if terms else set(tokenize(text))
    # "report" is covered by "reporting"; a word of three letters only by itself ("car" not by "caring").
    covered = (t for t in weights if t in present or (len(t) >= _MIN_INFLECTED and _inflected(t, present)))
    return sum(weights[t] for t in covered) / total


def missing_rare_terms(question: str, terms: TermStatistics | None, text: str) -> list[str]:
    """Question terms the whole index has never seen (after spelling correction) and ``text`` lacks."""
    if terms is None:
        return []
    present = set(terms.query_terms(text))
    return [t for t in terms.query_terms(question) if terms.idf(t) is None and t not in present]


def _inflected(term: str, present: Collection[str]) -> bool:
    """Whether ``present`` has an inflection of ``term``: "ski" in "skiing", "swim" in "swimming",
    "report" in "reporting" (not "care" in "career")."""
    return any(f"{stem}{ending}" in present for stem in (term, term + term[-1:]) for ending in _ENDINGS)


def mentioned_in(term: str, present: Collection[str]) -> bool:
    """Whether ``term`` is among ``present``, or an inflection or a prefix of one (``_MIN_PREFIX``)."""
    if term in present:
        return True
    if len(term) < _MIN_PREFIX:  # a short word, too short to match by prefix, by its inflections only
        return _inflected(term, present)
    stem = _stem(term)
    return any(len(p) >= _MIN_PREFIX and p.startswith(stem) for p in present)


@functools.lru_cache(maxsize=4096)  # ``_near`` asks once per term and word of a sentence
def _stem(term: str) -> str:
    """ "trainer" (or "trained") is mentioned by "training": the term without its ending, when that is
    still a prefix of five letters or more; else the term itself."""
    stem = _SUFFIX.sub("", term)
    return stem if len(stem) >= _MIN_PREFIX else term


def mentions(
    text: str,
    phrases: Iterable[str],
    terms: TermStatistics | None = None,
    *,
    together: Literal["", "near", "sentence"] = "",
) -> bool:
    """Whether ``text`` mentions one of ``phrases``: more than half of its rarity-weighted terms.

    ``terms`` supplies the local index's spelling correction and rarity; without it every term weighs
    the same. With ``together``, a phrase of several terms is mentioned only by at least two of them
    within a few words of each other (``"near"``) or in one sentence (``"sentence"``): "hair loss
    treatment" is not mentioned by "facial hair removal" and "weight loss" on one page, nor "travel
    vaccines" by "vaccines" alone.
    """
    present = set(terms.query_terms(text) if terms else tokenize(text))
    ordered: list[list[str]] | None = None
    for phrase in phrases:
        weights = question_term_weights(phrase, terms)
        total = sum(weights.values())
        mentioned = sum(w for t, w in weights.items() if mentioned_in(t, present))
        if total <= 0 or mentioned / total <= MIN_MENTIONED_SHARE:
            continue
        if not together or len(weights) < 2:
            return True
        if ordered is None:  # each sentence's terms in order: a phrase does not run across sentences
            ordered = [tokenize(sentence) for sentence in _SENTENCE_BREAK.split(text)]
        window = len(weights) + NEAR_SLACK if together == "near" else None
        if any(_near(weights, sentence, window) for sentence in ordered):
            return True
    return False


def _near(weights: dict[str, float], ordered: list[str], window: int | None) -> bool:
    """Whether two or more of the weighted terms, more than half the weight, fall in one window of
    ``window`` words of ``ordered`` (None: anywhere in it)."""
    total = sum(weights.values())
    hits = [{t for t in weights if mentioned_in(t, {token})} for token in ordered]
    if window is None:  # the whole sentence, read once (a sentence of a PDF can be very long)
        seen = set().union(*hits)
        return len(seen) >= 2 and sum(weights[t] for t in seen) / total > MIN_MENTIONED_SHARE
    for start, found in enumerate(hits):
        if not found:
            continue
        seen = set().union(*hits[start : start + window])
        if len(seen) >= 2 and sum(weights[t] for t in seen) / total > MIN_MENTIONED_SHARE:
            return True
    return False

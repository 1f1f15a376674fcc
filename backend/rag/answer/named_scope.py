"""A question about a named document that uses none of that document's words.

"deadline to submit perksplus receipts" names PerksPlus, and none of "deadline", "submit" or "receipts"
appears anywhere in the PerksPlus document. Whatever its passages say about reimbursement, they cannot
answer the question, yet they match its one distinctive word (the name) so well that the relevance
gate lets them through. The whole named document is read, not only the retrieved passages, so a word
on a page that was not retrieved still counts as the document's. A word counts as the document's in
its own spelling, its plural, an inflection or a shared prefix (``terms.mentioned_in``): "encashed" is
the document's when it writes "encashment".

The rule asks for no word at all, not for most words: one word of the question in the document leaves
the judgement to the gate and to the item and figure rules. Words that ask for the document itself
("tell me about PerksPlus", "PerksPlus details") ask nothing it must contain, and do not count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from backend.rag.answer.asked_item import MAX_ITEM_WORDS, AskedItem
from backend.rag.answer.named_documents import document_names, naming_words
from backend.rag.answer.terms import TermStatistics, mentioned_in
from backend.rag.index.bm25 import tokenize
from backend.rag.types import ScoredChunk

_WORD = re.compile(r"[\w'-]{1,40}")
# Words that ask about the document as a whole, not about something in it.
_ABOUT_IT = frozenset(
    tokenize(
        "tell explain describe describing summary summarise summarize overview detail details info "
        "information about brief briefly know learn more please give list"
    )
)
# Words that ask for a figure and the period it is counted over ("how much is the PerksPlus
# reimbursement per year"): the amount rule judges those, and a document that states "up to $1000"
# answers the question without ever writing "much", "per" or "year".
_ASK_FOR_A_FIGURE = frozenset(
    tokenize("how much many per year yearly annual annually month monthly week weekly amount total")
)


class DocumentTerms(TermStatistics, Protocol):
    """The local index's term statistics, and the terms of each document (``retrieve.corpus.Corpus``)."""

    def document_terms(self, file: str) -> frozenset[str]: ...


def outside_named(question: str, sources: Sequence[ScoredChunk], corpus: DocumentTerms) -> AskedItem | None:
    """What ``question`` asks, as its own words, when it names a retrieved document and none of its
    other words is in that document's text; None otherwise."""
    named = naming_words(question, sources)
    if not named:
        return None
    # The words that name a document, however the question writes them ("physics wallah").
    names = document_names(sources) | set(corpus.query_terms(" ".join(named.values())))
    asked = [
        t
        for t in corpus.query_terms(question)
        if t not in names and t not in _ABOUT_IT and t not in _ASK_FOR_A_FIGURE
    ]
    vocabulary = frozenset().union(*(corpus.document_terms(f) for f in named))
    if not asked or any(mentioned_in(t, vocabulary) for t in asked):
        return None
    # The refusal echoes the question's own words, not the index's spelling.
    outside = set(asked)
    words = [w for w in _WORD.findall(question) if set(corpus.query_terms(w)) & outside]
    words = list(dict.fromkeys(words))[:MAX_ITEM_WORDS]
    if not words:
        return None
    phrase = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
    return AskedItem(phrase, tuple(words), "topic")

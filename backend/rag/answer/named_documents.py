"""Which of the retrieved documents a question names: "at Catalyst", "on Health Plus", "physics wallah".

A document is named by a word of its file name or title that no other retrieved document's name
shares ("catalyst", "standard", "perksplus"); words that say what kind of document it is ("HR",
"policy", "handbook") name none, even when only one title has them: "the HR policy on wedding leave"
names no employer. Two adjacent question words also match one name word ("physics wallah" names
``physicswallah_leave_policy.pdf``). Initials ("PW") are spelled out before this runs
(``retrieve.initialisms``); a name no retrieved document has names nothing, and the rules then fall back
to every retrieved passage, never to none.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Collection, Sequence

from backend.rag.index.bm25 import tokenize
from backend.rag.retrieve.initialisms import join_names
from backend.rag.retrieve.owners import name_terms
from backend.rag.types import ScoredChunk


def names_by_file(sources: Sequence[ScoredChunk]) -> dict[str, set[str]]:
    """Each retrieved file's name words, once per file however many of its passages were retrieved."""
    names: dict[str, set[str]] = {}
    for source in sources:
        if source.chunk.file not in names:
            names[source.chunk.file] = name_terms(source.chunk.file, source.chunk.title)
    return names


def document_names(sources: Sequence[ScoredChunk]) -> set[str]:
    """Every name word of the retrieved files ("catalyst", "physicswallah")."""
    return set().union(*names_by_file(sources).values())


def named_files(question: str, sources: Sequence[ScoredChunk]) -> set[str]:
    """The files among ``sources`` whose distinctive name words the question uses."""
    return set(naming_words(question, sources))


def distinctive_names(sources: Sequence[ScoredChunk]) -> dict[str, set[str]]:
    """Each retrieved file's name words that no other retrieved file's name shares ("plus", not
    "northwind", when both Northwind plans were retrieved)."""
    names = names_by_file(sources)
    shared = Counter(term for terms in names.values() for term in terms)
    return {file: {t for t in terms if shared[t] == 1} for file, terms in names.items()}


def naming_words(question: str, sources: Sequence[ScoredChunk]) -> dict[str, str]:
    """For each retrieved file the question names, the question's words that name it ("physics wallah",
    "catalyst"): a unit of that file is in the named document whether or not its own sentence repeats
    the name. Only words no other retrieved file's name shares count."""
    words = re.findall(r"\w+", question)
    naming: dict[str, str] = {}
    for file, terms in distinctive_names(sources).items():
        found = [w for w in words if set(tokenize(w)) & terms]
        found += [f"{a} {b}" for a, b in itertools.pairwise(words) if set(tokenize(a + b)) & terms]
        if found:
            naming[file] = " ".join(found)
    return naming


def without_names(phrase: str, names: Collection[str]) -> str:
    """``phrase`` without the words that name a document ("catalyst holidays" → "holidays")."""
    words = join_names(phrase, names).split()
    return " ".join(w for w in words if not set(tokenize(w)) & set(names))

"""Whose documents they are: the name words that tell one owner's policies from another's.

An index may hold several employers' policies (Contoso's six benefit documents, Catalyst's and Physics
Wallah's leave policies). A question that names one ("sabbatical policy contoso") is answered from that
owner's documents only: another employer's sabbatical rules are no answer. Owners are read from the
files' names and titles, not listed by hand.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePath

from backend.rag.index.bm25 import tokenize

# What a document is, not whose: never a name (stemmed as ``tokenize`` stems them).
_KIND_OF_DOCUMENT = frozenset(
    tokenize(
        "hr policy policies plan benefit details employee program handbook guide leave document manual "
        "rules company description options packages library"
    )
)


def name_terms(file: str, title: str) -> set[str]:
    """The words of a document's file name (without extension, split at ``_ - .``) and title."""
    return set(tokenize(f"{re.sub(r'[_.-]+', ' ', PurePath(file).stem)} {title}")) - _KIND_OF_DOCUMENT


def owner_groups(
    documents: Mapping[str, str], texts: Iterable[tuple[str, str]] = ()
) -> dict[str, frozenset[str]]:
    """The name words that say whose documents they are, each with the files it names: "contoso" and
    "electronics" name Contoso's six documents, "catalyst" and "physicswallah" one each.

    ``documents`` maps every indexed file to its title; ``texts`` gives (file, text) of its passages. An
    owner's name word names more documents than any other name word among them ("northwind" names
    only two of Contoso's, so it is no owner), not every document (in one employer's policies no
    question names another employer), and no other document's text uses it: "remote" in
    ``remote_work.pdf`` or "2025" in ``benefits_2025.pdf`` are words of any policy, not a name.
    """
    names = {file: name_terms(file, title) for file, title in documents.items()}
    groups = {
        term: frozenset(f for f, terms in names.items() if term in terms)
        for terms in names.values()
        for term in terms
    }
    used_by: dict[str, set[str]] = {}
    for file, text in texts:
        for term in set(tokenize(text)) & groups.keys():
            used_by.setdefault(term, set()).add(file)
    everything = frozenset(documents)
    return {
        term: files
        for term, files in groups.items()
        if files != everything
        and not any(files < other for other in groups.values())
        and not used_by.get(term, set()) - files
    }


def owned_files(
    question: str, groups: Mapping[str, frozenset[str]], terms: Callable[[str], list[str]] = tokenize
) -> frozenset[str]:
    """The files of the owners ``question`` names ("sabbatical policy contoso" names Contoso's); empty
    when it names none. ``terms`` reads the question as the index does (its spelling correction reads
    "catalist" as "catalyst"); two adjacent words also name a one-word name ("physics wallah")."""
    asked = asked_terms(question, terms)
    return frozenset().union(*(groups[t] for t in asked if t in groups))


def asked_terms(question: str, terms: Callable[[str], list[str]] = tokenize) -> set[str]:
    """The question's terms, and each pair of adjacent words as one ("physics wallah" → "physicswallah"),
    so a name the file writes as one word is found however the question spells it."""
    raw = re.findall(r"\w+", question.lower())
    return set(terms(question)) | {t for a, b in itertools.pairwise(raw) for t in tokenize(a + b)}

"""Abbreviations the documents define themselves: "Earned Leave (EL)", "Casual Leave (CL)".

Staff ask "What is the maximum EL I can accumulate at PW?". Keyword search finds "EL", but the
embedding model reads two capital letters as nothing, so the best passage scored 0.24 and the question
was refused, although the policy answers it. A policy that writes "Earned Leave (EL)" says what its
abbreviation means, so the question is searched as "Earned Leave (EL)", the way the policy writes it:
the abbreviation stays (keyword search still matches it) and the meaning is added before it.

Only a definition whose words' initials spell the abbreviation counts ("Prior Authorization (PA)" does,
"Authorization (PA)" does not), and only one meaning per abbreviation: two documents that define it
differently leave it alone. Only a word written in capitals in a question that is not all capitals is
an abbreviation: "pet insurance" and "IS PET INSURANCE COVERED" are no PET scan. And only in a question
about the employer whose document defines it ("EL at Physics Wallah"): staff use the same letters for
other things ("put on a PIP" is no Personal Injury Protection, "see a PA" no Prior Authorization).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from backend.rag.types import Chunk

MAX_LETTERS = 6
MAX_MEANING_WORDS = 8
_SMALL = frozenset({"of", "and", "for", "the", "to", "in", "on", "&"})
MAX_WORD_CHARS = 40
# Up to MAX_MEANING_WORDS words, then the abbreviation in brackets: "Leave Without Pay (LWOP)". Words are
# bounded in length and start at a word boundary, so a long run of letters in a PDF's text (untrusted) is
# scanned once, not once per starting position: 20,000 letters took 6 s to scan when they were not.
_DEFINITION = re.compile(
    rf"(?<![A-Za-z&])((?:[A-Za-z&]{{1,{MAX_WORD_CHARS}}}[ \t]+){{0,{MAX_MEANING_WORDS - 1}}}"
    rf"[A-Za-z]{{1,{MAX_WORD_CHARS}}})[ \t]*\(([A-Z]{{2,{MAX_LETTERS}}})\)"
)
_CAPITALS = re.compile(rf"\b[A-Z]{{2,{MAX_LETTERS}}}\b")


def _meaning(words: list[str], abbreviation: str) -> str | None:
    """The shortest run of ``words``' last words whose initials spell ``abbreviation``, with or without
    its small words ("Health Insurance Portability and Accountability Act" is HIPAA); each of its other
    words is capitalised, as a name is."""
    for size in range(len(abbreviation), len(words) + 1):
        run = words[-size:]
        if run[0].lower() in _SMALL or not all(w[0].isupper() for w in run if w.lower() not in _SMALL):
            continue
        every = "".join(w[0] for w in run).upper()
        named = "".join(w[0] for w in run if w.lower() not in _SMALL).upper()
        if abbreviation in (every, named):
            return " ".join(run)
    return None


@dataclass(frozen=True)
class Definition:
    meaning: str  # "Earned Leave"
    files: frozenset[str]  # the documents that define it


def defined_abbreviations(chunks: Iterable[Chunk]) -> dict[str, Definition]:
    """Abbreviation → the meaning the documents give it ("EL" → "Earned Leave"), when they agree on one,
    and which documents define it."""
    found: defaultdict[str, dict[str, str]] = defaultdict(dict)
    files: defaultdict[str, set[str]] = defaultdict(set)
    for chunk in chunks:
        for match in _DEFINITION.finditer(chunk.text):
            meaning = _meaning(match.group(1).split(), match.group(2))
            if meaning is not None:  # "Leave Without Pay" and "Leave without Pay" are one meaning
                found[match.group(2)].setdefault(meaning.lower(), meaning)
                files[match.group(2)].add(chunk.file)
    return {
        abbreviation: Definition(next(iter(m.values())), frozenset(files[abbreviation]))
        for abbreviation, m in sorted(found.items())
        if len(m) == 1
    }


def write_out(text: str, abbreviations: Mapping[str, Definition], named_files: Collection[str]) -> str:
    """``text`` with each abbreviation that one of ``named_files`` (the documents of the employer the
    question names) defines written as it defines it: "my EL" → "my Earned Leave (EL)". One the text
    already explains ("Earned Leave (EL)") is left as it is, and so is a text in capitals only."""
    if not abbreviations or not named_files or not any(c.islower() for c in text):
        return text
    lowered = text.lower()

    def written(match: re.Match[str]) -> str:
        definition = abbreviations.get(match.group(0))
        if (
            definition is None
            or definition.meaning.lower() in lowered
            or definition.files.isdisjoint(named_files)
        ):
            return match.group(0)
        return f"{definition.meaning} ({match.group(0)})"

    return _CAPITALS.sub(written, text)

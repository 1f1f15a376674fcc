"""Abbreviations the documents define themselves: "Earned Leave (EL)", "Casual Leave (CL)".

Staff ask "What is the maximum EL I can accumulate at PW?". Keyword search finds "EL", but the
embedding model reads two capital letters as nothing, so the best passage scored 0.24 and the question
was refused, although the policy answers it. A policy that writes "Earned Leave (EL)" says what its
abbreviation means, so the question is searched as "Earned Leave (EL)", the way the policy writes it:
the abbreviation stays (keyword search still matches it) and the meaning is added before it.

Only a definition whose words' initials spell the abbreviation counts ("Prior Authorization (PA)" does,
"Authorization (PA)" does not), and only one meaning per abbreviation: two documents that define it
differently leave it alone. Only a word written in capitals in the question is an abbreviation: "pet
insurance" is not "Positron Emission Tomography insurance".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from backend.rag.types import Chunk

MAX_LETTERS = 6
MAX_MEANING_WORDS = 8
_SMALL = frozenset({"of", "and", "for", "the", "to", "in", "on", "&"})
# Up to MAX_MEANING_WORDS words, then the abbreviation in brackets: "Leave Without Pay (LWOP)".
_DEFINITION = re.compile(
    rf"((?:[A-Za-z&]+[ \t]+){{0,{MAX_MEANING_WORDS - 1}}}[A-Za-z]+)[ \t]*\(([A-Z]{{2,{MAX_LETTERS}}})\)"
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


def defined_abbreviations(chunks: Iterable[Chunk]) -> dict[str, str]:
    """Abbreviation → the meaning the documents give it ("EL" → "Earned Leave"), when they agree on one."""
    found: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for chunk in chunks:
        for match in _DEFINITION.finditer(chunk.text):
            meaning = _meaning(match.group(1).split(), match.group(2))
            if meaning is not None:  # "Leave Without Pay" and "Leave without Pay" are one meaning
                found[match.group(2)].setdefault(meaning.lower(), meaning)
    return {abbreviation: next(iter(m.values())) for abbreviation, m in sorted(found.items()) if len(m) == 1}


def write_out(text: str, abbreviations: Mapping[str, str]) -> str:
    """``text`` with each defined abbreviation written as the documents define it: "my EL" → "my Earned
    Leave (EL)". One the text already explains ("Earned Leave (EL)") is left as it is."""
    if not abbreviations:
        return text

    def written(match: re.Match[str]) -> str:
        meaning = abbreviations.get(match.group(0))
        if meaning is None or meaning.lower() in text.lower():
            return match.group(0)
        return f"{meaning} ({match.group(0)})"

    return _CAPITALS.sub(written, text)

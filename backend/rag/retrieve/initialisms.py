"""Initials people use for a document's owner: "PW" for Physics Wallah.

A file named ``physicswallah_leave_policy.pdf`` whose text says "Physics Wallah" is known by that name,
and staff write its initials ("paternity leave at PW"). The policy itself never says "PW", so neither
keyword nor embedding search can connect the two, and the answer comes from another employer's policy.
The initials are read from the documents, not listed by hand: a name word of the file (``physicswallah``)
that the text spells as two or three capitalised words gives those words' initials. Initials a document
writes itself (it then explains them), or that two names share, are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import PurePath

from backend.rag.index.bm25 import tokenize
from backend.rag.types import Chunk

_MIN_NAME_CHARS = 6  # a name word short enough to be one ordinary word ("plus") is never split
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+){1,2}\b")
_INITIALS = re.compile(r"\b[A-Za-z]{2,3}\b")
# Initials a document writes itself, as a word of capitals: "(PH)", "EL" (not "pw" in an email address).
_UPPER_WORD = re.compile(r"\b[A-Z]{2,3}\b")


def _name_words(file: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", PurePath(file).stem.lower()) if len(w) >= _MIN_NAME_CHARS}


def document_initialisms(chunks: Iterable[Chunk]) -> dict[str, str]:
    """Upper-case initials → the name they stand for ("PW" → "Physics Wallah"), read from each file's
    name and text. Initials the documents use themselves ("PH" for Paid Holidays) are left alone."""
    found: dict[str, set[str]] = {}
    used: set[str] = set()
    names: dict[str, set[str]] = {}
    for chunk in chunks:
        words = names.setdefault(chunk.file, _name_words(chunk.file))
        used.update(_UPPER_WORD.findall(chunk.text))
        for match in _CAPITALISED_RUN.finditer(chunk.text):
            parts = match.group(0).split()
            for size in range(len(parts), 1, -1):  # "Physics Wallah Pvt" still names "physicswallah"
                if "".join(parts[:size]).lower() in words:
                    name = " ".join(parts[:size])
                    found.setdefault("".join(p[0] for p in parts[:size]).upper(), set()).add(name)
                    break
    return {
        initials: next(iter(spelled))
        for initials, spelled in sorted(found.items())
        if len(spelled) == 1 and initials not in used
    }


def spell_out(text: str, initialisms: Mapping[str, str]) -> str:
    """``text`` with each initialism written as the name it stands for ("at PW" → "at Physics Wallah").

    Only a separate word counts, never a part of "PWD". In lower case it counts unless it is a common
    word: "pw" is Physics Wallah, but "at" is not Acme Tools (only "AT" is)."""
    if not initialisms:
        return text

    def spelled(match: re.Match[str]) -> str:
        word = match.group(0)
        name = initialisms.get(word.upper())
        if name is None or (not word.isupper() and not tokenize(word)):
            return word
        return name

    return _INITIALS.sub(spelled, text)


_LETTERS = re.compile(r"[A-Za-z]{2,40}(?![A-Za-z])")


def file_name_words(files: Iterable[str]) -> frozenset[str]:
    """The long words of the files' names ("perksplus", "physicswallah")."""
    return frozenset().union(*(_name_words(f) for f in files))


def join_names(text: str, names: Collection[str]) -> str:
    """``text`` with a name written as two words joined the way the file name writes it: "Perks Plus"
    → "PerksPlus", so keyword search finds the PerksPlus document, not "plus" in "Health Plus"."""

    parts = re.split(r"([ \t]+)", text)  # words at even indexes, the spaces between them at odd ones
    out = parts[:1]
    for space, word in zip(parts[1::2], parts[2::2], strict=True):
        letters = _LETTERS.match(word)  # "Plus?" is "Plus" and its question mark
        if letters and _LETTERS.fullmatch(out[-1]) and (out[-1] + letters.group()).lower() in names:
            out[-1] += word
        else:
            out += [space, word]
    return "".join(out)

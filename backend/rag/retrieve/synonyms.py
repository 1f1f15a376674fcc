"""Words staff type that the policies never use, with the policies' own words for them.

"does northwind standard cover IVF" asks about what the booklet calls "in vitro fertilization";
"telehealth visits" are its "telemedicine" and "virtual care". Neither keyword search nor the offline
embedding model connects the two (MiniLM scores such pairs at a cosine of 0.14–0.41), so the question
was searched for words no policy uses and refused as "the policies don't mention IVF". No package
ships a better offline model, so the knowledge lives where search engines keep it: a synonym file that
HR admins edit (``data/search_synonyms.txt``, ``SEARCH_SYNONYMS_FILE``), one entry a line:

    ivf, in-vitro => in vitro fertilization

A question is searched and read with the policy's words added as alternatives: "does northwind
standard cover IVF or in vitro fertilization". So the item rule asks whether the passages mention
either, and a refusal still echoes what was asked. The typed word is kept even when some policy uses it:
one booklet's "telehealth" does not make the other's "telemedicine" page findable. Only the policy
phrases the index has every word of are added, and none the question already has. The file is checked
when it is read: a malformed line is an error naming the line, never a silently different search.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from backend.errors import SentenceError
from backend.rag.index.bm25 import tokenize

MAX_ENTRIES = 2000
MAX_PHRASE_CHARS = 60
_PHRASE = re.compile(r"[a-z0-9][a-z0-9 '&/-]*[a-z0-9]|[a-z0-9]")


class SynonymsFormatError(SentenceError, ValueError):
    """The synonym file is unreadable or malformed; the message is one sentence naming the line."""


@dataclass(frozen=True)
class Synonyms:
    """Typed phrase (lower case, as the file writes it) → the policy phrases it stands for."""

    entries: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)


def _phrases(side: str, source: str, number: int) -> list[str]:
    phrases = [" ".join(p.split()) for p in side.lower().split(",")]
    for phrase in phrases:
        if not _PHRASE.fullmatch(phrase) or len(phrase) > MAX_PHRASE_CHARS:
            raise SynonymsFormatError(
                f"{source}, line {number}: {phrase!r} is not a phrase of letters, digits, spaces, "
                f"hyphens or apostrophes of at most {MAX_PHRASE_CHARS} characters."
            )
        if not tokenize(phrase):
            raise SynonymsFormatError(f"{source}, line {number}: {phrase!r} has no word search can use.")
    return phrases


def parse_synonyms(text: str, source: str = "the synonym file") -> Synonyms:
    """Entries of ``typed, other typed => policy phrase, other policy phrase``; ``#`` starts a comment."""
    entries: dict[str, tuple[str, ...]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.count("=>") != 1:
            raise SynonymsFormatError(
                f"{source}, line {number}: write one entry as 'what people type => what the policies write'."
            )
        typed, written = (_phrases(side, source, number) for side in line.split("=>"))
        for phrase in typed:
            entries[phrase] = tuple(dict.fromkeys([*entries.get(phrase, ()), *written]))
        if len(entries) > MAX_ENTRIES:
            raise SynonymsFormatError(f"{source}: more than {MAX_ENTRIES:,} entries.")
    return Synonyms(entries)


def load_synonyms(path: Path) -> Synonyms:
    """Read the synonym file; a missing file is no synonyms (search reads questions as typed)."""
    if not path.is_file():
        return Synonyms()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SynonymsFormatError(f"{path} could not be read as UTF-8 text ({type(exc).__name__}).") from None
    return parse_synonyms(text, source=str(path))


def _found(
    text: str, synonyms: Synonyms, known: Callable[[str], bool]
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, policy phrases) of each typed phrase in ``text``, in order; a policy phrase is kept
    only when the index has every term of it and ``text`` does not already say it."""

    def all_known(phrase: str) -> bool:
        return all(known(term) for term in tokenize(phrase))

    lowered = text.lower()
    found: list[tuple[int, int, tuple[str, ...]]] = []
    for typed in sorted(synonyms.entries, key=len, reverse=True):  # "flu shot" before "flu"
        if typed not in lowered:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", lowered):
            if any(s < match.end() and match.start() < e for s, e, _ in found):
                continue  # inside a longer typed phrase already matched
            written = tuple(p for p in synonyms.entries[typed] if p not in lowered and all_known(p))
            if written:
                found.append((match.start(), match.end(), written))
    return sorted(found)


def policy_phrases(text: str, synonyms: Synonyms, known: Callable[[str], bool]) -> tuple[str, ...]:
    """The policy phrases for the typed phrases in ``text``: "IVF" → ("in vitro fertilization",)."""
    return tuple(dict.fromkeys(p for _, _, written in _found(text, synonyms, known) for p in written))


def add_synonyms(text: str, synonyms: Synonyms, known: Callable[[str], bool]) -> str:
    """``text`` with the policy phrases added after each typed phrase: "cover IVF?" → "cover IVF or in
    vitro fertilization?". ``known(term)`` says whether the index has a term; only a policy phrase it
    has every term of is added."""
    out: list[str] = []
    end = 0
    for _, stop, written in _found(text, synonyms, known):
        out += [text[end:stop], *(f" or {p}" for p in written)]
        end = stop
    return "".join([*out, text[end:]])

"""Words staff type that the policies never use, with the policies' own words for them.

"does northwind standard cover IVF" asks about what the booklet calls "in vitro fertilization";
"telehealth visits" are its "telemedicine" and "virtual care". Neither keyword search nor the offline
embedding model connects the two (MiniLM scores such pairs at a cosine of 0.14–0.41), so the question
was searched for words no policy uses and refused as "the policies don't mention IVF". No package
ships a better offline model, so the knowledge lives where search engines keep it: a synonym file that
HR admins edit (``data/search_synonyms.txt``, ``SEARCH_SYNONYMS_FILE``), one entry a line:

    ivf, in-vitro => in vitro fertilization

The question is searched as typed and again with the policies' words added, and the two rankings are
fused (``PolicyAnswerer.retrieve``), so a synonym can add a page but never push out one the question
finds as typed. The item rule accepts the policies' words as a mention of the item asked about, and a
refusal still echoes what was asked. An entry applies even when some policy uses the typed word: one
booklet's "telehealth" does not make the other's "telemedicine" page findable. Only the policy phrases
the index has every word of are used, and none the question already has. The file is checked when it
is read: a malformed line is an error naming the line, never a silently different search.
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
        text = path.read_text(encoding="utf-8-sig")  # Windows editors save a byte-order mark
    except (OSError, UnicodeDecodeError) as exc:
        raise SynonymsFormatError(f"{path} could not be read as UTF-8 text ({type(exc).__name__}).") from None
    return parse_synonyms(text, source=str(path))


def policy_phrases(text: str, synonyms: Synonyms, known: Callable[[str], bool]) -> tuple[str, ...]:
    """The policy phrases for the typed phrases in ``text`` ("IVF" → ("in vitro fertilization",)), each
    once: only those the index has every term of (``known(term)``) and ``text`` does not already say.
    A typed phrase inside a longer one that matched ("flu" in "flu shot") adds nothing of its own."""
    if not synonyms.entries:
        return ()
    lowered = text.lower()
    taken = bytearray(len(lowered))  # characters of a typed phrase already matched
    found: list[str] = []
    for typed in sorted(synonyms.entries, key=len, reverse=True):  # "flu shot" before "flu"
        if typed not in lowered:
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(typed)}(?![\w-])", lowered):
            if any(taken[match.start() : match.end()]):
                continue
            taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
            found += [p for p in synonyms.entries[typed] if p not in lowered]
    return tuple(p for p in dict.fromkeys(found) if all(known(term) for term in tokenize(p)))

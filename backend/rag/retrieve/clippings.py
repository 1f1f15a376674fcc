"""Clipped words the documents use for words they also write out: "comp off" for "compensatory off".

Physics Wallah's policy writes "Comp-off", Catalyst's "Compensatory Leave/Off", and staff type "comp
off" for both. Neither keyword search nor spelling tolerance connects "comp" to "compensatory": it is
no misspelling. The full form is read from the documents, not listed by hand. A word of the question is
a clipping when the documents write it only ever beside one word ("comp" always before "off"), and
exactly one longer word they write beside that same word starts with it ("compensatory off"). An
ordinary word ("under", "state") stands beside many words, so "covered under" never becomes "covered
understanding"; and a clipping cuts off at least ``MIN_CUT`` letters, more than an inflection does.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

MIN_CLIP = 4  # letters a clipped word keeps ("comp")
MIN_CUT = 6  # letters it cuts off: "comp" from "compensatory", not "arrange" from "arrangements"
_WORD = re.compile(r"[a-z]+")
MAX_WORD_CHARS = 40  # a longer run of letters is no word (the question is untrusted input)
# A word written once is trivially "always beside one word" ("to heal"): a clipping is a habit.
MIN_USES = 2


_CLAUSE = re.compile(r"[.!?;:,()\n]+")


def _pairs(text: str) -> Iterable[tuple[str, str]]:
    """Adjacent words within one clause ("covered. Understanding" is no pair)."""
    for clause in _CLAUSE.split(text.lower()):
        words = _WORD.findall(clause)
        yield from itertools.pairwise(words)


class Neighbourhoods:
    """Which long words the documents write next to each word, read once per index generation."""

    def __init__(self, texts: Iterable[str]) -> None:
        before: defaultdict[str, set[str]] = defaultdict(set)
        followers: defaultdict[str, set[str]] = defaultdict(set)
        leaders: defaultdict[str, set[str]] = defaultdict(set)
        after: defaultdict[str, set[str]] = defaultdict(set)
        uses: Counter[str] = Counter()
        for text in texts:
            for first, second in _pairs(text):
                uses[first] += 1
                followers[first].add(second)
                leaders[second].add(first)
                if len(first) >= MIN_CLIP + MIN_CUT:
                    before[second].add(first)
                if len(second) >= MIN_CLIP + MIN_CUT:
                    after[first].add(second)
        self._before: Mapping[str, frozenset[str]] = {w: frozenset(s) for w, s in before.items()}
        self._after: Mapping[str, frozenset[str]] = {w: frozenset(s) for w, s in after.items()}
        # Only words used at least MIN_USES times may be clippings (counted as the first of a pair).
        self._followers: Mapping[str, frozenset[str]] = {
            w: frozenset(s) for w, s in followers.items() if uses[w] >= MIN_USES
        }
        self._leaders: Mapping[str, frozenset[str]] = {
            w: frozenset(s) for w, s in leaders.items() if uses[w] >= MIN_USES
        }

    def full_form(self, clipped: str, previous: str | None, following: str | None) -> str | None:
        """The one word ``clipped`` starts that the documents write next to the same neighbour."""
        if not MIN_CLIP <= len(clipped) <= MAX_WORD_CHARS:
            return None
        # Only a clipping the documents use themselves, always beside the same word ("Comp-off",
        # "Compensatory Off"): an ordinary word ("under", "state") stands beside many.
        found: set[str] = set()
        if following is not None and self._followers.get(clipped) == {following}:
            found |= self._before.get(following, frozenset())
        if previous is not None and self._leaders.get(clipped) == {previous}:
            found |= self._after.get(previous, frozenset())
        candidates = {w for w in found if w.startswith(clipped) and len(w) >= len(clipped) + MIN_CUT}
        if len(candidates) != 1:
            return None
        return candidates.pop()

    def expand(self, text: str) -> str:
        """``text`` with each clipped word written out ("catalyst comp off" → "catalyst compensatory off")."""
        matches = list(re.finditer(r"[A-Za-z]+", text))
        out: list[str] = []
        end = 0
        for n, match in enumerate(matches):
            previous = matches[n - 1].group(0).lower() if n > 0 else None
            following = matches[n + 1].group(0).lower() if n + 1 < len(matches) else None
            full = self.full_form(match.group(0).lower(), previous, following)
            out += [text[end : match.start()], full or match.group(0)]
            end = match.end()
        return "".join([*out, text[end:]])

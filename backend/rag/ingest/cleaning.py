"""Text clean-up for extracted PDF pages: repeated headers and footers, hyphenation, whitespace.

Works on a whole document at once because a header is only recognisable as a line that repeats on
many pages. Lines are kept (not joined into paragraphs) so the splitter can still see headings.
"""

from __future__ import annotations

import re
from collections import Counter

# Page furniture sits in the first or last few lines of a page.
_EDGE_LINES = 3
# A line is furniture when it recurs (digits ignored) on at least this share of the pages...
_REPEAT_SHARE = 0.5
# ...and on at least this many pages, so a two-page document keeps its one-off lines.
_MIN_REPEATS = 3

_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")
# Private-use glyphs (Wingdings/Symbol bullets) that pypdf extracts as U+F0xx.
_PRIVATE_USE = re.compile(r"[\uf000-\uf8ff]")
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.IGNORECASE)
_HYPHEN_BREAK = re.compile(r"([A-Za-z]+)-[ \t]*\n[ \t]*([a-z]+)")
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def normalise_line(line: str) -> str:
    """The whitespace-normalised form of one line; private-use bullet glyphs become '•'."""
    return _SPACES.sub(" ", _PRIVATE_USE.sub("•", line)).strip()


def _furniture_key(line: str) -> str:
    # "Page 3 of 12" and "Page 4 of 12" are the same header.
    return _DIGITS.sub("#", line.lower())


def _edge_slots(lines: list[str]) -> list[tuple[tuple[str, int], int]]:
    """((side, position), line index) for the first and last few non-empty lines of a page."""
    filled = [i for i, ln in enumerate(lines) if ln]
    top = [(("top", n), i) for n, i in enumerate(filled[:_EDGE_LINES])]
    bottom = [(("bottom", n), i) for n, i in enumerate(reversed(filled[-_EDGE_LINES:]))]
    return top + bottom


def find_repeated_edge_lines(pages: list[list[str]]) -> set[tuple[tuple[str, int], str]]:
    """(slot, key) of lines that recur in the same top/bottom slot on many pages: running headers and
    footers. The slot matters: a heading that happens to open many pages is not page furniture."""
    counts: Counter[tuple[tuple[str, int], str]] = Counter()
    for lines in pages:
        counts.update({(slot, _furniture_key(lines[i])) for slot, i in _edge_slots(lines)})
    threshold = max(_MIN_REPEATS, int(len(pages) * _REPEAT_SHARE + 0.999))
    return {slot_key for slot_key, n in counts.items() if n >= threshold}


def _strip_edges(lines: list[str], furniture: set[tuple[tuple[str, int], str]]) -> list[str]:
    """Remove furniture and bare page numbers from the first and last lines of one page."""
    slots = _edge_slots(lines)
    drop = {
        i
        for slot, i in slots
        if (slot, _furniture_key(lines[i])) in furniture or _PAGE_NUMBER.match(lines[i])
    }
    if len(drop) >= sum(1 for ln in lines if ln):
        # Everything would go: these are short templated pages, not furniture around a body.
        drop = {i for _, i in slots if _PAGE_NUMBER.match(lines[i])}
    return [ln for i, ln in enumerate(lines) if i not in drop]


def document_vocabulary(pages: list[str]) -> set[str]:
    """Lowercased words and hyphenated compounds that occur within lines of the document."""
    return {w.lower() for page in pages for w in _WORD.findall(page)}


def dehyphenate(text: str, vocabulary: set[str]) -> str:
    """Repair words broken across lines, using the document itself as the dictionary.

    'employ-\\nment' becomes 'employment' when the document spells 'employment' elsewhere; otherwise
    the hyphen is kept and the line break removed ('in-\\nnetwork' -> 'in-network'), because in policy
    documents a line-end hyphen is far more often a compound than a typesetter's break.
    """
    text = text.replace("\u00ad\n", "").replace("\u00ad", "")

    def join(match: re.Match[str]) -> str:
        head, tail = match.group(1), match.group(2)
        if (head + tail).lower() in vocabulary and f"{head}-{tail}".lower() not in vocabulary:
            return head + tail + "\n"
        return f"{head}-{tail}\n"

    return _HYPHEN_BREAK.sub(join, text)


def clean_pages(raw_pages: list[str]) -> list[str]:
    """Clean every page of one document; the result has one entry per input page (maybe empty)."""
    vocabulary = document_vocabulary(raw_pages)
    split = [[normalise_line(ln) for ln in dehyphenate(page, vocabulary).splitlines()] for page in raw_pages]
    furniture = find_repeated_edge_lines(split) if len(split) >= _MIN_REPEATS else set()
    cleaned: list[str] = []
    for lines in split:
        # Collapse runs of blank lines (cover pages are mostly padding).
        out: list[str] = []
        for ln in _strip_edges(lines, furniture):
            if ln or (out and out[-1]):
                out.append(ln)
        cleaned.append("\n".join(out).strip())
    return cleaned

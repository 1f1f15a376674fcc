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


def find_repeated_edge_lines(pages: list[list[str]]) -> set[str]:
    """Keys of lines that appear at the top or bottom of many pages (running headers and footers)."""
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = [ln for ln in lines if ln][:_EDGE_LINES] + [ln for ln in lines if ln][-_EDGE_LINES:]
        counts.update({_furniture_key(ln) for ln in edge})
    threshold = max(_MIN_REPEATS, int(len(pages) * _REPEAT_SHARE + 0.999))
    return {key for key, n in counts.items() if n >= threshold}


def _strip_edges(lines: list[str], furniture: set[str]) -> list[str]:
    """Remove furniture and bare page numbers from the first and last lines of one page."""
    kept = list(lines)
    for _ in range(_EDGE_LINES):
        while kept and not kept[0]:
            kept.pop(0)
        if kept and (_furniture_key(kept[0]) in furniture or _PAGE_NUMBER.match(kept[0])):
            kept.pop(0)
    for _ in range(_EDGE_LINES):
        while kept and not kept[-1]:
            kept.pop()
        if kept and (_furniture_key(kept[-1]) in furniture or _PAGE_NUMBER.match(kept[-1])):
            kept.pop()
    return kept


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
        kept = _strip_edges(lines, furniture)
        # Collapse runs of blank lines (cover pages are mostly padding).
        out: list[str] = []
        for ln in kept:
            if ln or (out and out[-1]):
                out.append(ln)
        cleaned.append("\n".join(out).strip())
    return cleaned

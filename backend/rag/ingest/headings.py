"""Heading detection on plain extracted text (pypdf gives lines, not styles).

A heading is a short, title-cased line that stands on its own: the line before it ended a sentence
(or was blank, a bullet, or the page top) and the line after it does not continue a sentence.
"""

from __future__ import annotations

import re

_MAX_HEADING_CHARS = 90
_MAX_HEADING_WORDS = 12
_BULLETS = ("•", "-", "–", "—", "*", "➢", "▪", "◦", "o ", "·", "►", "✓")
_SMALL_WORD_TEXT = (
    "a an the of and or for to in on at by with is are be from as vs per your our its into not no"
)
_SMALL_WORDS = frozenset(_SMALL_WORD_TEXT.split())
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]*|\d+[\w.]*")
_ENDS_SENTENCE = (".", "!", "?", ":", ";")


def is_bullet(line: str) -> bool:
    return line.startswith(_BULLETS)


def is_heading(line: str, prev_line: str | None, next_line: str | None) -> bool:
    """Whether ``line`` looks like a section heading given its neighbours on the page."""
    text = line.strip()
    if not (2 <= len(text) <= _MAX_HEADING_CHARS) or is_bullet(text):
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    if text.endswith((".", ",", ";", "!")):
        return False
    words = _WORDS.findall(text)
    if not words or len(words) > _MAX_HEADING_WORDS:
        return False
    if words[-1].lower() in _SMALL_WORDS - {"no"}:
        return False  # "...in accordance with the" is a wrapped sentence
    content = [w for w in words if w.lower() not in _SMALL_WORDS and not w[0].isdigit()]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    if capitalised / len(content) < 0.6:
        return False
    # A short line after an unfinished one is the tail of a wrapped sentence, unless it is itself
    # entirely capitalised (a heading right after a table row or a title line).
    after_unfinished = prev_line and not (prev_line.endswith(_ENDS_SENTENCE) or is_bullet(prev_line))
    if after_unfinished and (capitalised != len(content) or len(content) < 2):
        return False
    # The next line continuing in lowercase means this line was the start of a sentence.
    return not (next_line and next_line[0].islower())


def heading_key(heading: str) -> str:
    """Comparison form: case, punctuation and dash style ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", heading.lower()))

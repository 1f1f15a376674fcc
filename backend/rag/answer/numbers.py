"""The number check: every amount, count and duration an answer states must appear in its passages.

Figures are compared by value, not by spelling: "INR 9,000", "9000 rupees" and "Rs. 9,000" are one
amount; "sixty (60) days" and "60 days" one duration; Indian grouping ("2,00,000") and western
("200,000") one number. Citation markers (``[file.pdf#page=3]``) and list numbering are not claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_CITATION = re.compile(r"\[[^\[\]\n]*?\.pdf[^\[\]\n]*?\]", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{2,3})+|\d+)(?:\.(\d+))?(?![\w])")
_LIST_NUMBER = re.compile(r"^\s*(\d+)[.)]\s", re.MULTILINE)
_SECTION_NUMBER = re.compile(r"(?<![\w.,])\d+\.\d+(?:\.\d+)*\s+(?=[A-Z])")
# Numbers as policies spell them out; the wording rules (``asked_figure``, ``asked_item``) read these too.
WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "eighteen": 18,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
# Longest first, so "forty-five" is read whole rather than as "forty".
WORD_NUMBER_ALTERNATION = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))
_WORD_NUMBER = re.compile(rf"\b({WORD_NUMBER_ALTERNATION})\b", re.I)


@dataclass(frozen=True)
class NumberCheck:
    """Figures the text states that no passage contains (empty when the text is faithful)."""

    unsupported: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.unsupported


def _value(whole: str, fraction: str | None) -> float:
    return float(whole.replace(",", "") + (f".{fraction}" if fraction else ""))


def figures(text: str) -> dict[float, str]:
    """Every number stated in ``text`` by value, with how it was first written."""
    text = _CITATION.sub(" ", text)
    found: dict[float, str] = {}
    for match in _NUMBER.finditer(text):
        found.setdefault(_value(match.group(1), match.group(2)), match.group(0))
    return found


def _spoken(text: str) -> set[float]:
    return {float(WORD_NUMBERS[m.group(1).lower()]) for m in _WORD_NUMBER.finditer(text)}


def check_numbers(answer: str, passages: Iterable[str]) -> NumberCheck:
    """Which figures in ``answer`` appear in none of ``passages`` (digits or, for small ones, words)."""
    source = " ".join(passages)
    known = set(figures(source)) | _spoken(source)
    answer = _LIST_NUMBER.sub(" ", _CITATION.sub(" ", answer))
    answer = _SECTION_NUMBER.sub(" ", answer)  # "6.1 Approval limits" is a heading, not a claim
    stated = figures(answer)
    # A number the answer spells out ("sixty days") is a claim too.
    for value in _spoken(answer):
        stated.setdefault(value, str(int(value)))
    return NumberCheck(tuple(written for value, written in stated.items() if value not in known))

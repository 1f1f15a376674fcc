"""Answer units: the sentences, list items and table rows of a passage, each quotable on its own.

The splitter keeps table rows and list items on lines of their own (prose is joined back into lines),
so a passage splits into units without guessing: a run of two or more short lines that end no sentence
is a table (its first line the header), a bulleted line is a list item, anything else is prose cut into
sentences. A row is rendered "label: value" when its trailing figures can be told apart from its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from backend.rag.ingest.headings import is_bullet
from backend.rag.types import Chunk

UnitKind = Literal["sentence", "item", "row", "header"]

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“(]?[A-Z0-9•])")
_ENDS_SENTENCE = (".", "!", "?")
_MAX_ROW_WORDS = 18
# A figure at the end of a table row: an amount, a count with its unit, a percentage.
_CURRENCY = r"(?:INR|USD|EUR|GBP|Rs\.?|₹|\$)"
_UNIT = r"(?:%|per\s*cent|days?|working\s+days?|weeks?|months?|years?|hours?|visits?|sessions?|times?)"
_VALUE = rf"(?:{_CURRENCY}\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s*{_UNIT}?)"
# A qualifier belongs to its figure: "Up to 5 days", not "Study leave Up to: 5 days".
_QUALIFIER = r"(?:(?:up\s*to|upto|at\s+least|at\s+most|max(?:imum)?|min(?:imum)?|over|under|above|below)\s+)?"
_TRAILING_VALUE = re.compile(rf"\s+({_QUALIFIER}{_VALUE})\s*$", re.IGNORECASE)
# Header columns usually start with a capital: "City category | Examples | Hotel limit per night".
_COLUMN_START = re.compile(r"\s+(?=[A-Z][a-z])")


@dataclass(frozen=True)
class Unit:
    """One quotable piece of a passage."""

    chunk: Chunk
    kind: UnitKind
    text: str  # verbatim, as in the passage
    context: str = ""  # a row's table header, an item's lead-in sentence
    index: int = 0  # reading order within the chunk
    lead_in: str = ""  # the sentence ending in ":" that introduced this table or list
    paragraph: int = 0  # which line of the passage it comes from (sentences of one paragraph share it)

    def rendered(self) -> str:
        """How the unit reads in an answer: rows as "label: value", list items with their bullet."""
        if self.kind == "row":
            return row_label_value(self.text, self.context)
        if self.kind == "item" and is_bullet(self.text):
            return self.text.lstrip("•-–—*➢▪◦·►✓ ").strip()
        return self.text


def _is_row_like(line: str) -> bool:
    text = line.strip()
    # A line ending in ":" introduces a table or list; it is never one of its rows.
    return bool(text) and not text.endswith((*_ENDS_SENTENCE, ":")) and len(text.split()) <= _MAX_ROW_WORDS


_MAX_LABEL_WORDS = 4


def _is_label(line: str) -> bool:
    """A few capitalised words and a colon ("Position Summary:"), not a lead-in ("You may claim:")."""
    words = line.split()
    return line.endswith(":") and len(words) <= _MAX_LABEL_WORDS and all(w[:1].isupper() for w in words)


_LONE_NUMBER = re.compile(r"^\(?\d{1,2}[.)]$")
_NUMBERED = re.compile(r"^\(?\d{1,2}[.)]\s+\S")


def _lines(text: str) -> list[str]:
    """Non-empty lines, with a list number alone on its line ("3.") joined to the item it numbers."""
    lines: list[str] = []
    for line in (ln.strip() for ln in text.split("\n")):
        if line and lines and _LONE_NUMBER.match(lines[-1]):
            lines[-1] = f"{lines[-1]} {line}"
        elif line:
            lines.append(line)
    return lines


def units_of(chunk: Chunk) -> list[Unit]:
    """The chunk's units in reading order."""
    lines = _lines(chunk.text)
    units: list[Unit] = []
    lead_in = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if is_bullet(line) or _NUMBERED.match(line):
            units.append(Unit(chunk, "item", line, lead_in, len(units), lead_in, i))
            i += 1
            continue
        run_end = i
        while run_end < len(lines) and _is_row_like(lines[run_end]) and not is_bullet(lines[run_end]):
            run_end += 1
        if run_end - i >= 2:  # a table: header, then rows
            header = lines[i]
            units.append(Unit(chunk, "header", header, lead_in, len(units), lead_in, i))
            for n, row in enumerate(lines[i + 1 : run_end], start=i + 1):
                units.append(Unit(chunk, "row", row, header, len(units), lead_in, n))
            i = run_end
            lead_in = ""
            continue
        sentences = [part.strip() for part in _SENTENCE_END.split(line) if part.strip()]
        # A label alone on its line ("Position Summary:") heads what follows and says nothing itself.
        kind: UnitKind = "header" if _is_label(line) else "sentence"
        for sentence in sentences:
            units.append(Unit(chunk, kind, sentence, "", len(units), paragraph=i))
        lead_in = sentences[-1] if sentences and line.endswith(":") else ""
        i += 1
    return units


def _columns(header: str) -> list[str]:
    return [c.strip() for c in _COLUMN_START.split(header.strip()) if c.strip()]


def split_row(row: str, columns: int) -> tuple[str, list[str]]:
    """(label, trailing values) of a table row; at most ``columns - 1`` values are taken from its end.

    "Less than 2 years 18 days 1.5 days" with 3 columns gives ("Less than 2 years", ["18 days",
    "1.5 days"]); the cap keeps the "2 years" that belongs to the label.
    """
    label = row.strip()
    values: list[str] = []
    while len(values) < max(1, columns - 1):
        match = _TRAILING_VALUE.search(label)
        if match is None:
            break
        values.insert(0, match.group(1).strip())
        label = label[: match.start()].rstrip()
    if not re.search(r"[A-Za-z]", label):
        return row.strip(), []
    return label, values


def row_label_value(row: str, header: str) -> str:
    """A table row as "label: value", naming each value's column when the header allows it."""
    columns = _columns(header)
    label, values = split_row(row, len(columns) if columns else 2)
    if not values:
        return row.strip()
    value_columns = columns[-len(values) :] if len(columns) == len(values) + 1 else []
    if len(values) > 1 and value_columns:
        named = "; ".join(f"{name} {value}" for name, value in zip(value_columns, values, strict=True))
        return f"{label}: {named}"
    return f"{label}: {', '.join(values)}"

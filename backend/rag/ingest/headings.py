"""Heading detection on plain extracted text (pypdf gives lines, not styles).

A heading is a short, title-cased line that stands on its own: the line before it ended a sentence
(or was blank, a bullet, or the page top) and the line after it does not continue a sentence. A
numbered line ("4. Daily allowance (per diem)", "2.1 Carrying forward") may be in sentence case.

What looks like a heading but is a table or a form is not one: a line with figures after its section
number ("Above INR 2,00,000 Chief Financial Officer", "Issue Date 01-04-2023") is a table row, and a
line that repeats itself ("Not Applicable Not Applicable") is a cell. Runs of heading-like lines with no
text between them (a policy's cover form: "Policy Owner …", "Function HR & Admin", "Approver …") are
dropped by ``drop_form_runs``.
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
# "4. ", "2.1 ", "6.1. ": the dot tells a section number from a figure ("30 Days of notice").
_SECTION_NUMBER = re.compile(r"^\d{1,2}\.(?:\d{1,2}\.?)*\s+(?=[A-Z])")
_DIGIT = re.compile(r"\d")
_FORM_RUN = 3  # this many heading-like lines in a row, with no text between them, are a form or a table


_CELL_WORDS = 6
_CLOSERS = "\"'”’)]»"


def _repeats_itself(text: str) -> bool:
    """A short line that says a word twice is a row of cells ("Not Applicable Not Applicable")."""
    words = [w.lower() for w in _WORDS.findall(text) if w.lower() not in _SMALL_WORDS]
    return 2 <= len(words) <= _CELL_WORDS and len(set(words)) < len(words)


def is_bullet(line: str) -> bool:
    return line.startswith(_BULLETS)


# Initials defined by the name after them: "EL - Earned Privileged Leave".
_DEFINES = re.compile(r"\b[A-Z]{2,4}\s+[-–]\s+[A-Z][a-z]")


def is_heading(line: str, prev_line: str | None, next_line: str | None) -> bool:
    """Whether ``line`` looks like a section heading given its neighbours on the page."""
    text = line.strip()
    if not (2 <= len(text) <= _MAX_HEADING_CHARS) or is_bullet(text):
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    if text.rstrip(_CLOSERS).endswith((".", ",", ";", "!", "?")) and not text.endswith("?"):
        return False  # a sentence, also when it ends inside quotes: 'Approve/Reject.”'
    if text.endswith(("/", "&", "-", "–", "(")):
        return False  # the line continues: "Purpose /"
    numbered = _SECTION_NUMBER.match(text)
    rest = text[numbered.end() :] if numbered else text
    if _DIGIT.search(rest) or "\\" in rest or _repeats_itself(rest):
        return False  # a table row, a form field or a cell, not a heading
    if _DEFINES.search(rest):
        return False  # a legend: "EL - Earned Leave ML - Maternity Leave" defines, it heads nothing
    words = _WORDS.findall(text)
    if not words or len(words) > _MAX_HEADING_WORDS:
        return False
    if words[-1].lower() in _SMALL_WORDS - {"no"}:
        return False  # "...in accordance with the" is a wrapped sentence
    content = [w for w in words if w.lower() not in _SMALL_WORDS and not w[0].isdigit()]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    if capitalised / len(content) < 0.6 and not (numbered and len(content) <= 8):
        return False
    # A short line after an unfinished one is the tail of a wrapped sentence, unless it is itself
    # entirely capitalised (a heading right after a table row or a title line).
    after_unfinished = prev_line and not (prev_line.endswith(_ENDS_SENTENCE) or is_bullet(prev_line))
    # A numbered heading is distinctive enough to follow a table row or its parent heading.
    if after_unfinished and not numbered and (capitalised != len(content) or len(content) < 2):
        return False
    # The next line continuing in lowercase means this line was the start of a sentence.
    return not (next_line and next_line[0].islower())


def drop_form_runs(flags: list[bool], lines: list[str]) -> list[bool]:
    """Unflag runs of ``_FORM_RUN`` or more heading-like lines with nothing but blank lines between them."""
    out = list(flags)
    run: list[int] = []
    for i, (flag, line) in enumerate([*zip(flags, lines, strict=True), (False, "end")]):
        if flag:
            run.append(i)
        elif line.strip():
            if len(run) >= _FORM_RUN:
                texts = [lines[j] for j in run]
                # A title its form restates ("Director of Human Resources", then "Job Title: Director
                # of Human Resources, Contoso Electronics") heads what follows; the fields do not.
                titled = _restated(texts[0], texts[1:])
                if titled or not _repeats_heading(texts):
                    for j in run[titled:]:
                        out[j] = False
            run = []
    return out


def _repeats_heading(run: list[str]) -> bool:
    """Whether a line of ``run`` repeats what an earlier one says: a booklet's chapter and topic,
    then both again ("CARE MANAGEMENT", "Prior-Authorization", "CARE MANAGEMENT: Prior Authorization").
    Those are headings printed twice, not the fields of a form (a form names each field once). A run
    whose title a field restates (``_restated``) is a form whatever it repeats.

    Each line is looked up by its runs of two or more words in the keys of the lines before it, so a
    page of many heading-like lines (PDF text is untrusted) costs time in proportion to its lines."""
    earlier: set[str] = set()
    for line in run:
        words = heading_key(line).split()[:_MAX_HEADING_WORDS]
        spans = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1)}
        if spans & earlier:
            return True
        if len(words) >= 2:
            earlier.add(" ".join(words))
    return False


# "Job Title: X", "Position: X", "JOB DESCRIPTION: X": a form field whose value is a title.
_FIELD_VALUE = re.compile(r"^[^:]{1,30}:\s*(.+)$")


def _restated(title: str, fields: list[str]) -> bool:
    """Whether one of ``fields`` is a labelled field whose value starts with ``title``."""
    key = heading_key(title)
    if len(key.split()) < 2:
        return False
    values = (m.group(1) for field in fields if (m := _FIELD_VALUE.match(field.strip())))
    return any(f"{heading_key(value)} ".startswith(f"{key} ") for value in values)


def heading_key(heading: str) -> str:
    """Comparison form: case, punctuation and dash style ignored."""
    return " ".join(re.findall(r"[a-z0-9]+", heading.lower()))

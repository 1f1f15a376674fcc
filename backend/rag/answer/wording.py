"""The sentence of a question the wording rules read (``asked_figure``, ``asked_item``).

A question may carry context before it ("I paid the bill myself. How long do I have to file?"), and an
offline follow-up is searched as the previous question followed by the follow-up ("How many massage
sessions can I get? Is it covered under Standard?"). What is asked is the last sentence that asks
something: the last one ending in "?", else the last one. Whitespace is collapsed first: the question
is untrusted input, and a run of spaces must not make a pattern backtrack over it again and again.
An abbreviation in brackets after its meaning is dropped: search writes "my EL" out as "my Earned Leave
(EL)" (``retrieve.abbreviations``), and the rules read "my Earned Leave" as they would have read "my EL".
"""

from __future__ import annotations

import re

_SENTENCE = re.compile(r"(?<=[.?!]) ")
_BRACKETED_ABBREVIATION = re.compile(r" \([A-Z]{2,6}\)(?=[\s?.,!]|$)")


def asked_sentence(question: str) -> str:
    sentences = _SENTENCE.split(_BRACKETED_ABBREVIATION.sub("", " ".join(question.split())))
    asking = [s for s in sentences if s.endswith("?")]
    return (asking or sentences)[-1]

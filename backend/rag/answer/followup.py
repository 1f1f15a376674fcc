"""When a question needs the conversation to be understood, and how to make it stand alone.

A rewrite must never make retrieval worse. So a question is rewritten only when it cannot stand on its
own: it refers back ("what about it?", "does that apply to interns?"), continues the last one ("and
after 5 years?", "what about Tier 2?"), or is too short to search ("for contractors?"). A standalone
question asked mid-conversation is searched exactly as in a new chat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.messages import BaseMessage

SHORT_QUESTION_WORDS = 4
# Past this length a pronoun usually points inside the question ("…glasses, and what is their limit?").
POINTING_QUESTION_WORDS = 10

_CONTINUATION = re.compile(
    r"^\s*(?:and|but|also|or|so|then|what\s+about|how\s+about|what\s+if|same\s+for|and\s+for|"
    r"what\s+else|anything\s+else)\b",
    re.IGNORECASE,
)
_BACK_REFERENCE = re.compile(r"\b(?:it|they|them|their|those|these)\b", re.IGNORECASE)
# "that" and "this" point back after a verb or a preposition ("does that apply", "for this?", "in that
# case"), not after a noun, where they are relative pronouns ("the policy that covers…").
_POINTING_THAT = re.compile(
    r"\b(?:does|do|did|is|was|are|will|would|can|could|about|for|with|to|of|on|in|like)\s+(?:that|this)\b",
    re.IGNORECASE,
)
# "it" and "there" are often expletive in a standalone question: "is it possible to…", "is there a…".
_EXPLETIVE = re.compile(
    r"\b(?:is|was|will|would)\s+(?:it|there)\b|\bit(?:\s+is|'s)\s+(?:possible|allowed|ok|okay|true|"
    r"necessary|required|mandatory|compulsory|legal)\b|\bthere\s+(?:is|are|any)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[A-Za-z0-9]+")


def needs_context(question: str) -> bool:
    """Whether ``question`` only makes sense with the conversation before it."""
    text = question.strip()
    words = _WORDS.findall(text)
    if len(words) <= SHORT_QUESTION_WORDS:
        return True
    if _CONTINUATION.match(text):
        return True
    stripped = _EXPLETIVE.sub(" ", text)
    if _POINTING_THAT.search(stripped):
        return True
    first = words[0].lower()
    pointing = _BACK_REFERENCE.search(stripped) is not None
    return pointing and (len(words) <= POINTING_QUESTION_WORDS or first in {"it", "they", "those", "these"})


def last_user_question(history: Sequence[BaseMessage]) -> str:
    for message in reversed(history):
        if message.type == "human" and message.text.strip():
            return message.text.strip()
    return ""


def contextual_question(question: str, history: Sequence[BaseMessage]) -> str:
    """The previous question followed by the follow-up: deterministic, and it keeps the topic's terms."""
    previous = last_user_question(history)
    return f"{previous} {question.strip()}".strip() if previous else question.strip()

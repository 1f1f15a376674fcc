"""A question about a job the policies never name: "job description for a software engineer".

A role library describes each role under its title ("Senior Manager of Operations", "Chief Executive
Officer"). Asked about a role it lacks ("What does the Chief Marketing Officer do?"), every passage about
another role matches the question's words about duties and qualifications, so the relevance gate lets
the nearest role through and the answer describes the wrong job. This rule reads the title the question
names (a job word such as "officer", "engineer" or "assistant", with the words before it that say which
one) and refuses when no short line of any policy (a heading, a title or a form field:
``Corpus.title_lines``) has all of its words: "sales manager" is named by "Senior Manager of Sales",
"software engineer" by nothing. Only a question about a job counts (its duties, qualifications, salary,
reporting line). A job word alone ("my manager"), after initials ("HR director", "R&D manager") or
before "of" ("Manager of Sales", a title read the other way round) names no title it can check, and is
left to the other rules.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from backend.rag.answer.asked_item import POSSESSIVE, AskedItem
from backend.rag.index.bm25 import tokenize

# The last word of a job title.
_JOB_WORDS = (
    "officer",
    "manager",
    "director",
    "engineer",
    "representative",
    "specialist",
    "analyst",
    "coordinator",
    "assistant",
    "receptionist",
    "administrator",
    "developer",
    "designer",
    "technician",
    "consultant",
    "accountant",
    "recruiter",
    "scientist",
    "architect",
    "supervisor",
    "executive",
    "president",
)
# Up to three words before the job word say which job ("chief marketing officer"); of two job words in
# a row the last is the title's ("Chief Executive Officer").
_TITLE = re.compile(
    rf"((?:\b[A-Za-z][\w&-]{{0,30}}\s+){{1,3}})({'|'.join(_JOB_WORDS)})s?\b"
    rf"(?!\s+(?:{'|'.join(_JOB_WORDS)})s?\b)",
    re.IGNORECASE,
)
# Words before a job word that say nothing of which job it is.
_NOT_WHICH = frozenset(
    (
        *("a", "an", "the", "my", "our", "your", "their", "his", "her", "this", "that", "any", "every"),
        *("new", "current", "next", "former", "job", "role", "for", "of", "to", "as", "be", "become"),
        *("is", "are", "do", "does", "what", "who", "which", "at", "i", "and", "or", "would", "should"),
    )
)
# A question about a job itself, not one that mentions a title in passing ("leave encashment for
# consultants", "who do I report harassment to if my supervisor is involved"): it asks for the job's
# description, duties, qualifications, salary or career, or what the title does or reports to.
_ABOUT_A_JOB = re.compile(
    r"\b(?:job|role|position|description|responsibilit\w*|qualifications?|duties|hire|hiring|salary|"
    r"career)\b|^\W*what\s+does\s+(?:the|a|an)\s+.{1,60}?\s+do\b|^\W*who\s+does\s+.{1,60}?\s+report\s+to\b",
    re.IGNORECASE,
)
_SENTENCE_BREAK = re.compile(r"[.!?;\n]+")
_MIN_SHARED_PREFIX = 5  # "technical" names the "technology" of a title, "operations" its "operating"


def named_title(question: str, names: Collection[str] = ()) -> tuple[str, list[str]] | None:
    """The job title ``question`` names, as written, and its terms: ("software engineer", ["software",
    "engineer"]); None when it names none that can be checked. ``names`` are words that name a document
    or its owner ("contoso"): they say whose job it is, not which."""
    text = POSSESSIVE.sub("", " ".join(question.split()))
    if not _ABOUT_A_JOB.search(text):
        return None
    for match in _TITLE.finditer(text):
        # "Manager of Sales": the words after it say which, and the words before are no part of it.
        if re.match(r"\s+of\b", text[match.end() :], re.IGNORECASE):
            continue
        before = match.group(1).split()
        which: list[str] = []
        for word in reversed(before):  # the words right before the job word, back to one that is no part
            if (
                word.lower() in _NOT_WHICH
                or not word.isalpha()
                or (word.isupper() and len(word) <= 4)
                or set(tokenize(word)) & set(names)
            ):
                break
            which.insert(0, word)
        if not which:
            continue
        phrase = " ".join([*which, match.group(2)])
        return phrase, tokenize(phrase)
    return None


def _same_word(term: str, line: frozenset[str]) -> bool:
    return term in line or any(
        len(t) >= _MIN_SHARED_PREFIX and t[:_MIN_SHARED_PREFIX] == term[:_MIN_SHARED_PREFIX] for t in line
    )


def unknown_title(
    question: str,
    lines: Iterable[frozenset[str]],
    passages: str = "",
    names: Collection[str] = (),
) -> AskedItem | None:
    """The title ``question`` names when no line in ``lines`` (``Corpus.title_lines``) has all of its
    terms (a word may be written with another ending: "Chief Technical Officer") and the retrieved
    ``passages`` do not have all of them in one sentence either ("your line manager", "the Medical Review
    Officer")."""
    named = named_title(question, names)
    if named is None:
        return None
    phrase, terms = named
    if any(all(_same_word(t, line) for t in terms) for line in lines):
        return None
    sentences = (frozenset(tokenize(s)) for s in _SENTENCE_BREAK.split(passages))
    if any(all(_same_word(t, sentence) for t in terms) for sentence in sentences):
        return None
    return AskedItem(phrase, (phrase,), "topic")

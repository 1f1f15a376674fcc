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
from collections.abc import Iterable

from backend.rag.answer.asked_item import AskedItem
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
# Up to three words before the job word say which job ("chief marketing officer").
_TITLE = re.compile(rf"((?:\b[A-Za-z][\w&-]{{0,30}}\s+){{1,3}})({'|'.join(_JOB_WORDS)})s?\b", re.IGNORECASE)
# Words before a job word that say nothing of which job it is.
_NOT_WHICH = frozenset(
    (
        *("a", "an", "the", "my", "our", "your", "their", "his", "her", "this", "that", "any", "every"),
        *("new", "current", "next", "former", "job", "role", "for", "of", "to", "as", "be", "become"),
        *("is", "are", "do", "does", "what", "who", "which", "at", "i", "and", "or", "would", "should"),
    )
)
# A question about a job, not one that mentions a title in passing ("leave encashment for consultants").
_ABOUT_A_JOB = re.compile(
    r"\b(?:job|role|position|description|responsibilit\w*|qualifications?|duties|do|hire|hiring|"
    r"salary|experience|skills|requirements?|degree|career|report|reports)\b",
    re.IGNORECASE,
)


def named_title(question: str) -> tuple[str, list[str]] | None:
    """The job title ``question`` names, as written, and its terms: ("software engineer", ["software",
    "engineer"]); None when it names none that can be checked."""
    text = " ".join(question.split())
    if not _ABOUT_A_JOB.search(text):
        return None
    for match in _TITLE.finditer(text):
        # "Manager of Sales": the words after it say which, and the words before are no part of it.
        if re.match(r"\s+of\b", text[match.end() :], re.IGNORECASE):
            continue
        before = match.group(1).split()
        which: list[str] = []
        for word in reversed(before):  # the words right before the job word, back to one that is no part
            if word.lower() in _NOT_WHICH or not word.isalpha() or (word.isupper() and len(word) <= 4):
                break
            which.insert(0, word)
        if not which:
            continue
        phrase = " ".join([*which, match.group(2)])
        return phrase, tokenize(phrase)
    return None


def unknown_title(question: str, lines: Iterable[frozenset[str]]) -> AskedItem | None:
    """The title ``question`` names when no line in ``lines`` (``title_lines``) has all of its terms."""
    named = named_title(question)
    if named is None:
        return None
    phrase, terms = named
    wanted = set(terms)
    if any(wanted <= line for line in lines):
        return None
    return AskedItem(phrase, (phrase,), "topic")

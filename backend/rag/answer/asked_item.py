"""The item a question asks about, and whether the retrieved policy text mentions it.

"Does Health Plus cover a doula?", "Is LASIK covered?", "Does PerksPlus cover pet insurance?" name one
item, and so do "Can I use PerksPlus to buy a standing desk?" and "how do I get reimbursed for
mileage?". When the passages retrieved for it never mention that item, whatever they say about the
plan's coverage does not answer the question, however closely the rest of the question matches them
("Does Health Plus cover" matches every page of the Health Plus booklet). Such near misses score like
real answers, so the relevance gate cannot stop them; this check can, because it looks only at the item.

It is a rule on the question's wording, like ``asked_figure``: questions that are not worded as a
coverage question ("what's the deductible if I cover my whole family") are left to the relevance gate.
An item may name alternatives ("IVF or other fertility treatment"); one mentioned is enough. What
counts as a mention is ``terms.mentions``: more than half of an alternative's rarity-weighted terms (two
or more of them within a few words of each other in one sentence, when it has several), each in its
own spelling, its plural, an inflection ("ski" in "skiing") or a shared prefix of five letters or more
("chemo" in "chemotherapy"). So "pet insurance" is not mentioned by a page about workers' compensation
insurance, nor "hair loss treatment" by "facial hair removal" and "weight loss" on one page. A retrieved
passage stands for its whole page. An item with a word no policy uses at all ("ambulance rides") may be
named in other words: a sentence that mentions its other words and means nearly the same (embedding
cosine, ``SAME_MEANING``) mentions it ("ambulance transport").

A question typed as a search names a topic ("dress code at contoso", "is there a tuition reimbursement
program", "what is the bonus structure for sales managers"): the words left once the document's names,
what every policy says of itself ("plan", "coverage") and what a figure is counted in ("days",
"percentage") are gone, if they make a phrase of at most four terms that is no generic head
("process", "difference"). A topic is mentioned by its terms in one sentence, in any order.

"What life insurance does Contoso provide?" names an item the same way; "What options do I have"
names none.

A kind of leave is an item too ("sabbatical leave", "jury duty leave"). Each employer's policy defines
its own kinds, so when the question names a policy ("wedding leave at Catalyst") the item must be
mentioned in that policy's passages: another employer's wedding leave does not answer it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from backend.rag.answer.extractive import Neighbours, Quote, passage_texts
from backend.rag.answer.named_documents import document_names, named_files
from backend.rag.answer.numbers import WORD_NUMBERS
from backend.rag.answer.terms import TermStatistics, mentions
from backend.rag.answer.wording import asked_sentence
from backend.rag.index.bm25 import tokenize
from backend.rag.retrieve.initialisms import join_names
from backend.rag.types import ScoredChunk

_VERBS = (
    r"(?:cover|covers|pay\s+for|pays\s+for|pay\s+towards|reimburse|reimburses|offer|offers|include|"
    r"includes|provide|provides|give|gives)"
)
# "Does Health Plus cover a doula…", "Will Northwind Standard pay for any of it"
_ASKS_DOES_COVER = re.compile(
    rf"^\s*(?:does|do|will|would|can|could)\b.*?\b{_VERBS}\s+(?:me\s+)?(?:for\s+)?(?:any\s+of\s+)?(.+)$",
    re.IGNORECASE,
)
# "Is laser hair removal covered…", "Are allergy shots covered…"
_ASKS_IS_COVERED = re.compile(
    r"^\s*(?:is|are)\s+(?:there\s+)?(.+?)\s+(?:covered|included|reimbursed|offered)\b", re.IGNORECASE
)
# "Can I use PerksPlus to buy a standing desk…", "Can I claim my gym fees…", "…spend it on a bike?"
_ASKS_CAN_USE_FOR = re.compile(
    r"^\s*(?:can|could|may)\s+(?:i|we)\s+(?:use\b.*?\b(?:to\s+(?:buy|pay\s+for)|for|on)|claim|spend\b.*?\bon|"
    # "Can I add my domestic partner to Health Plus?": whom a plan covers is an item too
    r"add|enrol|enroll|include)"
    r"\s+(.+)$",
    re.IGNORECASE,
)
# "What bonus does a Manager of Sales get?": what a person receives is named the same way (not "what
# exactly do I get", "what else do employees get").
_ASKS_WHAT_RECEIVED = re.compile(
    r"^\s*what\s+(?!(?:exactly|else|more|other|all|specifically|then)\b)"
    r"(?:(?:kind|kinds|type|types|sort)\s+of\s+)?(.+?)\s+(?:does|do|will|would|can)\s+"
    r"(?:[\w'’-]+\s+){1,5}?(?:get|receive|earn)\b",
    re.IGNORECASE,
)
_ASKS_REIMBURSED_FOR = re.compile(r"\breimbursed\s+for\s+(.+)$", re.IGNORECASE)
# "What life insurance does Contoso provide?", "what kind of fertility care does Standard cover", "how
# much relocation assistance does Contoso offer": what a plan or employer provides. Not what the asker
# must provide or has ("What documents do I need to provide", "What options do I have"): the subject is
# no person and needs nothing. Not "how many [days] does…": what is counted is a unit, not an item.
_ASKS_WHAT_PROVIDED = re.compile(
    r"^\s*(?:what|how\s+much(?!\s+(?:time|leave|leaves|notice|vacation|pto|days?|hours?|weeks?)\b))\s+"
    r"(?:(?:kind|kinds|type|types|sort)\s+of\s+)?(.+?)\s+"
    r"(?:does|do|will|would)\s+"
    r"(?!(?:i|we|you|employees|staff|members)\b)"
    r"(?:(?!(?:need|needs|have|has|to)\b)[\w'’-]+\s+){1,3}?(?:provide|offer|cover|give)\b",
    re.IGNORECASE,
)
# The item ends where what follows says for whom, where or when: "a doula [for my delivery]".
_ENDING_WORDS = (
    *("on", "under", "with", "at", "in", "by", "through", "from", "if", "when", "as", "for", "before"),
    *("after", "during", "while", "so", "because", "to"),
)
# "…life insurance, and how much?": a second question after the item is no part of it.
_ITEM_END = re.compile(
    rf"\s+(?:{'|'.join(_ENDING_WORDS)})\s+.*$|[;:?!(].*$|"
    r",?\s+and\s+(?:how|what|when|where|who|which|whether|is|are|do|does|can|will|if)\b.*$",
    re.IGNORECASE,
)
# "glasses, contacts, or LASIK": a list names alternatives too.
_ALTERNATIVES = re.compile(r"\s*,\s*(?:(?:or|and)\s+)?|\s+(?:or|and|like|such\s+as)\s+|/", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"^(?:a|an|the|my|our|any)\s+", re.IGNORECASE)
MAX_ITEM_WORDS = 8  # what the refusal sentence echoes of the question
MAX_LISTED_KINDS = 4
_LISTED_WINDOW = 50  # characters: a listed kind and its separator
POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")
# A covered item that is a kind of leave ("Is there a wedding leave…") is read as one.
_LEAVE_AT_END = re.compile(r"\bleaves?$", re.IGNORECASE)
# "sick or casual leave": each word before "or" is a kind too.
_KIND_BEFORE_OR = re.compile(r"(?<![\w-])([\w-]{1,40})\s*(?:,|/|\bor\b|\band\b)\s*$", re.IGNORECASE)
# "[jury duty] leave", "[female special care] leave": up to two words before "leave", read backwards
# until a word that names no kind of leave ("give paternity leave" is "paternity").
# Words are bounded in length and must start at a word boundary, so a long run of word characters is
# scanned once, not once per starting position (the question is untrusted input).
_KIND_OF_LEAVE = re.compile(r"(?<![\w-])((?:[\w-]{1,40}\s+){1,2})leaves?\b", re.IGNORECASE)
# "Does PW give leave for jury duty?", "do I get a day off to vote", "do I get time off on my birthday":
# whether the employer grants a kind of leave, named by its purpose. Only after a verb of granting: "can
# I take leave for a fortnight", "apply for leave on email" and "can I leave for lunch" say how long, how
# or when, not what kind. Not "extra leave for seniority": who gets more, not what the leave is for.
_LEAVE_FOR = re.compile(
    r"\b(?:give|gives|get|gets|grant|grants|offer|offers|provide|provides|allow|allows|is\s+there|"
    r"are\s+there)\s+(?:(?:a|an|any|paid|special|separate)\s+)?"
    r"(?:leaves?|days?\s+off|time\s+off)\s+(?:for|to|on)\s+((?:[\w-]{1,40}(?:\s+|$)){1,3})",
    re.IGNORECASE,
)
# When, how long or how, not what for: "leave for tomorrow", "a day off on Friday", "for personal reasons".
_NOT_A_PURPOSE = frozenset(
    {
        *("today", "tomorrow", "yesterday", "weekend", "weekends", "fortnight", "week", "weeks", "month"),
        *("months", "year", "years", "day", "days", "hour", "hours", "monday", "tuesday", "wednesday"),
        *("thursday", "friday", "saturday", "sunday", "sundays", "saturdays", "reason", "reasons"),
        *("personal", "email", "e-mail", "phone", "short", "notice", "time", "leave"),
    }
)
MAX_PURPOSE_WORDS = 2
# Words that say how much, which or what happens to leave, not what kind it is ("unused leave",
# "cancel approved leave"). A kind is what a policy would name as a heading: "sabbatical", "jury duty".
_NOT_A_KIND = frozenset(
    {
        *("the", "a", "an", "any", "my", "our", "your", "their", "his", "her", "this", "that", "these"),
        *("of", "for", "at", "in", "on", "is", "are", "or", "and", "to", "with", "from", "about", "there"),
        *("what", "which", "how", "much", "many", "more", "less", "most", "all", "some", "no", "every"),
        *("day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours", "per"),
        *("paid", "unpaid", "extra", "additional", "total", "whole", "full", "half", "long", "longer"),
        *("short", "shorter", "maximum", "minimum", "max", "min", "annual", "yearly", "monthly", "own"),
        *("unused", "used", "remaining", "leftover", "pending", "approved", "rejected", "cancelled"),
        *("accumulated", "accrued", "balance", "current", "next", "previous", "last", "first", "same"),
        *("other", "another", "such", "each", "new", "entire", "give", "gives", "get", "gets", "take"),
        *("taking", "took", "have", "has", "had", "apply", "applied", "avail", "availed", "grant"),
        *("granted", "use", "cancel", "combine", "club", "allow", "allows", "allowed", "carry"),
        *("encash", "request", "requested", "approve", "lose", "lapse", "do", "does", "can", "will"),
        *("company", "employee", "employees", "staff", "member", "members"),
        # what counts as a kind, not a kind: "what is considered unplanned leave"
        *("considered", "counted", "treated", "deemed", "called", "classed", "classified", "counts"),
        # "study leave or exam leave": the word before "or" is the first kind's "leave", no kind itself
        *("leave", "leaves"),
        # the verbs of a coverage question: "Does Catalyst provide bereavement leave?"
        *("cover", "covers", "pay", "pays", "reimburse", "reimburses", "offer", "offers", "include"),
        *("includes", "provide", "provides", "towards"),
        # what is asked of two kinds: "compare maternity leave at Catalyst vs Physics Wallah"
        *("compare", "compared", "comparing", "comparison", "difference", "differences", "between"),
        *("vs", "versus", "explain", "describe", "tell", "list", "show", "about", "regarding"),
    }
)


# A question typed as a search names its topic in a few words; a longer one is a sentence.
MAX_TOPIC_WORDS = 7
# Words that start a question worded as a sentence, or ask one anywhere in it.
_ASKING = frozenset(
    {
        *("is", "are", "do", "does", "did", "can", "could", "will", "would", "should", "may", "i", "my"),
        *("we", "our", "please", "tell", "list", "explain", "describe", "show", "give", "if", "am"),
    }
)
_QUESTION_WORDS = frozenset(("how", "what", "when", "where", "who", "whom", "which", "why", "whose"))
MAX_WORD_CHARS = 40
# "What is the bonus structure…", "is there a tuition reimbursement program", "does Contoso have a
# sabbatical policy": a search for a topic, worded as a question.
_ASKS_FOR_TOPIC = re.compile(
    r"^\s*(?:what(?:\s+is|\s+are|['’]s)\s+(?:the|a|an|our|your|[\w-]+['’]s)|is\s+there\s+(?:a|an|any)|"
    r"are\s+there\s+any|(?:does|do)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:have|offer)\s+(?:a|an|any)|"
    # "when is the holiday party", "where is the parking garage", "list of holiday dates"
    r"(?:when|where)\s+(?:is|are)\s+(?:the|a|an|our|my)|list\s+of(?:\s+(?:the|all))?)\s+",
    re.IGNORECASE,
)
# Words that say which one or when, not what: "when is the next pay day", "the best time to request
# vacation", "the nearest in-network hospital", "the deadline to enroll" (a review, stop 19).
_WHICH_OR_WHEN = frozenset(
    {
        *("next", "last", "first", "best", "earliest", "latest", "nearest", "closest", "soonest"),
        *("deadline", "deadlines", "time", "times"),
    }
)
_TOPIC_OF = frozenset(("for", "from", "of", "on"))
# More terms than this make a search of several topics, not one ("mobile phone bill reimbursement" is
# one; 3 until stop 18).
MAX_TOPIC_TERMS = 4
# What every policy says of itself, and what a figure is counted in: "Northwind Standard pet insurance
# coverage" asks about pet insurance, "Health Plus dialysis coverage percentage" about dialysis.
_OF_ANY_POLICY = frozenset(
    {
        *("plan", "plans", "policy", "policies", "benefit", "benefits", "coverage", "covered", "program"),
        *("programs", "programme", "rules", "rule", "details", "detail", "info", "information", "options"),
        *("statement", "statements", "overview"),
        *("option", "the", "a", "an", "any", "company", "employee", "employees", "staff", "allowed"),
        *("eligible", "eligibility", "required", "needed", "necessary", "max", "maximum", "min"),
        *("minimum", "limit", "limits", "money", "cash"),
        *("percentage", "percent", "cost", "costs", "amount", "rate", "fee", "fees", "price", "number"),
        *("total", "day", "days", "week", "weeks", "month", "months", "year", "years", "hour", "hours"),
        *("visit", "visits", "session", "sessions", "family", "individual", "single", "period"),
    }
)
# A topic named by these says what is asked about it, not what it is ("the process for requesting
# vacation", "the difference between the plans"): no topic the policies must mention.
_GENERIC_HEADS = frozenset(
    {
        *("process", "procedure", "procedures", "steps", "step", "difference", "differences", "vs"),
        *("versus", "requirements", "requirement", "restrictions", "penalties", "penalty", "way", "ways"),
        *("types", "kinds", "list", "rules", "options", "eligibility", "criteria", "meaning", "purpose"),
    }
)


# A sentence that names an item in other words means nearly the same: MiniLM cosine of "ambulance rides"
# and "…whether you need an ambulance…" is 0.70 ("ambulance" alone 0.65), of "sabbatical leave" and a
# sentence about leave 0.51, of "bonus structure" and "pricing structures" 0.25, of "hospital wifi"
# and a sentence about hospitals 0.61 (dev questions and a review, stop 18).
SAME_MEANING = 0.65
MIN_SENTENCE_WORDS = 4  # shorter lines are headings ("Surgery"), which match the shared word alone
MAX_COMPARED_SENTENCES = 20  # the sentences compared, per question
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n")


class Similarity(Protocol):
    """The cosine of each phrase with each text, phrase by phrase (``Extractor.similarity``)."""

    def __call__(self, phrases: Sequence[str], texts: Sequence[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class AskedItem:
    """The item a question names, and its alternatives."""

    phrase: str  # as the question words it, letters and digits only ("doula", "pet insurance")
    alternatives: tuple[str, ...]
    kind: Literal["coverage", "leave", "topic"] = "coverage"


def asked_item(question: str, document_names: Collection[str] = ()) -> AskedItem | None:
    """The item ``question`` asks coverage of, the kind of leave it asks about, or the topic of a
    question typed as a search ("Northwind Standard pet insurance?"); None for none of these.

    ``document_names`` are words that name a policy ("catalyst"): they are neither a kind of leave nor
    part of a topic.
    """
    covered = _covered_item(question)
    if covered is not None and not _LEAVE_AT_END.search(covered.phrase):
        return covered
    # "Is there a wedding leave at Catalyst?" asks about a kind of leave, which only the named
    # employer's policy defines.
    return _kind_of_leave(question, document_names) or covered or _named_topic(question, document_names)


def _named_topic(question: str, document_names: Collection[str]) -> AskedItem | None:
    """The topic of a question typed as a search ("Northwind Standard pet insurance?", "dress code at
    contoso"): its words without the document's names and words any policy uses of itself ("plan",
    "policy"), up to where it says for whom or where; one word after "for", "from", "of" or "on" is part of
    it ("notice period for resignation", "work from home"). A search may be worded as a question ("what
    is Contoso's remote work policy", "when is the holiday party", "list of holiday dates"), but a
    question worded as a sentence, with a pronoun or an auxiliary ("when is the earliest I can retire",
    "how do I file a claim"), has no such item, and words that say which one or when ("the next",
    "the deadline") are no part of one."""
    asked = POSSESSIVE.sub("", _ASKS_FOR_TOPIC.sub("", asked_sentence(question)))
    words = re.findall(r"[\w'-]+", asked.lower())
    if not words or len(words) > MAX_TOPIC_WORDS or words[0] in _ASKING or set(words) & _QUESTION_WORDS:
        return None
    if max(len(w) for w in words) > MAX_WORD_CHARS:  # no word: the question is untrusted input
        return None
    names = set(document_names)
    joined = join_names(" ".join(words), names)
    end = _ITEM_END.search(joined)
    topic = (joined[: end.start()] if end else joined).split()
    # A pronoun or an auxiliary in it makes a sentence ("when is the earliest I can retire"); a clause
    # after the topic says when or for whom ("the notice period if I resign").
    if set(topic) & _ASKING:
        return None
    kept = [
        n
        for n, w in enumerate(topic)
        if w not in _OF_ANY_POLICY and w not in _WHICH_OR_WHEN and not set(tokenize(w)) & names
    ]
    tail = joined[end.start() :].split() if end else []
    of: list[str] = []
    if tail and tail[0] in _TOPIC_OF:
        following = itertools.takewhile(lambda w: w not in _ENDING_WORDS, tail[1:])
        of = [
            w for w in following if w not in _OF_ANY_POLICY and tokenize(w) and not set(tokenize(w)) & names
        ]
    named_as_policy = bool(topic) and set(topic) <= _OF_ANY_POLICY
    if not kept and named_as_policy and of and len(tokenize(" ".join(of))) <= MAX_TOPIC_TERMS:
        # "Contoso's policy on dating a coworker": a topic named only as a policy is what it is on.
        phrase = " ".join(of)
        return AskedItem(phrase, (phrase,), "topic")
    if not kept or kept[-1] - kept[0] + 1 != len(kept):  # a phrase with a gap is no phrase
        return None
    phrase = " ".join(topic[n] for n in kept)
    if not 1 <= len(tokenize(phrase)) <= MAX_TOPIC_TERMS or topic[kept[-1]] in _GENERIC_HEADS:
        return None
    # "notice period for resignation", "work from home": one word after the preposition, and nothing
    # after it, names what the topic is of; it is part of the topic, not a place or a person.
    if len(of) == 1:
        phrase = f"{phrase} {tail[0]} {of[0]}"
    return AskedItem(phrase, (phrase,), "topic")


def _kind_of_leave(question: str, document_names: Collection[str]) -> AskedItem | None:
    kinds: list[str] = []
    names = set(document_names)
    # "Physics Wallah's study leave": a possessive is no word of its own.
    text = join_names(POSSESSIVE.sub("", " ".join(question.split())), names)
    for match in _KIND_OF_LEAVE.finditer(text):
        words: list[str] = []
        for word in reversed(re.sub(r"[^\w\s-]", " ", match.group(1)).split()):
            if not _is_kind_word(word, names):
                break
            words.insert(0, word)
        if words:
            listed: list[str] = []
            if len(words) == 1:  # "sick, casual or earned leave": the words listed before are kinds too
                end = match.start(1) + match.group(1).index(words[0])
                for _ in range(MAX_LISTED_KINDS):
                    # only the last few characters are searched: the question is untrusted input
                    before = _KIND_BEFORE_OR.search(text[max(0, end - _LISTED_WINDOW) : end])
                    if before is None or not _is_kind_word(before.group(1), names):
                        break
                    listed.insert(0, before.group(1))
                    end -= len(before.group(0))
            kinds.extend([*listed, " ".join(words)])
    if not kinds:
        kinds = _purposes(text, names)
    kinds = list(dict.fromkeys(kinds))
    if not kinds:
        return None
    return AskedItem(" or ".join(f"{k} leave" for k in kinds), tuple(kinds), "leave")


def _purposes(text: str, document_names: Collection[str]) -> list[str]:
    """The kinds of leave named by their purpose: "leave for jury duty" is "jury duty", "a day off to
    vote at Physics Wallah" is "vote", "leave for my wedding" is "wedding". What the purpose is for or
    where ("at Physics Wallah") is no part of it, and nor is a figure ("leave for 3 days")."""
    purposes: list[str] = []
    for match in _LEAVE_FOR.finditer(re.sub(r"[^\w\s-]", " ", text)):  # "jury duty?" is "jury duty"
        words: list[str] = []
        for word in match.group(1).split():
            lower = word.lower()
            if lower in _ENDING_WORDS or lower in ("and", "or"):
                break
            if lower in ("a", "an", "the", "my", "our", "his", "her", "their", "your"):
                continue
            if lower in _NOT_A_PURPOSE or not _is_kind_word(word, document_names):
                words = []
                break
            words.append(word)
        if words and len(words) <= MAX_PURPOSE_WORDS:
            purposes.append(" ".join(words))
    return purposes


def _is_kind_word(word: str, document_names: Collection[str]) -> bool:
    lower = word.lower()
    if lower in _NOT_A_KIND or lower in WORD_NUMBERS or word.isdigit():
        return False
    terms = tokenize(word)
    return bool(terms) and not set(terms) & set(document_names)


def _covered_item(question: str) -> AskedItem | None:
    asked = asked_sentence(question)
    patterns = (
        _ASKS_DOES_COVER,
        _ASKS_IS_COVERED,
        _ASKS_CAN_USE_FOR,
        _ASKS_REIMBURSED_FOR,
        _ASKS_WHAT_PROVIDED,
        _ASKS_WHAT_RECEIVED,
    )
    match = next((m for pattern in patterns if (m := pattern.search(asked))), None)
    if match is None:
        return None
    # Only words (and the commas of a list) reach the refusal sentence: it shows the user's text back.
    item = re.sub(r"[^\w\s,'-]", " ", _ITEM_END.sub("", match.group(1).strip()))
    item = " ".join(item.split()[:MAX_ITEM_WORDS]).strip(" ,")
    alternatives = tuple(a for a in _ALTERNATIVES.split(item) if tokenize(a))
    # "what percentage does Standard cover": the figure asked for, no item.
    if not alternatives or set(item.lower().split()) <= _OF_ANY_POLICY | _GENERIC_HEADS:
        return None
    return AskedItem(_LEADING_ARTICLE.sub("", item), alternatives)


def item_mentioned(
    item: AskedItem, text: str, terms: TermStatistics | None = None, synonyms: Sequence[str] = ()
) -> bool:
    """Whether ``text`` mentions one of the item's alternatives, or a policy's word for it from the
    synonym file (``synonyms``: "in vitro fertilization" for "IVF"); see the module docstring."""
    # A coverage item's words make one name ("hair loss treatment"); a topic typed as a search is a few
    # words any sentence about it would use ("manager experience").
    together: Literal["sentence", "near"] = "sentence" if item.kind == "topic" else "near"
    return mentions(text, [*item.alternatives, *synonyms], terms, together=together)


def item_in(question: str, sources: Sequence[ScoredChunk]) -> AskedItem | None:
    """What ``question`` asks about (``asked_item``), the retrieved documents' names not counting as
    part of it. Read once per question: the employer rule and the mention rule both use it."""
    return asked_item(question, document_names(sources))


def unmentioned_item(
    item: AskedItem | None,
    question: str,
    sources: Sequence[ScoredChunk],
    quotes: Sequence[Quote],
    terms: TermStatistics | None,
    neighbours: Neighbours | None = None,
    similarity: Similarity | None = None,
    synonyms: Callable[[str], Sequence[str]] | None = None,
) -> AskedItem | None:
    """``item`` (what ``question`` asks about, ``item_in``) when none of the pages (or quotes) it may be
    answered from mentions it; None when it asks about none, or one is mentioned.

    A retrieved passage stands for its whole page when ``neighbours`` can give the page's other
    passages: the extract quotes from them too, and a table's first row is often a passage of its own."""
    if item is None:
        return None
    owned = owner_sources(item, question, sources)
    if len(owned) < len(sources):  # only the named employer's policy defines its kinds of leave
        files = {s.chunk.file for s in owned}
        sources, quotes = owned, [q for q in quotes if q.file in files]
    texts = passage_texts(sources, quotes)
    # The passages' own words, without titles and headings, are what a sentence is compared by.
    bodies = [s.chunk.text for s in sources] + [" ".join(q.lines) for q in quotes]
    if neighbours is not None:
        pages = dict.fromkeys((s.chunk.file, s.chunk.page) for s in sources)
        chunks = [c for page in pages for c in neighbours.page_chunks(*page)]
        texts += [f"{c.title} {c.section} {c.text}" for c in chunks]
        bodies += [c.text for c in chunks]
    others = synonyms(" ".join(item.alternatives)) if synonyms is not None else ()
    if item_mentioned(item, " ".join(texts), terms, others):
        return None
    return None if _mentioned_in_other_words(item, "\n".join(bodies), terms, similarity) else item


def _mentioned_in_other_words(
    item: AskedItem, text: str, terms: TermStatistics | None, similarity: Similarity | None
) -> bool:
    """Whether a sentence of ``text`` names a covered item or topic in other words: "ambulance rides"
    when the policy writes "ambulance transport". Only an item with a word no policy uses ("rides")
    qualifies, as no text could mention that word. A sentence of at least ``MIN_SENTENCE_WORDS`` words
    (not a heading) must mention the item's other words and mean nearly the same as the whole item
    (cosine at least ``SAME_MEANING``), and closer than to those other words alone: most of the cosine
    of "surgery gadgets" and a sentence about surgery is the shared word. A kind of leave never does:
    each policy names its own kinds, and "sabbatical leave" is not "leave"."""
    if similarity is None or terms is None or item.kind == "leave":
        return False
    pairs: list[tuple[str, str]] = []  # (the item as asked, its words the policies use)
    for alternative in item.alternatives:
        found = terms.query_terms(alternative)
        known = [t for t in found if terms.idf(t) is not None]
        if known and len(known) < len(found):
            pairs.append((alternative, " ".join(known)))
    if not pairs:
        return False
    split = dict.fromkeys(s.strip() for s in _SENTENCES.split(text))
    sentences = [
        s
        for s in split
        if len(s.split()) >= MIN_SENTENCE_WORDS and any(mentions(s, [known], terms) for _, known in pairs)
    ][:MAX_COMPARED_SENTENCES]
    if not sentences:
        return False
    # One call for every phrase and sentence: embedding costs ~5 ms a text on two cores.
    cosines = similarity([text for pair in pairs for text in pair], sentences)
    for n in range(len(pairs)):
        whole, words = cosines[2 * n], cosines[2 * n + 1]
        if any(w >= SAME_MEANING and w > k for w, k in zip(whole, words, strict=True)):
            return True
    return False


def owner_sources(item: AskedItem | None, question: str, sources: Sequence[ScoredChunk]) -> list[ScoredChunk]:
    """The passages a question about a kind of leave (``item``) may be answered from: those of the
    employer it names ("paternity leave at Physics Wallah"), when any were retrieved; else all of them.
    Another employer's paternity leave is no answer, however well it matches."""
    if item is None or item.kind != "leave":
        return list(sources)
    named = named_files(question, sources)
    return [s for s in sources if s.chunk.file in named] or list(sources)

"""The figure a question asks for, and whether a text states one of that kind.

"How many massage sessions…", "what's the copay…", "salary range…" ask for a figure: a count of
something, a duration, an amount. Quoting the passages about massage therapy answers none of them
when no quoted line gives a number of sessions, and near misses ("standard plan urgent care copay",
where the plan covers urgent care but names no copay) are exactly those. So the extract must state a
figure of the asked kind, or the answer says the policies don't state it. This is a rule on the
question's wording, not a model's judgement: it cannot invent a figure, only decline to pretend.

Besides "how many/how much/how long", a deadline ("by when", "how soon") asks how long (a date answers
it too), a percentage or deductible asks for an amount, and a limit or maximum for an amount or a count
of anything, or for a count of what the question names right next to it ("visit limit", "maximum
number of sessions"; not "limit per day"). Only wordings that unambiguously ask for a figure count; "how
does the copay work" and "how do I pay my premium" ask how, and "how much EL do I earn" is left to
the relevance gate (an accrual reads as "1.5 per month" or a table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from backend.rag.answer.numbers import WORD_NUMBER_ALTERNATION
from backend.rag.answer.wording import asked_sentence

# "limit": a maximum, which a policy gives as an amount or as a count ("meal limit", "leave limit").
FigureKind = Literal["amount", "count", "limit"]

_TIME_UNITS = r"(?:hours?|days?|weeks?|months?|years?)"
# A number as policies write it: digits ("05", "1,000", "1.5") or words. A number starts where no
# digit, comma or point precedes it, so a long run of "1,1,1…" in a policy is scanned once (policy text
# comes from uploaded PDFs).
_NUMBER = rf"(?:(?<![\d,.])\d[\d,]*(?:\.\d+)?|{WORD_NUMBER_ALTERNATION})"
# "05 (Five) days", "up to 12 acupuncture visits", "30 calendar days", "7+ years", "a one-month
# notice". The words between the number and the unit describe what is counted; "per", "a" or "for"
# between them say the number counts something else: "one hour per visit" is no number of visits, "$25
# for each visit" neither.
_BETWEEN = r"(?!(?:per|each|every|a|an|for|of|in|to|after|before|within)(?![\w-]))[\w-]{{1,30}}\s+"
_COUNT_OF = r"\b{number}\b\+?(?:\s*\([\w -]{{1,30}}\))?[\s-]+(?:" + _BETWEEN + r"){{0,2}}{unit}\b"
# "a week" is a duration, but "a visit" is no number of visits.
_A_DURATION = re.compile(rf"\ban?[\s-]+{_TIME_UNITS}\b", re.IGNORECASE)
# Also "once a year", "twice": the answer to "how many times".
_TIMES = re.compile(r"\b(?:once|twice|thrice)\b", re.IGNORECASE)
_AMOUNT = re.compile(
    r"\$|₹|€|£|\bINR\b|\bRs\.?|\brupees?\b|\bdollars?\b|\beuros?\b|\bpounds?\b|\d\s?%|\bper\s?cent\b|"
    r"\bfree\b|\bno\s+(?:cost|charge|copay|co-pay)\b|\b(?:covered\s+in\s+full|fully\s+covered)\b",
    re.IGNORECASE,
)

_ASKS_AMOUNT = re.compile(
    # "premium" and "price" as nouns: "the premium plan" asks no amount.
    r"\b(?:salary|salaries|wages?|pay\s+range|(?:price|premiums?)(?!\s+(?:plan|tier|option|version))|"
    r"co-?pays?|co-?insurance|"
    r"how\s+much\s+(?:\w+\s+){0,4}?(?:cost|costs|pay|charge|spend|reimburse|insurance|allowance|coverage)|"
    # "how much can I claim / put in an HSA": money, unless what is claimed is time ("how much leave
    # can I claim", "how much notice should I put in")
    r"how\s+much\s+(?:(?!(?:time|leave|leaves|pto|vacation|sick|notice|overtime|days?|hours?|weeks?|el|cl|sl)\b)"
    r"\w+\s+){0,4}?(?:claim|expense|contribute|put\s+in(?:to)?|save|deposit)|"
    # "how much does the CEO make": a salary ("how much EL do I earn" is an accrual, left alone)
    r"how\s+much\s+(?:does|do|did|will|would)\s+(?:\w+\s+){1,4}?(?:make|earn|get\s+paid))\b",
    re.IGNORECASE,
)
_ASKS_COUNT = re.compile(r"\bhow\s+(many|long)\b((?:\s+[\w-]+){0,4})", re.IGNORECASE)
# "What's the deadline to appeal", "by when must I use it", "how soon will I hear back": how long.
_ASKS_WHEN_BY = re.compile(r"\b(?:deadlines?|by\s+when|how\s+soon|how\s+quickly)\b", re.IGNORECASE)
# "out of pocket max", "dialysis coverage percentage", "the family deductible": an amount, unless the
# question names what a limit counts ("chiropractor visits … limit", "maximum leave at one stretch").
# "deductible" as an adjective ("a high deductible plan") asks no amount.
_ASKS_PERCENT = re.compile(
    r"\b(?:percentage|percent|deductibles?(?!\s+(?:health|plan|option)))\b", re.IGNORECASE
)
_ASKS_LIMIT = re.compile(r"\b(?:limits?|max|maximum)\b", re.IGNORECASE)
# What a limit counts, when the question says so next to it: "chiropractor visits … limit" is read as
# "visits limit" only when adjacent ("visit limit", "limit on visits", "maximum number of sessions").
_COUNTED = r"(visits?|sessions?|treatments?|appointments?|days?|weeks?|months?|hours?|leaves?)"
_LIMIT_OF = re.compile(
    rf"\b{_COUNTED}\s+(?:\w+\s+)?(?:limits?|max|maximum)\b|"
    rf"\b(?:limits?|max|maximum)\s+(?:number\s+of\s+|on\s+|of\s+)?(?:(?!per\b)\w+\s+)?{_COUNTED}\b",
    re.IGNORECASE,
)
# A deadline may be a date: "by 15 November", "by the end of the month".
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATE = re.compile(
    rf"\b{_MONTH}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b|"
    r"\bend\s+of\s+(?:the\s+|each\s+|every\s+)?(?:month|year|quarter|financial\s+year)\b",
    re.IGNORECASE,
)
# "how does the split copay work" asks for a mechanism, not an amount, and "how do I pay my part of
# the premium" a procedure.
_ASKS_HOW_IT_WORKS = re.compile(
    r"^\s*how\s+(?:(?:does|do)\b.*\bworks?\b|(?:do|can|should)\s+(?:i|we|you)\b)", re.IGNORECASE
)
# Words that end the counted noun phrase: "how many [massage therapy sessions] can I get".
_PHRASE_END = frozenset(
    {
        *("can", "could", "do", "does", "did", "are", "is", "was", "will", "would", "should", "may"),
        *("must", "get", "have", "has", "i", "we", "you", "my", "our", "the", "a", "an", "of", "in"),
        *("on", "for", "at", "to", "per"),
    }
)

# Care is counted in visits, sessions or treatments, as the policy happens to say: "12 visits" answers
# "how many acupuncture sessions".
_CARE = ("visit", "session", "treatment", "appointment")
_SAME_COUNT = dict.fromkeys(_CARE, _CARE)
_QUALIFIERS = frozenset(("more", "extra", "additional", "total", "paid", "unpaid"))
_UNIT_WORDS = frozenset(("hour", "day", "week", "month", "year", "time", *_CARE))
_ANY_UNIT = r"[\w-]{1,30}"
# Leave is counted in days, and days may be given as weeks or months; visits only as visits.
_COUNTED_IN_TIME = frozenset(
    ("hour", "day", "week", "month", "year", "leave", "holiday", "vacation", "off", "el", "cl", "sl", "pl")
)


@dataclass(frozen=True)
class AskedFigure:
    """What a question asks for: an amount (money or a percentage), or a count of ``counted``."""

    kind: FigureKind
    counted: str = ""  # what is counted, singular ("session", "day", "time"); "" for "how long"
    # What the question says about the counted thing, which the figure's unit must mention too
    # ("work-from-home" in "how many work-from-home days"); "" when it names only the unit.
    qualifier: str = ""
    phrase: str = ""  # how the question names it, for the refusal sentence ("massage therapy sessions")

    def stated_in(self, text: str) -> bool:
        """Whether ``text`` gives a figure of this kind."""
        if self.kind == "amount":
            return bool(_AMOUNT.search(text))
        if self.kind == "limit":  # an amount, or a number of anything
            any_count = _COUNT_OF.format(number=_NUMBER, unit=f"(?:{_ANY_UNIT})")
            return bool(_AMOUNT.search(text)) or re.search(any_count, text, re.IGNORECASE) is not None
        if not self.counted and _DATE.search(text):  # "how long" is answered by a deadline's date
            return True
        if self.counted == "time":  # "how many times": any count of anything answers it
            if _TIMES.search(text):
                return True
            units = _ANY_UNIT
        else:
            in_time = not self.counted or self.counted in _COUNTED_IN_TIME  # "how long", "how many days"
            if in_time and _A_DURATION.search(text):
                return True
            counted = _SAME_COUNT.get(self.counted, (self.counted,)) if self.counted else ()
            own = [rf"{re.escape(c)}s?" for c in counted]
            units = "|".join([*own, _TIME_UNITS] if in_time else own)
        pattern = _COUNT_OF.format(number=_NUMBER, unit=f"(?:{units})")
        return re.search(pattern, text, re.IGNORECASE) is not None

    def described(self) -> str:
        """The figure in words: "an amount", "a number of massage therapy sessions", "how long"."""
        if self.kind == "amount":
            return "an amount"
        if self.kind == "limit":
            return "a limit"
        return f"a number of {self.phrase}" if self.phrase else "how long"


def asked_figure(question: str) -> AskedFigure | None:
    """The figure ``question`` asks for, or None when it asks for none (or not unambiguously)."""
    question = asked_sentence(question)
    if _ASKS_HOW_IT_WORKS.search(question):
        return None
    count = _ASKS_COUNT.search(question)
    if count is not None:
        if count.group(1).lower() == "long":
            return AskedFigure("count")
        words: list[str] = []
        for word in count.group(2).split():
            if word.lower() in _PHRASE_END:
                break
            words.append(word)
            if _singular(word) in _UNIT_WORDS:
                break  # "how many days northwind standard": the unit ends what is counted
        if not words:
            return None
        while len(words) > 1 and words[0].lower() in _QUALIFIERS:  # "how many [more] days"
            words = words[1:]
        head = _singular(words[-1])
        qualifier = " ".join(words[:-1]).lower()
        return AskedFigure("count", head, qualifier=qualifier, phrase=" ".join(words).lower())
    if _ASKS_AMOUNT.search(question):
        return AskedFigure("amount")
    if _ASKS_WHEN_BY.search(question):
        return AskedFigure("count")
    if _ASKS_PERCENT.search(question):
        return AskedFigure("amount")
    if _ASKS_LIMIT.search(question):
        limit_of = _LIMIT_OF.search(question)
        if limit_of is None:
            return AskedFigure("limit")
        head = _singular(limit_of.group(1) or limit_of.group(2))
        return AskedFigure("count", head, phrase=f"{head}s")
    return None


def _singular(word: str) -> str:
    """The singular a counted thing is named in: "sessions" → "session"."""
    return re.sub(r"(?<=[a-z])s$", "", word.lower())
